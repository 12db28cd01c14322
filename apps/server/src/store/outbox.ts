import { sql, type Selectable } from 'kysely';
import type { Db, Store, Tx } from './db.ts';
import { latestSeq, type EventRow } from './events.ts';
import type { OutboxCursorsTable, OutboxDeliveriesTable } from './schema.ts';

/**
 * The outbox consumer's bookkeeping: cursors (one per consumer, leased by one node) and deliveries
 * (items not handled on the first try). The only dialect difference is the lease claim.
 */
export type CursorRow = Selectable<OutboxCursorsTable>;
export type DeliveryRow = Selectable<OutboxDeliveriesTable>;

/** The node lost its lease (it expired and another node took it): stop, and let the other go on. */
export class LeaseLost extends Error {
  constructor(consumer: string) {
    super(`outbox lease of ${consumer} lost`);
  }
}

/** Creates the consumer's cursor the first time it is registered, starting after `startSeq`. */
export async function ensureCursor(db: Db, consumer: string, startSeq: number, now: number): Promise<void> {
  await db
    .insertInto('outbox_cursors')
    .values({ consumer, last_seq: startSeq, lease_owner: null, lease_until: 0, updated_at: now })
    .onConflict((oc) => oc.column('consumer').doNothing())
    .execute();
}

/**
 * Takes (or keeps) the consumer's lease for `owner` when it is free, expired or already ours.
 * PostgreSQL: `FOR UPDATE SKIP LOCKED`, so a node never waits behind another's claim or bookkeeping
 * transaction (it just is not the holder this time). SQLite: one writer at a time; the update is
 * atomic against other connections and processes. Returns the cursor when the lease is ours.
 */
export async function claimLease(store: Store, consumer: string, owner: string, now: number, leaseMs: number): Promise<CursorRow | null> {
  const until = now + leaseMs;
  const lock = store.dialect === 'postgres' ? sql`for update skip locked` : sql``;
  const r = await sql<CursorRow>`
    update outbox_cursors set lease_owner = ${owner}, lease_until = ${until}
    where consumer in (
      select consumer from outbox_cursors
      where consumer = ${consumer} and (lease_owner = ${owner} or lease_owner is null or lease_until < ${now})
      ${lock}
    )
    returning *`.execute(store.db);
  const row = r.rows[0];
  return row ? { ...row, last_seq: Number(row.last_seq), lease_until: Number(row.lease_until) } : null;
}

/**
 * The first statement of every bookkeeping transaction: extends the lease if it is still ours, and
 * so fences a node whose lease ran out (its writes roll back). On PostgreSQL it also holds the
 * cursor row until commit, so a claim by another node cannot slip in between.
 */
export async function renewLease(tx: Tx | Db, consumer: string, owner: string, now: number, leaseMs: number): Promise<void> {
  const r = await tx
    .updateTable('outbox_cursors')
    .set({ lease_until: now + leaseMs })
    .where('consumer', '=', consumer)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new LeaseLost(consumer);
}

/** A clean stop hands the consumer over at once instead of after the lease runs out. */
export async function releaseLease(db: Db, consumer: string, owner: string): Promise<void> {
  await db.updateTable('outbox_cursors').set({ lease_owner: null, lease_until: 0 }).where('consumer', '=', consumer).where('lease_owner', '=', owner).execute();
}

export async function advanceCursor(tx: Tx, consumer: string, lastSeq: number, now: number): Promise<void> {
  await tx.updateTable('outbox_cursors').set({ last_seq: lastSeq, updated_at: now }).where('consumer', '=', consumer).execute();
}

/**
 * The committed events after `after` of the given types, up to the head read first: every event at
 * or below the head is already visible (seqs are given in commit order), so the cursor may move to
 * the head even when no event of these types was among them.
 */
export async function eventsForConsumer(db: Db, after: number, types: readonly string[], limit: number): Promise<{ rows: EventRow[]; upTo: number }> {
  const headSeq = await latestSeq(db);
  if (headSeq <= after) return { rows: [], upTo: after };
  const rows = (await db
    .selectFrom('events')
    .selectAll()
    .where('seq', '>', after)
    .where('seq', '<=', headSeq)
    .where('type', 'in', [...types])
    .orderBy('seq')
    .limit(limit)
    .execute()) as EventRow[];
  return { rows, upTo: rows.length === limit ? rows[rows.length - 1]!.seq : headSeq };
}

/** Of these keys, the ones with an earlier item still pending (new items of them must queue behind it). */
export async function blockedKeys(db: Db, consumer: string, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await db
    .selectFrom('outbox_deliveries')
    .select('key')
    .distinct()
    .where('consumer', '=', consumer)
    .where('state', 'in', ['retry', 'waiting'])
    .where('key', 'in', keys)
    .execute();
  return new Set(rows.map((r) => r.key));
}

/** Retries now due, with their events (an event pruned meanwhile comes back as null). */
export async function dueRetries(db: Db, consumer: string, now: number, limit: number): Promise<{ delivery: DeliveryRow; event: EventRow | null }[]> {
  const deliveries = await db
    .selectFrom('outbox_deliveries')
    .selectAll()
    .where('consumer', '=', consumer)
    .where('state', '=', 'retry')
    .where('next_attempt_at', '<=', now)
    .orderBy('seq')
    .limit(limit)
    .execute();
  if (!deliveries.length) return [];
  const events = (await db.selectFrom('events').selectAll().where('seq', 'in', deliveries.map((d) => d.seq)).execute()) as EventRow[];
  const bySeq = new Map(events.map((e) => [Number(e.seq), e]));
  return deliveries.map((d) => ({ delivery: d, event: bySeq.get(Number(d.seq)) ?? null }));
}

