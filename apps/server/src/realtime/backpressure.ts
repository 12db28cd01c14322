import type { WebSocket } from 'ws';
import { metrics } from '../metrics.ts';

/**
 * What one stream socket may cost the server, for agents and visitors alike (ARCHITECTURE.md,
 * "Slow and abusive clients"). Bytes are what waits in our process for the kernel to take it
 * (ws `bufferedAmount`); the kernel's own socket buffers come on top and are bounded by the OS.
 */
export interface StreamLimits {
  /** A replay sends this many bytes, then waits until the socket has written them out. */
  pageBytes: number;
  /** Live delivery: a socket with more than this waiting is closed (CLOSE_SLOW) and resumes. */
  highWaterBytes: number;
  /** A replay page not written out within this long: the client is not reading; closed (CLOSE_SLOW). */
  stallMs: number;
  /** Incoming frames: a burst of this many, refilled at `framesPerSecond`; past it, CLOSE_ABUSE. */
  frameBurst: number;
  framesPerSecond: number;
  /** Live rows held for a socket while its replay is read; past this it is closed and resumes later. */
  maxBacklog: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  pageBytes: 256 * 1024,
  highWaterBytes: 1024 * 1024,
  stallMs: 15_000,
  // A client says hello once, pings every 25 s and (the widget) sends typing at most every 2 s.
  frameBurst: 40,
  framesPerSecond: 10,
  maxBacklog: 10_000,
};

/**
 * 1013 "try again later": the socket fell behind. Every client (packages/client stream.ts, the
 * widget) reconnects with `hello {lastSeq}` and gets what it missed, once.
 */
export const CLOSE_SLOW = 1013;
/** 1008 "policy violation": too many incoming frames. */
export const CLOSE_ABUSE = 1008;

/** Thrown out of a replay when the socket is closed or stops reading; the replay just ends. */
export class SocketGone extends Error {}

/** Closes a socket that fell behind; the close frame queues behind what it has not read yet. */
export function closeSlow(ws: WebSocket, why: 'behind' | 'stalled' | 'backlog'): void {
  if (ws.readyState !== ws.OPEN) return;
  metrics.streamSlowClosed.inc({ reason: why });
  ws.close(CLOSE_SLOW, 'too far behind; reconnect and resume');
}

/**
 * Sends replayed frames in pages: after `pageBytes` it waits for the last frame's write callback,
 * i.e. until everything before it has left our buffer. A client that does not take a page within
 * `stallMs` is closed. So a replay holds at most one page (plus one frame) however long it is.
 */
export class ReplayPacer {
  private sinceWait = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: StreamLimits,
  ) {}

  /** Sends one frame; returns a promise only when the page is full and it must wait. */
  send(frame: string | Buffer): Promise<void> | undefined {
    if (this.ws.readyState !== this.ws.OPEN) throw new SocketGone('closed');
    this.sinceWait += typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
    metrics.framesSent.inc();
    if (this.sinceWait < this.limits.pageBytes) {
      this.ws.send(frame, { binary: false });
      return undefined;
    }
    this.sinceWait = 0;
    return new Promise<void>((resolve, reject) => {
      const ws = this.ws;
      const done = (err?: Error): void => {
        clearTimeout(timer);
        ws.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onClose = (): void => done(new SocketGone('closed'));
      const timer = setTimeout(() => {
        closeSlow(ws, 'stalled');
        done(new SocketGone('stalled'));
      }, this.limits.stallMs);
      ws.once('close', onClose);
      ws.send(frame, { binary: false }, (err) => done(err ? new SocketGone('closed') : undefined));
    });
  }
}

/**
 * Incoming frames per socket: a token bucket. Past it the socket is closed with CLOSE_ABUSE and
 * stops being read (ws pauses it), so a flood costs a bounded amount of work and memory and never
 * holds up other requests; ws's close timeout then drops the connection.
 */
export class FrameBudget {
  private tokens: number;
  private at = Date.now();
  private refused = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly limits: StreamLimits,
  ) {
    this.tokens = limits.frameBurst;
  }

  /** True when this frame may be handled. */
  take(): boolean {
    if (this.refused) return false;
    const now = Date.now();
    this.tokens = Math.min(this.limits.frameBurst, this.tokens + ((now - this.at) / 1000) * this.limits.framesPerSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.refused = true;
    metrics.streamFloodClosed.inc();
    this.ws.close(CLOSE_ABUSE, 'too many frames');
    this.ws.pause();
    return false;
  }
}
