import crypto from 'node:crypto';
import os from 'node:os';
import client from 'prom-client';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Store } from '../../store/db.ts';
import type { EventRow } from '../../store/events.ts';
import { registry } from '../../metrics.ts';
import { consumerLags } from '../../store/outbox.ts';
import { OutboxConsumer, type ConsumerSpec } from './consumer.ts';

const live = new Set<Outbox>();

/** Lag is measured when scraped (head seq − cursor), so it is true on every node, holder or not. */
new client.Gauge({
  name: 'switchboard_outbox_lag_events',
  help: 'Events committed after the consumer’s cursor',
  labelNames: ['consumer'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const outbox of live) {
      for (const [name, lag] of await outbox.lags().catch(() => new Map<string, number>())) this.set({ consumer: name }, lag);
    }
  },
});

/**
 * This node's outbox consumers. Features register a consumer (a name, the event types it wants,
 * an idempotent handler); every node registers the same ones, and for each one node at a time
 * holds the lease and works. Woken by the dispatcher after each commit (local, or another node's via
 * the Redis hint), and by a poll that also notices an expired lease of a crashed node.
 */
export class Outbox {
  /** Who holds a lease: host, process and a random part (a restarted process is a new owner). */
  readonly nodeId = `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  private readonly consumers = new Map<string, OutboxConsumer>();
  private started = false;
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly pollMs = 2000,
  ) {
    live.add(this);
  }

  /**
   * Adds a consumer; once the outbox runs, it starts at once. A name is registered once per node.
   * Resolves when its cursor exists (a new consumer's starts at the current last event).
   */
  async register(spec: ConsumerSpec): Promise<void> {
    if (this.consumers.has(spec.name)) throw new Error(`outbox consumer ${spec.name} is registered twice`);
    if (!spec.types.length) throw new Error(`outbox consumer ${spec.name} wants no event types`);
    const consumer = new OutboxConsumer(spec, { store: this.store, clock: this.clock, log: this.log.child({ consumer: spec.name }), nodeId: this.nodeId });
    this.consumers.set(spec.name, consumer);
    await consumer.init();
    if (this.started) consumer.wake();
  }

  /** Stops and forgets a consumer on this node (its feature's thing was deleted); its rows are the feature's to delete. */
  async unregister(name: string): Promise<void> {
    const c = this.consumers.get(name);
    if (!c) return;
    this.consumers.delete(name);
    await c.stop();
  }

  has(name: string): boolean {
    return this.consumers.has(name);
  }

  get names(): string[] {
    return [...this.consumers.keys()];
  }

  /** Starts the loops (a real server; tests with a ManualClock call runOnce instead). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.poll = setInterval(() => {
      for (const c of this.consumers.values()) c.wake();
    }, this.pollMs);
    this.poll.unref();
    for (const c of this.consumers.values()) c.wake();
  }

  /** Committed events arrived: wake the consumers this node holds that want any of them at once. */
  onEvents(rows: EventRow[]): void {
    if (!this.started) return;
    for (const c of this.consumers.values()) {
      if (c.held && rows.some((r) => c.spec.types.includes(r.type) && c.spec.wakesFor(r))) c.wake();
    }
  }

  /** Wakes one consumer now (e.g. after an administrator put a dead letter back in line). */
  wake(name: string): void {
    if (this.started) this.consumers.get(name)?.wake();
  }

  /** One pass of a consumer, awaited: what tests drive with a ManualClock. Returns items handled. */
  async runOnce(name: string): Promise<number> {
    const c = this.consumers.get(name);
    if (!c) throw new Error(`no outbox consumer ${name}`);
    return c.runDriven();
  }

  /** Events committed after each registered consumer's cursor. */
  async lags(): Promise<Map<string, number>> {
    return consumerLags(this.store.db, this.names);
  }

  /** Lets runs in progress finish (their cursor commits) and hands the leases back. */
  async stop(): Promise<void> {
    this.started = false;
    clearInterval(this.poll);
    await Promise.all([...this.consumers.values()].map((c) => c.stop()));
    live.delete(this);
  }
}