/** When the next retry is due (to wake the loop then), or null. */
export async function nextRetryAt(db: Db, consumer: string): Promise<number | null> {
  const r = await db
    .selectFrom('outbox_deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('at'))
    .where('consumer', '=', consumer)
    .where('state', '=', 'retry')
    .executeTakeFirst();
  return r?.at == null ? null : Number(r.at);
}

export interface NewDelivery {
  seq: number;
  key: string;
  state: 'retry' | 'waiting' | 'dead';
  attempts: number;
  nextAttemptAt: number;
  error: string | null;
}

export async function insertDeliveries(tx: Tx, consumer: string, items: NewDelivery[], now: number): Promise<void> {
  if (!items.length) return;
  await tx
    .insertInto('outbox_deliveries')
    .values(
      items.map((d) => ({
        consumer,
        seq: d.seq,
        key: d.key,
        state: d.state,
        attempts: d.attempts,
        next_attempt_at: d.nextAttemptAt,
        first_failed_at: d.error === null ? null : now,
        last_error: d.error,
        updated_at: now,
      })),
    )
    // A node that lost its lease mid-batch may have parked the same item: keep the first.
    .onConflict((oc) => oc.columns(['consumer', 'seq']).doNothing())
    .execute();
}

/** The key's next waiting item (lowest seq) becomes due now, unless the key already has one retrying. */
export async function promoteNext(tx: Tx, consumer: string, key: string, now: number): Promise<void> {
  const active = await tx.selectFrom('outbox_deliveries').select('id').where('consumer', '=', consumer).where('key', '=', key).where('state', '=', 'retry').executeTakeFirst();
  if (active) return;
  const next = await tx
    .selectFrom('outbox_deliveries')
    .select('id')
    .where('consumer', '=', consumer)
    .where('key', '=', key)
    .where('state', '=', 'waiting')
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  if (next) await tx.updateTable('outbox_deliveries').set({ state: 'retry', next_attempt_at: now, updated_at: now }).where('id', '=', next.id).execute();
}

export async function deleteDelivery(tx: Tx, id: number): Promise<void> {
  await tx.deleteFrom('outbox_deliveries').where('id', '=', id).execute();
}

export async function recordFailure(tx: Tx, d: DeliveryRow, state: 'retry' | 'dead', nextAttemptAt: number, error: string, now: number): Promise<void> {
  await tx
    .updateTable('outbox_deliveries')
    .set({ state, attempts: d.attempts + 1, next_attempt_at: nextAttemptAt, last_error: error, first_failed_at: d.first_failed_at ?? now, updated_at: now })
    .where('id', '=', d.id)
    .execute();
}

// --- for administrators

export interface ConsumerStatus {
  cursor: CursorRow;
  retrying: number;
  waiting: number;
  dead: number;
}

export async function consumerStatuses(db: Db): Promise<ConsumerStatus[]> {
  const [cursors, counts] = await Promise.all([
    db.selectFrom('outbox_cursors').selectAll().orderBy('consumer').execute(),
    db.selectFrom('outbox_deliveries').select(['consumer', 'state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['consumer', 'state']).execute(),
  ]);
  return cursors.map((c) => {
    const n = (state: string) => Number(counts.find((r) => r.consumer === c.consumer && r.state === state)?.n ?? 0);
    return { cursor: { ...c, last_seq: Number(c.last_seq), lease_until: Number(c.lease_until) }, retrying: n('retry'), waiting: n('waiting'), dead: n('dead') };
  });
}

/** Events committed after each named consumer's cursor (a consumer never registered is left out). */
export async function consumerLags(db: Db, consumers: string[]): Promise<Map<string, number>> {
  if (!consumers.length) return new Map();
  const [head, cursors] = await Promise.all([latestSeq(db), db.selectFrom('outbox_cursors').select(['consumer', 'last_seq']).where('consumer', 'in', consumers).execute()]);
  return new Map(cursors.map((c) => [c.consumer, Math.max(0, head - Number(c.last_seq))]));
}

export async function consumerExists(db: Db, consumer: string): Promise<boolean> {
  return !!(await db.selectFrom('outbox_cursors').select('consumer').where('consumer', '=', consumer).executeTakeFirst());
}

export async function countDead(db: Db, consumer: string): Promise<number> {
  const r = await db.selectFrom('outbox_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('consumer', '=', consumer).where('state', '=', 'dead').executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function deadLetters(db: Db, consumer: string, limit: number, beforeId?: number): Promise<(DeliveryRow & { type: string | null })[]> {
  let q = db
    .selectFrom('outbox_deliveries as d')
    .leftJoin('events as e', 'e.seq', 'd.seq')
    .selectAll('d')
    .select('e.type')
    .where('d.consumer', '=', consumer)
    .where('d.state', '=', 'dead');
  if (beforeId !== undefined) q = q.where('d.id', '<', beforeId);
  return q.orderBy('d.id', 'desc').limit(limit).execute();
}

/**
 * A dead letter back in line: due now, or behind the key's pending items if it has any. False when
 * there is no such dead letter.
 */
export async function reviveDeadLetter(tx: Tx, consumer: string, id: number, now: number): Promise<boolean> {
  const d = await tx.selectFrom('outbox_deliveries').selectAll().where('id', '=', id).where('consumer', '=', consumer).where('state', '=', 'dead').executeTakeFirst();
  if (!d) return false;
  const pending = await tx.selectFrom('outbox_deliveries').select('id').where('consumer', '=', consumer).where('key', '=', d.key).where('state', 'in', ['retry', 'waiting']).executeTakeFirst();
  await tx
    .updateTable('outbox_deliveries')
    .set({ state: pending ? 'waiting' : 'retry', attempts: 0, first_failed_at: null, next_attempt_at: now, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'dead')
    .execute();
  return true;
}
