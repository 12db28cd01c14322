import type { Logger } from 'pino';
import type { Clock } from '../../clock.ts';
import type { Store } from '../../store/db.ts';
import { latestSeq, type EventRow } from '../../store/events.ts';
import { metrics } from '../../metrics.ts';
import {
  LeaseLost,
  advanceCursor,
  blockedKeys,
  claimLease,
  countDead,
  deleteDelivery,
  dueRetries,
  ensureCursor,
  eventsForConsumer,
  insertDeliveries,
  nextRetryAt,
  promoteNext,
  recordFailure,
  releaseLease,
  renewLease,
  type DeliveryRow,
  type NewDelivery,
} from '../../store/outbox.ts';

/** What a handler gets: one committed event, with its data parsed. */
export interface OutboxEvent {
  seq: number;
  type: string;
  conversationId: number | null;
  actorId: number | null;
  at: number;
  data: unknown;
  /** 1 on the first try; a handler may see an item again after a crash, so it must be idempotent. */
  attempt: number;
}

/** A feature's consumer; see ARCHITECTURE.md "The outbox consumer". */
export interface ConsumerSpec {
  /** Stable name: the cursor and dead letters are kept under it. */
  name: string;
  /** Event types it wants; the others pass by without a query per event. */
  types: readonly string[];
  /**
   * Of the committed events of its types, those worth a run at once (default: all). The others wait
   * for the next run (another event's wake, or the poll within seconds) and are handled then, in
   * order, in one batch: an outbound channel has nothing to send for a customer's own message, which
   * is most of the traffic, so it does not run once per inbound message.
   */
  wakesFor?(row: EventRow): boolean;
  /** Resolves once the item is done (sent, stored…); a throw or rejection means "try again later". */
  handle(event: OutboxEvent): Promise<void>;
  /** Items of one key are handled in seq order; a failing one holds back only its own key. Default: the conversation. */
  keyOf?(event: OutboxEvent): string;
  /** Attempts before an item becomes a dead letter (default 10). */
  maxAttempts?: number;
  /** Or once this long has passed since its first failure (default 24 h). */
  maxAgeMs?: number;
  /** Backoff: base × 2^(attempt−1), capped, with jitter (defaults 1 s and 15 min). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Keys handled side by side (default 4); items of one key are never concurrent. */
  concurrency?: number;
  /** Events read per batch (default 100); the cursor commits after each batch. */
  batch?: number;
  /** How long the node's claim holds without renewal (default 30 s); a crashed node's items wait this long. */
  leaseMs?: number;
  /** A new consumer starts after the current last event (default), or from the oldest retained one. */
  startAt?: 'latest' | 'beginning';
}

export const DEFAULTS = { maxAttempts: 10, maxAgeMs: 24 * 3600_000, baseDelayMs: 1000, maxDelayMs: 15 * 60_000, concurrency: 4, batch: 100, leaseMs: 30_000 };

/** Exponential backoff with jitter: the delay before attempt `failed + 1`, between half and all of the cap. */
export function retryDelay(failed: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, failed - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/**
 * Thrown by a handler that knows when to try again (a provider's 429 `retry_after`): the item waits
 * that long instead of the backoff, never less than the backoff's base.
 */
export class RetryAfter extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

/** A parked item whose event was pruned cannot be handled any more. */
const PRUNED = 'the event is no longer retained';

function defaultKey(e: OutboxEvent): string {
  return e.conversationId != null ? `conversation:${e.conversationId}` : 'workspace';
}

function toEvent(row: EventRow, attempt: number): OutboxEvent {
  return { seq: Number(row.seq), type: row.type, conversationId: row.conversation_id, actorId: row.actor_id, at: Number(row.at), data: JSON.parse(row.data), attempt };
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message || err.name : String(err);
  return text.slice(0, 1000);
}

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

export interface ConsumerDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  nodeId: string;
}

/**
 * One consumer on this node. Exclusive: it works only while it holds the lease on its cursor row.
 * At-least-once: the cursor (and any parked items) commit after the handlers of a batch ran, so a
 * crash in between hands the same items out again after the lease ends.
 */
export class OutboxConsumer {
  readonly spec: Required<Omit<ConsumerSpec, 'keyOf' | 'startAt' | 'wakesFor'>> & Pick<ConsumerSpec, 'startAt'> & { keyOf(e: OutboxEvent): string; wakesFor(row: EventRow): boolean };
  /** Whether the last run held the lease (only the holder is woken by each commit). */
  held = false;
  private ready: Promise<void> | null = null;
  private running: Promise<number> | null = null;
  private driven: Promise<number> | null = null;
  private again = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Waits handlers asked for (RetryAfter), by event seq, until the failure is recorded. */
  private readonly askedDelay = new Map<number, number>();

