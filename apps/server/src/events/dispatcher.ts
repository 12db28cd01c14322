import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import { eventsAfter, latestSeq, type EventRow } from '../store/events.ts';
import { metrics } from '../metrics.ts';
import { sequenceEvents } from './sequencer.ts';

/** Events handed out per read. */
const PAGE = 500;

export type EventSubscriber = (rows: EventRow[]) => void;

/**
 * Hands committed events to this process's subscribers (the WebSocket gateway), in sequence order,
 * once each. It is woken after a local commit, or by a Redis hint when another node committed; the
 * database stays the truth, so a lost hint only delays delivery until the next wake or poll.
 */
export class EventDispatcher {
  private last = 0;
  /** The drain in progress, if any; drains never overlap (each hands out rows once, in order). */
  private current: Promise<void> | null = null;
  private again = false;
  private scheduled = false;
  private stopped = false;
  private poll: NodeJS.Timeout | undefined;
  private readonly subscribers = new Set<EventSubscriber>();
  /** Called after this node numbered events (PostgreSQL), so other nodes read them too. */
  afterNumbering: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly pollMs = 2000,
  ) {}

  get lastSeq(): number {
    return this.last;
  }

  async start(): Promise<void> {
    this.last = await latestSeq(this.store.db);
    // A safety net for lost wake-ups (e.g. Redis restarting); cheap: one indexed query.
    this.poll = setInterval(() => this.wake(), this.pollMs);
    this.poll.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.poll);
  }

  subscribe(fn: EventSubscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /**
   * "Something was committed." Wake-ups in the same turn of the event loop share one drain, so a
   * burst of commits costs one query and one batch per socket rather than one per commit.
   */
  wake(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.startDrain();
    });
  }

  private startDrain(): void {
    if (this.current) {
      this.again = true;
      return;
    }
    this.current = this.drain().finally(() => {
      this.current = null;
      if (this.again) {
        this.again = false;
        this.startDrain();
      }
    });
  }

  /** Resolves once every event committed before the call has been handed out. */
  async flush(): Promise<void> {
    // A drain already running may have read before the latest commits: let it end, then drain again.
    while (this.current) await this.current;
    this.startDrain();
    while (this.current) await this.current;
  }

  /**
   * PostgreSQL: number what has committed, and read the first page after `last` in the same round
   * trip; if another node is numbering, wait for it briefly. Undefined: read the page separately.
   */
  private async sequence(limit: number): Promise<EventRow[] | undefined> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const res = await sequenceEvents(this.store, 5000, { seq: this.last, limit });
      if (res !== 'busy') {
        if (res.numbered > 0) this.afterNumbering?.();
        return res.rows;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return undefined;
  }

  private async drain(): Promise<void> {
    try {
      let page = this.store.dialect === 'postgres' ? await this.sequence(PAGE) : undefined;
      for (;;) {
        const rows = page ?? (await eventsAfter(this.store.db, this.last, PAGE));
        page = undefined;
        if (rows.length === 0) return;
        this.last = rows[rows.length - 1]!.seq;
        metrics.eventsDispatched.inc(rows.length);
        for (const fn of this.subscribers) {
          try {
            fn(rows);
          } catch (err) {
            this.log.error({ err }, 'event subscriber failed');
          }
        }
        if (rows.length < PAGE) return;
      }
    } catch (err) {
      this.log.error({ err }, 'event dispatch failed; will retry on next wake');
    }
  }
}
