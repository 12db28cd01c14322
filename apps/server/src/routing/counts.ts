import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { QueueCounts } from '@switchboard/protocol';
import type { Clock } from '../clock.ts';
import type { Db, Store, Tx } from '../store/db.ts';
import { appendEvents } from '../store/events.ts';

/** Waiting counts stop at this many: counting a long line on every change would cost O(line). */
export const WAITING_COUNT_CAP = 1000;

/**
 * A queue's counts in one statement (a subquery each), not one per figure: on PostgreSQL under load
 * each round trip cost about as much as its query. Open offers are counted from the conversations'
 * `on_offer` mark (its own partial index, 030).
 */
export async function queueCounts(db: Db | Tx, queueIds: number[]): Promise<QueueCounts[]> {
  if (!queueIds.length) return [];
  const rows = await queueCountsStatement(queueIds).execute(db);
  const byId = new Map(rows.rows.map((r) => [Number(r.queue_id), r]));
  return queueIds.map((q) => {
    const r = byId.get(q);
    return {
      queueId: q,
      waiting: Number(r?.waiting ?? 0),
      offered: Number(r?.offered ?? 0),
      inProgress: Number(r?.in_progress ?? 0),
      wrapUp: Number(r?.wrap_up ?? 0),
      agentsAvailable: Number(r?.agents_available ?? 0),
    };
  });
}

/** The statement behind `queueCounts` (exported for its plan's test). */
export function queueCountsStatement(queueIds: number[]) {
  const ids = sql.join(queueIds.map((q) => sql`${q}`));
  return sql<Record<'queue_id' | 'waiting' | 'offered' | 'in_progress' | 'wrap_up' | 'agents_available', number | string>>`
    select q.id as queue_id,
      (select count(*) from (select 1 from conversations where queue_id = q.id and status = 'queued' limit ${WAITING_COUNT_CAP}) w) as waiting,
      (select count(*) from conversations where queue_id = q.id and on_offer = 1) as offered,
      (select count(*) from conversations where queue_id = q.id and status in ('active', 'pending')) as in_progress,
      (select count(*) from conversations where queue_id = q.id and status = 'wrap_up') as wrap_up,
      (select count(*) from queue_members m inner join users u on u.id = m.user_id
        where m.queue_id = q.id and m.serving = 1 and u.status = 'available' and u.disabled = 0) as agents_available
    from queues q where q.id in (${ids})`;
}

const due = new WeakMap<object, Set<number>>();

/** These queues' counts change in this transaction: they are announced after it commits (`runAction`). */
export function countsChange(tx: Tx, queueIds: (number | null)[]): void {
  let set = due.get(tx);
  if (!set) due.set(tx, (set = new Set()));
  for (const q of queueIds) if (q != null) set.add(q);
}

/**
 * The queues whose counts changed in a committed transaction, once. SQLite's group commit runs a
 * batch on one connection object, so the first of the batch takes everyone's: they committed together.
 */
export function takeCountsChanged(tx: object): number[] {
  const set = due.get(tx);
  if (!set) return [];
  due.delete(tx);
  return [...set];
}

/** After a failed announcement (the database away), the next try waits this long. */
const RETRY_MS = 2000;

/**
 * `queue.counts`, for those who may see the queue's waiting conversations (members, its supervisors,
 * admins): announced after the commits that changed them, at most once per `everyMs` (the first at
 * once), in a small transaction of its own. Counting inside every routing pass was the routing
 * bench's costliest statement on PostgreSQL (34,086 × 14 ms) and held the pass's locks meanwhile,
 * for figures people read a quarter of a second later just as well.
 */
export class QueueCountsAnnouncer {
  private readonly due = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private nextAt = 0;
  private stopped = false;

  constructor(
    private readonly deps: { store: Store; clock: Clock; eventsCommitted(): void; log: Logger },
    private readonly everyMs = 250,
  ) {}

  changed(queueIds: number[]): void {
    if (this.stopped || !queueIds.length) return;
    for (const q of queueIds) this.due.add(q);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.running || this.stopped || !this.due.size) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.running = this.announce().finally(() => {
          this.running = null;
          this.schedule();
        });
      },
      Math.max(0, this.nextAt - performance.now()),
    );
  }

  private async announce(): Promise<void> {
    this.nextAt = performance.now() + this.everyMs;
    const ids = [...this.due].sort((a, b) => a - b);
    this.due.clear();
    try {
      await this.deps.store.transaction(async (tx) => {
        const now = this.deps.clock.now();
        const counts = await queueCounts(tx, ids);
        await appendEvents(tx, counts.map((c) => ({ type: 'queue.counts' as const, scope: { queueId: c.queueId, assigneeId: null }, data: c, at: now })), this.deps.store.dialect);
      });
      this.deps.eventsCommitted();
    } catch (err) {
      for (const q of ids) this.due.add(q);
      this.nextAt = performance.now() + RETRY_MS;
      this.deps.log.warn({ err }, 'queue counts not announced; will try again');
    }
  }

  /** Resolves once nothing is due or being announced (tests that count event rows wait for it). */
  async idle(): Promise<void> {
    while (this.timer || this.running) await (this.running ?? new Promise((r) => setTimeout(r, 10)));
  }

  /** No more announcements; waits for the one in progress (the server closes its store next). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
