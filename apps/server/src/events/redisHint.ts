import { Redis } from 'ioredis';
import type { Logger } from 'pino';

const CHANNEL = 'switchboard:events';

/** Cross-node wake-up: "new events were committed". Only a hint; the events table is the truth. */
export class RedisEventHint {
  private readonly pub: Redis;
  private readonly sub: Redis;

  constructor(url: string, onHint: () => void, log: Logger) {
    this.pub = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.sub = new Redis(url, { lazyConnect: false });
    for (const c of [this.pub, this.sub]) c.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
    void this.sub.subscribe(CHANNEL);
    this.sub.on('message', () => onHint());
  }

  async ready(): Promise<void> {
    await this.pub.ping();
    await this.sub.ping().catch(() => undefined);
  }

  publish(): void {
    this.pub.publish(CHANNEL, '1').catch(() => undefined);
  }

  get client(): Redis {
    return this.pub;
  }

  async close(): Promise<void> {
    this.sub.disconnect();
    await this.pub.quit().catch(() => this.pub.disconnect());
  }
}