  constructor(
    spec: ConsumerSpec,
    private readonly deps: ConsumerDeps,
  ) {
    this.spec = { ...DEFAULTS, ...spec, keyOf: spec.keyOf ?? defaultKey, wakesFor: spec.wakesFor ?? (() => true) };
  }

  /** Creates the cursor if this is the consumer's first registration anywhere. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      const start = this.spec.startAt === 'beginning' ? 0 : await latestSeq(this.deps.store.db);
      await ensureCursor(this.deps.store.db, this.spec.name, start, this.deps.clock.now());
    })().catch((err) => {
      this.ready = null; // e.g. the database was away: try again on the next run
      throw err;
    });
    return this.ready;
  }

  /** Runs now, or once more after the run in progress (wake-ups coalesce). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runOnce()
      .catch((err) => {
        this.deps.log.error({ err, consumer: this.spec.name }, 'outbox consumer run failed; will retry');
        return 0;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        } else void this.armRetryTimer();
      });
  }

  /** Resolves when no run is in progress (runs started meanwhile included). */
  async idle(): Promise<void> {
    while (this.running || this.driven) await (this.running ?? this.driven!.catch(() => 0));
  }

  /** A run awaited by its caller (tests, `Outbox.runOnce`): after any run in progress; `stop` waits for it too. */
  async runDriven(): Promise<number> {
    await this.idle();
    const run = this.runOnce();
    this.driven = run;
    try {
      return await run;
    } finally {
      if (this.driven === run) this.driven = null;
    }
  }

  /** Wakes the loop when the earliest retry falls due (the poll would too, later). */
  private async armRetryTimer(): Promise<void> {
    clearTimeout(this.retryTimer);
    if (!this.held || this.stopped) return;
    const at = await nextRetryAt(this.deps.store.db, this.spec.name).catch(() => null);
    if (at === null || this.stopped) return;
    this.retryTimer = setTimeout(() => this.wake(), Math.max(0, at - this.deps.clock.now()));
    this.retryTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.idle();
    if (this.held) await releaseLease(this.deps.store.db, this.spec.name, this.deps.nodeId).catch(() => undefined);
    this.held = false;
    metrics.outboxLeaseHeld.set({ consumer: this.spec.name }, 0);
  }

  /**
   * One pass: claim the lease (or return 0 when another node holds it), retry what is due, then
   * handle new events up to the head. Returns how many items were handled. Tests call it directly
   * with a ManualClock.
   */
  async runOnce(): Promise<number> {
    await this.init();
    const { store, clock, nodeId } = this.deps;
    const name = this.spec.name;
    const cursor = await claimLease(store, name, nodeId, clock.now(), this.spec.leaseMs);
    this.held = cursor !== null;
    metrics.outboxLeaseHeld.set({ consumer: name }, this.held ? 1 : 0);
    if (!cursor) return 0;
    // A slow handler must not lose the lease while it works.
    const renewal = setInterval(() => {
      renewLease(store.db, name, nodeId, clock.now(), this.spec.leaseMs).catch(() => undefined);
    }, Math.max(50, Math.floor(this.spec.leaseMs / 3)));
    renewal.unref();
    try {
      const handled = (await this.retryDue()) + (await this.handleNew(cursor.last_seq));
      metrics.outboxDeadLetters.set({ consumer: name }, await countDead(store.db, name));
      return handled;
    } catch (err) {
      if (!(err instanceof LeaseLost)) throw err;
      this.held = false;
      metrics.outboxLeaseHeld.set({ consumer: name }, 0);
      this.deps.log.warn({ consumer: name }, 'outbox lease lost to another node');
      return 0;
    } finally {
      clearInterval(renewal);
    }
  }

  /** One handler call; the outcome, never a throw. */
  private async attempt(event: OutboxEvent): Promise<string | null> {
    this.askedDelay.delete(event.seq);
    try {
      await this.spec.handle(event);
      metrics.outboxHandled.inc({ consumer: this.spec.name });
      return null;
    } catch (err) {
      metrics.outboxFailures.inc({ consumer: this.spec.name });
      if (err instanceof RetryAfter) this.askedDelay.set(event.seq, err.delayMs);
      this.deps.log.warn({ err, consumer: this.spec.name, seq: event.seq, attempt: event.attempt }, 'outbox handler failed');
      return errorText(err);
    }
  }

