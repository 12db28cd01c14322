import { sql } from 'kysely';
import type { TimerKind } from '@switchboard/core';
import type { Store, Tx } from './db.ts';
import type { TimersTable } from './schema.ts';
import type { Selectable } from 'kysely';

export type TimerRow = Selectable<TimersTable>;

export interface NewTimer {
  kind: TimerKind;
  conversationId: number | null;
  userId?: number | null;
  dueAt: number;
  data?: unknown;
}

/** One timer of a kind per conversation (and user): rescheduling updates it in place. */
export function timerKey(kind: TimerKind, conversationId: number | null, userId?: number | null): string {
  return `${kind}:${conversationId ?? ''}:${userId ?? ''}`;
}

/**
 * Writes a timer in the caller's transaction, next to the state it guards. A rescheduled timer loses
 * any claim on it, so a worker that claimed the old due time cannot fire it early.
 */
export async function setTimer(tx: Tx, t: NewTimer, keepExisting = false): Promise<void> {
  const key = timerKey(t.kind, t.conversationId, t.userId);
  const data = t.data === undefined ? null : JSON.stringify(t.data);
  await tx
    .insertInto('timers')
    .values({ key, kind: t.kind, conversation_id: t.conversationId, user_id: t.userId ?? null, data, due_at: t.dueAt, claimed_by: null })
    .onConflict((oc) => (keepExisting ? oc.column('key').doNothing() : oc.column('key').doUpdateSet({ due_at: t.dueAt, data, claimed_by: null, claimed_until: 0 })))
    .execute();
}

/** Writes many timers with one statement (a routing pass's offer timers); each replaces its key's timer. */
export async function setTimers(tx: Tx, timers: NewTimer[]): Promise<void> {
  if (!timers.length) return;
  await tx
    .insertInto('timers')
    .values(
      timers.map((t) => ({
        key: timerKey(t.kind, t.conversationId, t.userId),
        kind: t.kind,
        conversation_id: t.conversationId,
        user_id: t.userId ?? null,
        data: t.data === undefined ? null : JSON.stringify(t.data),
        due_at: t.dueAt,
        claimed_by: null,
      })),
    )
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({ due_at: eb.ref('excluded.due_at'), data: eb.ref('excluded.data'), claimed_by: null, claimed_until: 0 })),
    )
    .execute();
}

/** Deletes timers made moot, in the transaction that makes them moot. */
export async function clearTimers(tx: Tx, conversationId: number, kinds: readonly TimerKind[], userId?: number): Promise<void> {
  if (!kinds.length) return;
  let q = tx.deleteFrom('timers').where('conversation_id', '=', conversationId).where('kind', 'in', [...kinds]);
  if (userId !== undefined) q = q.where('user_id', '=', userId);
  await q.execute();
}

/**
 * Claims due timers for one worker. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets several processes
 * claim side by side without taking the same rows; a claim is a lease, so a crashed worker's timers
 * are claimed again once `claimed_until` passes. Firing deletes the row (see worker), which is what
 * makes it happen once.
 */
export async function claimDueTimers(store: Store, workerId: string, now: number, limit: number, leaseMs: number): Promise<TimerRow[]> {
  const until = now + leaseMs;
  if (store.dialect === 'postgres') {
    const r = await sql<TimerRow>`
      update timers set claimed_by = ${workerId}, claimed_until = ${until}
      where id in (
        select id from timers where due_at <= ${now} and claimed_until < ${now}
        order by due_at limit ${limit} for update skip locked
      )
      returning *`.execute(store.db);
    return r.rows.sort((a, b) => a.due_at - b.due_at || a.id - b.id);
  }
  // SQLite has one writer at a time: the update is atomic against other connections and processes.
  const r = await sql<TimerRow>`
    update timers set claimed_by = ${workerId}, claimed_until = ${until}
    where id in (select id from timers where due_at <= ${now} and claimed_until < ${now} order by due_at limit ${limit})
    returning *`.execute(store.db);
  return r.rows.sort((a, b) => a.due_at - b.due_at || a.id - b.id);
}

/**
 * Takes a claimed timer to fire it: deletes the row only while this worker's claim on it stands.
 * False when it is gone (made moot, fired elsewhere) or was rescheduled meanwhile (claim reset).
 */
export async function takeClaimedTimer(tx: Tx, timerId: number, workerId: string): Promise<boolean> {
  const del = await tx.deleteFrom('timers').where('id', '=', timerId).where('claimed_by', '=', workerId).executeTakeFirst();
  return Number(del.numDeletedRows) === 1;
}

/** The same for a batch: deletes the rows still under this worker's claim, and says which they were. */
export async function takeClaimedTimers(tx: Tx, timerIds: number[], workerId: string): Promise<Set<number>> {
  if (!timerIds.length) return new Set();
  const rows = await tx.deleteFrom('timers').where('id', 'in', timerIds).where('claimed_by', '=', workerId).returning('id').execute();
  return new Set(rows.map((r) => r.id));
}
