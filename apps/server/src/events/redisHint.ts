import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

const CHANNEL = 'switchboard:events';

/** Cross-node wake-up: "new events were committed". Only a hint; the events table is the truth. */
export class RedisEventHint {
  private readonly pub: Redis;
  private readonly sub: Redis;
  /** Our own hints come back on the subscription; this node was already woken directly. */
  private readonly nodeId = randomUUID();
  private pending = false;

  constructor(url: string, onHint: () => void, log: Logger) {
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.sub = new Redis(url, { lazyConnect: false });
    for (const c of [this.pub, this.sub]) c.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
    void this.sub.subscribe(CHANNEL);
    this.sub.on('message', (_channel: string, from: string) => {
      if (from !== this.nodeId) onHint();
    });
  }

  async ready(): Promise<void> {
    await this.pub.ping();
    await this.sub.ping().catch(() => undefined);
  }

  /** Commits in the same turn of the event loop share one hint. */
  publish(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.pub.publish(CHANNEL, this.nodeId).catch(() => undefined);
    });
  }

  get client(): Redis {
    return this.pub;
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    await this.pub.quit().catch(() => this.pub.disconnect());
  }
}
