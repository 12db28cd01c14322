import type { ServerFrame } from '@switchboard/protocol';

export type StreamStatus = 'connecting' | 'live' | 'offline' | 'unauthorized';

/** What every stream's frames have in common (the agents' ServerFrame, the customers' VisitorServerFrame). */
interface AnyFrame {
  type: string;
  seq?: number;
  code?: string;
}

export interface StreamOptions<F = ServerFrame> {
  /**
   * ws(s)://host/api/v1/stream, or a function that makes the URL for each connection (the customer's
   * stream takes a one-time ticket, fetched anew each time); when it fails, the retry is as for a drop.
   */
  url: string | (() => Promise<string>);
  /** Every event frame, in order, once (also `ready`/`resync`). */
  onFrame(frame: F): void;
  /** The server could not replay what was missed: refetch lists and open threads. */
  onResync(): void;
  onStatus?(status: StreamStatus): void;
  /** Resume point from an earlier session (optional). */
  lastSeq?: number;
  WebSocket?: typeof WebSocket;
  /** Reconnect delays grow from this (ms) up to maxDelay. */
  minDelay?: number;
  maxDelay?: number;
  pingEvery?: number;
}

/**
 * A WebSocket that reconnects by itself and resumes where it stopped: it remembers the last seq it
 * saw and sends it in `hello`, so every missed event arrives once, in order; on `resync` it asks the
 * app to refetch. The agent app and the widget both use it: their streams share the protocol.
 */
export class StreamClient<F = ServerFrame> {
  lastSeq: number | undefined;
  status: StreamStatus = 'offline';
  private ws: WebSocket | null = null;
  private stopped = true;
  private attempt = 0;
  /** Counts connection attempts, so a URL that arrives after a stop opens nothing. */
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ping: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: StreamOptions<F>) {
    this.lastSeq = opts.lastSeq;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.attempts++;
    if (this.timer) clearTimeout(this.timer);
    if (this.ping) clearInterval(this.ping);
    this.timer = null;
    this.ping = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'bye');
    this.setStatus('offline');
  }

  /** Sends a frame (the customer's typing) when connected; false when not. */
  send(frame: object): boolean {
    if (this.ws?.readyState !== 1) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  private setStatus(s: StreamStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.opts.onStatus?.(s);
  }

  private connect(): void {
    this.setStatus('connecting');
    const { url } = this.opts;
    if (typeof url === 'string') return this.open(url);
    // A stop (and maybe a start) while the URL is made leaves this attempt behind.
    const attempt = ++this.attempts;
    url().then(
      (u) => {
        if (attempt === this.attempts && !this.stopped) this.open(u);
      },
      () => {
        if (attempt === this.attempts) this.retry();
      },
    );
  }

  private open(url: string): void {
    const Impl = this.opts.WebSocket ?? globalThis.WebSocket;
    const ws = new Impl(url);
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'hello', ...(this.lastSeq !== undefined ? { lastSeq: this.lastSeq } : {}) }));
    };
    ws.onmessage = (ev) => {
      // The server's frames follow ServerFrame: its tests check every frame they receive against it.
      let frame: AnyFrame;
      try {
        frame = JSON.parse(String(ev.data)) as AnyFrame;
      } catch {
        return;
      }
      const deliver = () => this.opts.onFrame(frame as F);
      if (frame.type === 'pong') return;
      if (frame.type === 'error') {
        if (frame.code === 'unauthorized') {
          this.stopped = true;
          this.setStatus('unauthorized');
        }
        return;
      }
      if (frame.type === 'ready' || frame.type === 'resync') {
        this.lastSeq = frame.seq;
        this.attempt = 0;
        this.setStatus('live');
        deliver();
        if (frame.type === 'resync') this.opts.onResync();
        this.startPing(ws);
        return;
      }
      // An ephemeral signal (typing): live only, no seq, so it never moves the resume point.
      if (frame.type === 'typing.updated' || frame.type === 'discussion.typing' || frame.seq === undefined) {
        deliver();
        return;
      }
      if (this.lastSeq !== undefined && frame.seq <= this.lastSeq) return;
      this.lastSeq = frame.seq;
      deliver();
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.ping) clearInterval(this.ping);
      this.ping = null;
      if (ev.code === 4401) {
        this.stopped = true;
        this.setStatus('unauthorized');
        return;
      }
      this.retry();
    };
    ws.onerror = () => {
      // onclose follows and schedules the retry.
    };
  }

  /** Offline, and another try after a delay that grows with each failure (with jitter). */
  private retry(): void {
    if (this.stopped) return;
    this.setStatus('offline');
    const min = this.opts.minDelay ?? 500;
    const max = this.opts.maxDelay ?? 10_000;
    const delay = Math.min(max, min * 2 ** this.attempt++) * (0.75 + Math.random() * 0.5);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private startPing(ws: WebSocket): void {
    if (this.ping) clearInterval(this.ping);
    this.ping = setInterval(() => {
      if (ws.readyState === 1) ws.send('{"type":"ping"}');
    }, this.opts.pingEvery ?? 25_000);
  }
}

/** The stream URL for the page's own origin. */
export function streamUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/stream`;
}
