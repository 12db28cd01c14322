import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { metrics } from '../metrics.ts';
import type { Signal } from './signals.ts';


/** Reconnect delays: quick at first, then every 2 s, for ever (Redis coming back is the normal case). */
const retryStrategy = (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2000);

/**
 * Cross-node wake-up: "new events were committed". Only a hint; the events table is the truth.
 *
 * Redis is optional at run time: a node starts without it, and while it is away hints are not sent
 * (other nodes see new events on their 2-second poll) and rate limits count per node
 * (http/rateLimitStore.ts). Commands never wait for it: with no offline queue, a command while it is
 * down fails at once instead of holding a request. `up` says which state we are in; it is logged
 * when it changes and exported as `switchboard_redis_up`.
 */
export class RedisEventHint {
  private readonly pub: Redis;
  private readonly sub: Redis;
  /** Our own hints come back on the subscription; this node was already woken directly. */
  private readonly nodeId = randomUUID();
  private pending = false;
  private wasUp: boolean | null = null;
  private readonly channel: string;
  /** Ephemeral signals (events/signals.ts) travel whole: `{from, signal}` as JSON. */
  private readonly signalChannel: string;

  constructor(
    url: string,
    onHint: () => void,
    private readonly log: Logger,
    prefix = 'switchboard:',
  ) {
    this.channel = `${prefix}events`;
    this.signalChannel = `${prefix}signals`;
    const common = { retryStrategy, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 };
    this.pub = new Redis(url, common);
    // The subscriber keeps its offline queue: its SUBSCRIBE is sent once it connects, and again on
    // every reconnect (ioredis re-subscribes).
    this.sub = new Redis(url, { retryStrategy, connectTimeout: 2000 });
    let lastWarning = 0;
    for (const c of [this.pub, this.sub]) {
      c.on('error', (err: Error) => {
        // Every reconnect attempt fails the same way while Redis is down; one line a minute is enough.
        if (Date.now() - lastWarning > 60_000) log.warn({ err: err.message }, 'redis error');
        lastWarning = Date.now();
      });
      c.on('ready', () => this.changed());
      c.on('close', () => this.changed());
    }
    void this.sub.subscribe(this.channel, this.signalChannel).catch(() => undefined);
    this.sub.on('message', (channel: string, message: string) => {
      if (channel === this.signalChannel) return this.onSignalMessage(message);
      if (message !== this.nodeId) onHint();
    });
    // Back after an outage: hints sent meanwhile were lost, so look for news now.
    this.sub.on('ready', () => onHint());
    metrics.redisUp.set(0);
  }

  /** Both connections are usable. */
  get up(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready';
  }

  private changed(): void {
    const up = this.up;
    if (up === this.wasUp) return;
    const before = this.wasUp;
    this.wasUp = up;
    metrics.redisUp.set(up ? 1 : 0);
    if (up) this.log.info('redis connected: cross-node hints and shared rate limits on');
    else if (before !== null || this.pub.status !== 'connecting') {
      this.log.warn('redis unreachable: degraded to per-node rate limits and the 2-second poll; reconnecting');
    }
  }

  /**
   * Waits up to `ms` for Redis, so a node started together with Redis begins connected; never
   * fails: a node starts without Redis and connects when it comes.
   */
  async ready(ms = 2000): Promise<boolean> {
    if (this.up) return true;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.pub.off('ready', check);
        this.sub.off('ready', check);
        resolve();
      };
      const check = () => this.up && done();
      const timer = setTimeout(done, ms);
      this.pub.on('ready', check);
      this.sub.on('ready', check);
    });
    if (!this.up) {
      this.wasUp = false;
      metrics.redisUp.set(0);
      this.log.warn('redis unreachable at start: running with per-node rate limits and the 2-second poll; reconnecting');
    }
    return this.up;
  }

  /** Where signals from other nodes go (the server's SignalBus). */
  onSignal: ((signal: Signal) => void) | null = null;

  private onSignalMessage(message: string): void {
    try {
      const m = JSON.parse(message) as { from: string; signal: Signal };
      if (m.from !== this.nodeId) this.onSignal?.(m.signal);
    } catch {
      // not ours, or garbled: a signal is worth nothing late or broken
    }
  }

  /** Sends an ephemeral signal to the other nodes; dropped while Redis is away (it is stale in seconds). */
  publishSignal(signal: Signal): void {
    if (this.pub.status === 'ready') this.pub.publish(this.signalChannel, JSON.stringify({ from: this.nodeId, signal })).catch(() => undefined);
  }

  /** Commits in the same turn of the event loop share one hint. */
  publish(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      if (this.pub.status === 'ready') this.pub.publish(this.channel, this.nodeId).catch(() => undefined);
    });
  }

  get client(): Redis {
    return this.pub;
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    if (this.pub.status === 'ready') await this.pub.quit().catch(() => this.pub.disconnect());
    else this.pub.disconnect();
  }
}
