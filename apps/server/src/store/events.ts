import type { ConversationScope, EventScope } from '@switchboard/core';
import type { EventData, EventType } from '@switchboard/protocol';
import type { Selectable } from 'kysely';
import type { Db, Tx } from './db.ts';
import type { EventsTable } from './schema.ts';

/** A delivered (numbered) event. */
export type EventRow = Selectable<EventsTable> & { seq: number };

/** An event to append; its `data` has the shape packages/protocol's EVENT_DATA gives its type. */
export type NewEvent = {
  [T in EventType]: {
    type: T;
    conversationId?: number | null;
    scope: EventScope & { broadcast?: boolean };
    data: EventData<T>;
    actorId?: number | null;
    at: number;
  };
}[EventType];

/**
 * Appends events to the outbox inside the caller's transaction. SQLite has one writer at a time, so
 * commit order is insertion order and the rows are numbered at once; on PostgreSQL concurrent
 * transactions commit in any order, so the sequencer numbers rows after they commit.
 */
export async function appendEvents(tx: Tx, events: NewEvent[], dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (events.length === 0) return;
  let base: number | null = null;
  if (dialect === 'sqlite') {
    const row = await tx.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    base = Number(row?.seq ?? 0);
  }
  await tx
    .insertInto('events')
    .values(
      events.map((e, i) => ({
        seq: base === null ? null : base + i + 1,
        type: e.type,
        conversation_id: e.conversationId ?? null,
        queue_id: e.scope.queueId ?? null,
        assignee_id: e.scope.assigneeId ?? null,
        participant_ids: e.scope.participantIds?.length ? JSON.stringify(e.scope.participantIds) : null,
        user_id: e.scope.userId ?? null,
        contact_id: e.scope.contactId ?? null,
        internal: e.scope.internal ? 1 : 0,
        broadcast: e.scope.broadcast ? 1 : 0,
        revoked_from: e.scope.revokedFrom ? JSON.stringify(e.scope.revokedFrom) : null,
        data: JSON.stringify(e.data),
        actor_id: e.actorId ?? null,
        at: e.at,
      })),
    )
    .execute();
}

export async function eventsAfter(db: Db, seq: number, limit: number): Promise<EventRow[]> {
  return (await db.selectFrom('events').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute()) as EventRow[];
}

export async function latestSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

export async function oldestSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.min('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** The audience columns back as the core's EventScope. */
export function scopeOf(row: EventRow): EventScope {
  if (row.broadcast) return { userId: row.user_id };
  return {
    queueId: row.queue_id,
    assigneeId: row.assignee_id,
    participantIds: row.participant_ids ? (JSON.parse(row.participant_ids) as number[]) : [],
    userId: row.user_id,
    contactId: row.contact_id,
    internal: row.internal === 1,
    ...(row.revoked_from ? { revokedFrom: JSON.parse(row.revoked_from) as ConversationScope } : {}),
  };
}