  /** The wait before the next attempt: what the handler asked for (RetryAfter), else the backoff. */
  private delayFor(seq: number, attempts: number): number {
    const backoff = retryDelay(attempts, this.spec.baseDelayMs, this.spec.maxDelayMs);
    const asked = this.askedDelay.get(seq);
    this.askedDelay.delete(seq);
    return asked === undefined ? backoff : Math.min(this.spec.maxDelayMs, Math.max(asked, this.spec.baseDelayMs));
  }

  private givesUp(attempts: number, firstFailedAt: number, now: number): boolean {
    return attempts >= this.spec.maxAttempts || now - firstFailedAt >= this.spec.maxAgeMs;
  }

  /** Parked items whose time has come: each is the oldest pending item of its key. */
  private async retryDue(): Promise<number> {
    const { store, clock, nodeId } = this.deps;
    const name = this.spec.name;
    let handled = 0;
    for (;;) {
      const due = await dueRetries(store.db, name, clock.now(), this.spec.batch);
      if (!due.length) return handled;
      const outcomes: { d: DeliveryRow; error: string | null }[] = [];
      await pool(due, this.spec.concurrency, async ({ delivery, event }) => {
        const error = event ? await this.attempt(toEvent(event, delivery.attempts + 1)) : PRUNED;
        if (!event) metrics.outboxFailures.inc({ consumer: name });
        outcomes.push({ d: delivery, error });
      });
      const now = clock.now();
      await store.transaction(async (tx) => {
        await renewLease(tx, name, nodeId, now, this.spec.leaseMs);
        for (const { d, error } of outcomes) {
          if (error === null) {
            await deleteDelivery(tx, d.id);
            await promoteNext(tx, name, d.key, now);
            continue;
          }
          const attempts = d.attempts + 1;
          const dead = error === PRUNED || this.givesUp(attempts, Number(d.first_failed_at ?? now), now);
          await recordFailure(tx, d, dead ? 'dead' : 'retry', dead ? 0 : now + this.delayFor(Number(d.seq), attempts), error, now);
          if (dead) {
            metrics.outboxDeadLettered.inc({ consumer: name });
            await promoteNext(tx, name, d.key, now);
          }
        }
      });
      handled += outcomes.filter((o) => o.error === null).length;
    }
  }

  /** New events after the cursor, in batches; each batch's cursor and parked items commit together. */
  private async handleNew(from: number): Promise<number> {
    const { store, clock, nodeId } = this.deps;
    const name = this.spec.name;
    let after = from;
    let handled = 0;
    for (;;) {
      const { rows, upTo } = await eventsForConsumer(store.db, after, this.spec.types, this.spec.batch);
      if (upTo === after) return handled;
      const events = rows.map((r) => toEvent(r, 1));
      const groups = new Map<string, OutboxEvent[]>();
      for (const e of events) {
        const key = this.spec.keyOf(e);
        const g = groups.get(key);
        if (g) g.push(e);
        else groups.set(key, [e]);
      }
      const blocked = await blockedKeys(store.db, name, [...groups.keys()]);
      const parked: NewDelivery[] = [];
      let dead = 0;
      await pool([...groups], this.spec.concurrency, async ([key, items]) => {
        let held = blocked.has(key);
        for (const e of items) {
          if (held) {
            parked.push({ seq: e.seq, key, state: 'waiting', attempts: 0, nextAttemptAt: 0, error: null });
            continue;
          }
          const error = await this.attempt(e);
          if (error === null) {
            handled++;
            continue;
          }
          const now = clock.now();
          if (this.givesUp(1, now, now)) {
            // Given up at once (maxAttempts 1): it holds nothing back.
            parked.push({ seq: e.seq, key, state: 'dead', attempts: 1, nextAttemptAt: 0, error });
            dead++;
            continue;
          }
          parked.push({ seq: e.seq, key, state: 'retry', attempts: 1, nextAttemptAt: now + this.delayFor(e.seq, 1), error });
          held = true;
        }
      });
      const now = clock.now();
      await store.transaction(async (tx) => {
        await renewLease(tx, name, nodeId, now, this.spec.leaseMs);
        await insertDeliveries(tx, name, parked, now);
        await advanceCursor(tx, name, upTo, now);
      });
      if (dead) metrics.outboxDeadLettered.inc({ consumer: name }, dead);
      after = upTo;
      if (rows.length < this.spec.batch) return handled;
    }
  }
}
