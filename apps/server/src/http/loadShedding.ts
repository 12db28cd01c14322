import type { FastifyReply, FastifyRequest } from 'fastify';
import { metrics } from '../metrics.ts';

export interface LoadLimits {
  /** Ingest requests this node works on at once; more are refused (503) rather than queued. */
  maxInFlight: number;
  /** Event-loop delay (ms, median over the last second) past which ingest is refused. */
  maxEventLoopDelayMs: number;
  /** Database work waiting for a connection or a commit, past which ingest is refused. */
  maxQueueDepth: number;
  /**
   * The fastest ingest answer of the last half second (ms), past which ingest is refused: when even
   * the fastest waited this long, there is a standing queue, whatever the counts say.
   */
  maxIngestLatencyMs: number;
}

const SAMPLE_MS = 50;
/** How far back the ingest latency floor looks. */
const LATENCY_WINDOW_MS = 500;

export const DEFAULT_LOAD_LIMITS: LoadLimits = { maxInFlight: 256, maxEventLoopDelayMs: 200, maxQueueDepth: 200, maxIngestLatencyMs: 1000 };

/**
 * Sheds ingest early under overload. Past a limit a new inbound message is answered at once with
 * 503 `overloaded` and `Retry-After: 1` (providers and our widget retry; a retry with the same
 * message id is idempotent), so the work already accepted stays fast instead of every request
 * queueing behind a backlog that only grows. Reads, agents' actions and operations are never shed.
 */
export class LoadShedder {
  private inFlight = 0;
  /** Event-loop lag samples (when, how late) of the last second. */
  private lags: Array<[number, number]> = [];
  /** Ingest requests answered lately (when, how long they took). */
  private answered: Array<[number, number]> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly limits: LoadLimits,
    private readonly queueDepth: () => number,
  ) {
    // A timer every 50 ms that notes how late it fires: after a stall it fires first thing, so the
    // next request already sees the stall (timers run before the loop reads sockets).
    let expected = performance.now() + SAMPLE_MS;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.lags.push([now, Math.max(0, now - expected)]);
      expected = now + SAMPLE_MS;
      while (this.lags.length && this.lags[0]![0] < now - 1000) this.lags.shift();
    }, SAMPLE_MS);
    this.timer.unref();
  }

  /**
   * The median event-loop lag of the last second, in ms: high only while the loop stays saturated,
   * not after one stall (a start-up compile, a GC) that has passed.
   */
  get eventLoopDelayMs(): number {
    if (this.lags.length < 3) return 0;
    const sorted = this.lags.map(([, lag]) => lag).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  }

  /**
   * The fastest ingest answer of the last half second, in ms (0 with fewer than three answers). As
   * in CoDel, the minimum: one slow request does not raise it, only a queue that every request waits in.
   * Once ingest is refused no answers come in, the window empties and ingest is let in again.
   */
  get ingestLatencyFloorMs(): number {
    const since = performance.now() - LATENCY_WINDOW_MS;
    while (this.answered.length && this.answered[0]![0] < since) this.answered.shift();
    if (this.answered.length < 3) return 0;
    return this.answered.reduce((min, [, ms]) => Math.min(min, ms), Infinity);
  }

  /** Why ingest should be refused now, or null. */
  overloaded(): 'in_flight' | 'event_loop' | 'queue' | 'latency' | null {
    if (this.inFlight >= this.limits.maxInFlight) return 'in_flight';
    if (this.eventLoopDelayMs > this.limits.maxEventLoopDelayMs) return 'event_loop';
    if (this.queueDepth() > this.limits.maxQueueDepth) return 'queue';
    if (this.ingestLatencyFloorMs > this.limits.maxIngestLatencyMs) return 'latency';
    return null;
  }

  /** onRequest for an ingest route: refuse, or count it until its response is sent. */
  admit(req: FastifyRequest, reply: FastifyReply): boolean {
    const reason = this.overloaded();
    if (reason) {
      metrics.loadShed.inc({ reason });
      void reply
        .code(503)
        .header('retry-after', '1')
        .send({ error: { code: 'overloaded', message: 'This server is overloaded; retry in a second.' } });
      return false;
    }
    this.inFlight++;
    const startedAt = performance.now();
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      this.inFlight--;
      const now = performance.now();
      this.answered.push([now, now - startedAt]);
    };
    reply.raw.once('finish', release);
    reply.raw.once('close', release);
    req.raw.once('close', () => reply.sent && release());
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
