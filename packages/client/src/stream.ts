import type { ServerFrame } from '@switchboard/protocol';

export type StreamStatus = 'connecting' | 'live' | 'offline' | 'unauthorized';

export interface StreamOptions {
  /** ws(s)://host/api/v1/stream */
  url: string;
  /** Every event frame, in order, once (also `ready`/`resync`). */
  onFrame(frame: ServerFrame): void;
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
 * app to refetch.
 */
export class StreamClient {
  lastSeq: number | undefined;
  status: StreamStatus = 'offline';
  private ws: WebSocket | null = null;
  private stopped = true;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ping: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: StreamOptions) {
    this.lastSeq = opts.lastSeq;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.ping) clearInterval(this.ping);
    this.timer = null;
    this.ping = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'bye');
    this.setStatus('offline');
  }

  private setStatus(s: StreamStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.opts.onStatus?.(s);
  }

  private connect(): void {
    const Impl = this.opts.WebSocket ?? globalThis.WebSocket;
    this.setStatus('connecting');
    const ws = new Impl(this.opts.url);
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'hello', ...(this.lastSeq !== undefined ? { lastSeq: this.lastSeq } : {}) }));
    };
    ws.onmessage = (ev) => {
      // The server's frames follow ServerFrame: its tests check every frame they receive against it.
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data));
      } catch {
        return;
      }
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
        this.opts.onFrame(frame);
        if (frame.type === 'resync') this.opts.onResync();
        this.startPing(ws);
        return;
      }
      // An ephemeral signal (typing): live only, no seq, so it never moves the resume point.
      if (frame.type === 'typing.updated' || frame.type === 'discussion.typing') {
        this.opts.onFrame(frame);
        return;
      }
      if (this.lastSeq !== undefined && frame.seq <= this.lastSeq) return;
      this.lastSeq = frame.seq;
      this.opts.onFrame(frame);
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
      if (this.stopped) return;
      this.setStatus('offline');
      const min = this.opts.minDelay ?? 500;
      const max = this.opts.maxDelay ?? 10_000;
      const delay = Math.min(max, min * 2 ** this.attempt++) * (0.75 + Math.random() * 0.5);
      this.timer = setTimeout(() => {
        this.timer = null;
        if (!this.stopped) this.connect();
      }, delay);
    };
    ws.onerror = () => {
      // onclose follows and schedules the retry.
    };
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
