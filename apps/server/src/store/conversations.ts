import { sql, type Expression, type ExpressionBuilder, type Insertable, type Selectable, type SqlBool, type Updateable } from 'kysely';
import { seesAllConversations, type ConversationScope, type EventScope, type Viewer } from '@switchboard/core';
import type { ConversationListQuery } from '@switchboard/protocol';
import type { Db, Tx } from './db.ts';
import type { ConversationsTable, Database } from './schema.ts';
import { matchesSearch, searchPlan, searchTerms } from './search.ts';
import { isPostgres } from './dialect.ts';

export type ConversationRow = Selectable<ConversationsTable>;
export interface ConversationWithAccess extends ConversationRow {
  participantIds: number[];
}

/** Who the conversation belongs to, as the core's access rules (`canSeeConversation`, …) ask it. */
export function scopeOf(c: Pick<ConversationRow, 'queue_id' | 'assignee_id'> & { participantIds: number[] }): ConversationScope {
  return { queueId: c.queue_id, assigneeId: c.assignee_id, participantIds: c.participantIds };
}

/** The audience of an event about the conversation (copied onto the event row, so replay decides as live did). */
export function eventScopeOf(c: Pick<ConversationRow, 'queue_id' | 'assignee_id' | 'contact_id'> & { participantIds: number[] }, extra: Partial<EventScope> = {}): EventScope {
  return { ...scopeOf(c), contactId: c.contact_id, ...extra };
}

/** A conversation and its invited participants in one statement: a left join, one row per participant. */
function withParticipants(db: Db | Tx, id: number) {
  return db
    .selectFrom('conversations')
    .leftJoin('conversation_participants as p', 'p.conversation_id', 'conversations.id')
    .selectAll('conversations')
    .select('p.user_id as participant_id')
    .where('conversations.id', '=', id);
}

function collectParticipants<R extends ConversationRow & { participant_id: number | null }>(rows: R[]): ConversationWithAccess | undefined {
  if (!rows.length) return undefined;
  const { participant_id: _p, ...row } = rows[0]!;
  return { ...row, participantIds: rows.flatMap((r) => (r.participant_id == null ? [] : [r.participant_id])) };
}

export async function getConversation(db: Db | Tx, id: number): Promise<ConversationWithAccess | undefined> {
  return collectParticipants(await withParticipants(db, id).execute());
}

/** Locks the row on PostgreSQL so two actions on one conversation apply one after the other. */
export async function lockConversation(tx: Tx, id: number, dialect: 'sqlite' | 'postgres'): Promise<ConversationWithAccess | undefined> {
  let q = withParticipants(tx, id);
  // NO KEY UPDATE: still one action per conversation at a time, without blocking inserts that only
  // reference the row (messages, offers), which would otherwise deadlock against routing.
  if (dialect === 'postgres') q = q.forNoKeyUpdate('conversations');
  return collectParticipants(await q.execute());
}

/**
 * A channel customer's latest conversation on that channel, locked as `lockConversation` locks it,
 * with the contact's name and blocked flag: one statement instead of two on the inbound path.
 * Undefined when the identity is unknown or has no conversation on the channel yet.
 */
export async function lockLatestConversationOf(
  tx: Tx,
  channel: string,
  externalId: string,
  dialect: 'sqlite' | 'postgres',
): Promise<{ contact: { name: string; blocked: number }; conversation: ConversationWithAccess } | undefined> {
  let q = tx
    .selectFrom('contact_identities as ci')
    .innerJoin('contacts as k', 'k.id', 'ci.contact_id')
    .innerJoin('conversations', (j) =>
      j.on((eb) =>
        eb(
          'conversations.id',
          '=',
          eb.selectFrom('conversations as l').select('l.id').whereRef('l.contact_id', '=', 'ci.contact_id').where('l.channel', '=', channel).orderBy('l.id', 'desc').limit(1),
        ),
      ),
    )
    .leftJoin('conversation_participants as p', 'p.conversation_id', 'conversations.id')
    .selectAll('conversations')
    .select(['p.user_id as participant_id', 'k.name as contact_name', 'k.blocked as contact_blocked'])
    .where('ci.channel', '=', channel)
    .where('ci.external_id', '=', externalId);
  if (dialect === 'postgres') q = q.forNoKeyUpdate('conversations');
  const rows = await q.execute();
  const first = rows[0];
  if (!first) return undefined;
  const conversation = collectParticipants(rows.map(({ contact_name: _n, contact_blocked: _b, ...r }) => r))!;
  return { contact: { name: first.contact_name, blocked: first.contact_blocked }, conversation };
}

/** A conversation that must exist (a timer's, routing's own): throws when it is gone. */
export async function loadConversation(db: Db | Tx, id: number): Promise<ConversationWithAccess> {
  const c = await getConversation(db, id);
  if (!c) throw new Error(`conversation ${id} not found`);
  return c;
}

/** The row alone, without participants (presenting it, a visitor's own conversation). */
export async function conversationRow(db: Db | Tx, id: number): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A new conversation row (`openConversation` in actions/opening.ts announces and routes it). */
export async function insertConversation(tx: Tx, row: Insertable<ConversationsTable>): Promise<ConversationRow> {
  return tx.insertInto('conversations').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Writes the fields an action changed, in its transaction. */
export async function patchConversation(tx: Tx, id: number, patch: Updateable<ConversationsTable>): Promise<void> {
  await tx.updateTable('conversations').set(patch).where('id', '=', id).execute();
}

/** Deletes conversations (messages and the rest go by cascade); later conversations lose the link to them. */
export async function removeConversations(tx: Tx, ids: number[]): Promise<void> {
  if (!ids.length) return;
  await tx.updateTable('conversations').set({ previous_conversation_id: null }).where('previous_conversation_id', 'in', ids).execute();
  await tx.deleteFrom('conversations').where('id', 'in', ids).execute();
}

/** The invited participants (consultants) of each of these conversations; none → an empty list. */
export async function participantsOf(db: Db | Tx, conversationIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(conversationIds.map((id) => [id, []]));
  if (!conversationIds.length) return out;
  const rows = await db.selectFrom('conversation_participants').select(['conversation_id', 'user_id']).where('conversation_id', 'in', conversationIds).execute();
  for (const r of rows) out.get(r.conversation_id)?.push(r.user_id);
  return out;
}

/** Seed 000: the consultant of an active discussion sees the conversation (adding her twice is a no-op). */
export async function addConsultant(tx: Tx, conversationId: number, userId: number): Promise<void> {
  await tx.insertInto('conversation_participants').values({ conversation_id: conversationId, user_id: userId, role: 'consultant' }).onConflict((oc) => oc.doNothing()).execute();
}

export async function removeParticipant(tx: Tx, conversationId: number, userId: number): Promise<void> {
  await tx.deleteFrom('conversation_participants').where('conversation_id', '=', conversationId).where('user_id', '=', userId).execute();
}

/**
 * Who may see each of these conversations now, in two statements (for a replayed page of events).
 * A conversation that no longer exists maps to null.
 */
export async function currentScopes(db: Db, ids: number[]): Promise<Map<number, ConversationScope | null>> {
  const out = new Map<number, ConversationScope | null>();
  const unique = [...new Set(ids)];
  if (!unique.length) return out;
  for (const id of unique) out.set(id, null);
  const rows = await db.selectFrom('conversations').select(['id', 'queue_id', 'assignee_id']).where('id', 'in', unique).execute();
  const parts = await db.selectFrom('conversation_participants').select(['conversation_id', 'user_id']).where('conversation_id', 'in', unique).execute();
  for (const r of rows) out.set(r.id, { queueId: r.queue_id, assigneeId: r.assignee_id, participantIds: [] });
  for (const p of parts) (out.get(p.conversation_id)?.participantIds as number[] | undefined)?.push(p.user_id);
  return out;
}

type CEB = ExpressionBuilder<Database & { c: ConversationsTable }, 'c'>;

/** The visibility rule of core `canSeeConversation`, as SQL over alias `c`. Keep the two in step. */
export function visibleTo(eb: CEB, viewer: Viewer): Expression<SqlBool> {
  if (seesAllConversations(viewer)) return sql<SqlBool>`1 = 1`;
  const queues = [...viewer.queueIds];
  const invited = eb.exists(
    eb.selectFrom('conversation_participants as p').select('p.user_id').whereRef('p.conversation_id', '=', 'c.id').where('p.user_id', '=', viewer.id),
  );
  const ors: Expression<SqlBool>[] = [eb('c.assignee_id', '=', viewer.id), invited];
  if (queues.length) {
    ors.push(
      viewer.role === 'supervisor'
        ? eb('c.queue_id', 'in', queues)
        : eb.and([eb('c.queue_id', 'in', queues), eb('c.assignee_id', 'is', null)]),
    );
  }
  return eb.or(ors);
}

export interface ListCursor {
  at: number;
  id: number;
}

export function encodeCursor(c: ListCursor): string {
  return Buffer.from(`${c.at}:${c.id}`).toString('base64url');
}

export function decodeCursor(s: string | undefined): ListCursor | null {
  if (!s) return null;
  const m = /^(-?\d+):(\d+)$/.exec(Buffer.from(s, 'base64url').toString());
  return m ? { at: Number(m[1]), id: Number(m[2]) } : null;
}

/** One page of the conversation list: one indexed query, however many filters. */
export async function listConversations(db: Db, viewer: Viewer, q: ConversationListQuery): Promise<ConversationRow[]> {
  return (await conversationListQuery(db, viewer, q)).execute();
}

/** The statement of one page (a search first asks the index how to answer it: store/search.ts). */
export async function conversationListQuery(db: Db, viewer: Viewer, q: ConversationListQuery) {
  const sortCol = q.sort === 'created' ? 'c.created_at' : 'c.last_activity_at';
  let query = db.selectFrom('conversations as c').selectAll('c').where((eb) => visibleTo(eb, viewer));

  if (q.view === 'mine') query = query.where('c.assignee_id', '=', viewer.id);
  if (q.view === 'queued' || q.view === 'unassigned') {
    query = query.where('c.assignee_id', 'is', null);
    if (q.view === 'queued') query = query.where('c.status', '=', 'queued');
  }
  // Seed 003's chat requests nobody joined: left (abandoned) or waiting to be called back.
  if (q.view === 'abandoned' || q.view === 'callback') query = query.where('c.status', '=', q.view);
  if (q.status?.length) query = query.where('c.status', 'in', q.status);
  if (q.channel?.length) query = query.where('c.channel', 'in', q.channel);
  if (q.queueId?.length) query = query.where('c.queue_id', 'in', q.queueId);
  if (q.assigneeId?.length) query = query.where('c.assignee_id', 'in', q.assigneeId);
  if (q.since !== undefined) query = query.where('c.last_activity_at', '>=', q.since);
  if (q.until !== undefined) query = query.where('c.last_activity_at', '<=', q.until);
  if (q.inboxId?.length) query = query.where('c.inbox_id', 'in', q.inboxId);
  if (q.createdSince !== undefined) query = query.where('c.created_at', '>=', q.createdSince);
  if (q.createdBefore !== undefined) query = query.where('c.created_at', '<', q.createdBefore);
  for (const labelId of q.labelId ?? []) {
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('conversation_labels as l').select('l.label_id').whereRef('l.conversation_id', '=', 'c.id').where('l.label_id', '=', labelId)),
    );
  }
  // Seed 002: tag filters are AND — every selected tag must be present.
  for (const tagId of q.tagId ?? []) {
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('conversation_tags as t').select('t.tag_id').whereRef('t.conversation_id', '=', 'c.id').where('t.tag_id', '=', tagId)),
    );
  }
  for (const tagId of q.customerTagId ?? []) {
    query = query.where((eb) => {
      let sub = eb.selectFrom('contact_tags as ct').select('ct.tag_id').whereRef('ct.contact_id', '=', 'c.contact_id').where('ct.tag_id', '=', tagId);
      if (q.pinnedCustomerTags) sub = sub.where('ct.pinned', '=', 1);
      return eb.exists(sub);
    });
  }
  if (q.pinnedCustomerTags && !q.customerTagId?.length) {
    query = query.where((eb) =>
      eb.exists(eb.selectFrom('contact_tags as ct').select('ct.tag_id').whereRef('ct.contact_id', '=', 'c.contact_id').where('ct.pinned', '=', 1)),
    );
  }
  if (q.noCustomerTags) {
    query = query.where((eb) =>
      eb.not(eb.exists(eb.selectFrom('contact_tags as ct').select('ct.tag_id').whereRef('ct.contact_id', '=', 'c.contact_id'))),
    );
  }
  if (q.bot !== undefined) {
    // A bot holds it now, or a bot wrote in it. A literal 'bot' (not a bound parameter), so both
    // engines use the partial index messages_bot; the bots themselves are a handful of user rows.
    const byBot = (eb: CEB) =>
      eb.or([
        // "is not null" first: NOT (NULL IN …) is NULL, which would drop the unassigned from bot=false.
        eb.and([eb('c.assignee_id', 'is not', null), eb('c.assignee_id', 'in', eb.selectFrom('users as bu').select('bu.id').where('bu.kind', '=', sql.lit('bot')))]),
        eb.exists(eb.selectFrom('messages as b').select('b.id').whereRef('b.conversation_id', '=', 'c.id').where('b.sender_kind', '=', sql.lit('bot'))),
      ]);
    query = query.where((eb) => (q.bot ? byBot(eb) : eb.not(byBot(eb))));
  }
  if (q.unread) {
    query = query.where((eb) =>
      eb.or([
        eb.exists(
          eb.selectFrom('conversation_reads as r').select('r.user_id').whereRef('r.conversation_id', '=', 'c.id').where('r.user_id', '=', viewer.id).where('r.marked_unread', '=', 1),
        ),
        eb.exists(
          eb
            .selectFrom('messages as m')
            .select('m.id')
            .whereRef('m.conversation_id', '=', 'c.id')
            .where('m.sender_kind', '=', sql.lit('customer'))
            .where(
              'm.id',
              '>',
              eb.fn.coalesce(
                eb.selectFrom('conversation_reads as r2').select('r2.last_read_message_id').whereRef('r2.conversation_id', '=', 'c.id').where('r2.user_id', '=', viewer.id),
                sql.lit(0),
              ),
            ),
        ),
      ]),
    );
  }
  if (q.q) {
    const terms = searchTerms(q.q);
    const plan = await searchPlan(db, terms);
    query = query.where((eb) => (plan === 'walk' ? matchesSearch(eb, terms, isPostgres(db)) : sql<SqlBool>`c.id in (${plan})`));
  }
  if (q.sort === 'processing_order') return processingOrder(query, q);
  const cursor = decodeCursor(q.cursor);
  if (cursor) {
    query = query.where((eb) =>
      eb.or([eb(sortCol, '<', cursor.at), eb.and([eb(sortCol, '=', cursor.at), eb('c.id', '<', cursor.id)])]),
    );
  }
  return query.orderBy(sortCol, 'desc').orderBy('c.id', 'desc').limit(q.limit + 1);
}

/** Seed 002 processing order as one ascending key: deadlines soonest first, then the rest newest activity first. */
const NO_DEADLINE = 4e15;
export function processingKey(c: Pick<ConversationRow, 'reply_due_at' | 'last_activity_at'>): number {
  return c.reply_due_at != null ? c.reply_due_at : 2 * NO_DEADLINE - c.last_activity_at;
}

function processingOrder<Q extends ReturnType<typeof baseList>>(query: Q, q: ConversationListQuery) {
  // The constant written as a literal, so both engines match the expression to `conversations_processing` (migration 023).
  const key = sql<number>`(case when c.reply_due_at is null then ${sql.lit(2 * NO_DEADLINE)} - c.last_activity_at else c.reply_due_at end)`;
  const cursor = decodeCursor(q.cursor);
  let out = query;
  if (cursor) out = out.where((eb) => eb.or([eb(key, '>', cursor.at), eb.and([eb(key, '=', cursor.at), eb('c.id', '>', cursor.id)])])) as Q;
  return out.orderBy(key, 'asc').orderBy('c.id', 'asc').limit(q.limit + 1);
}

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- kept for its type, the query processingOrder takes
function baseList(db: Db, viewer: Viewer) {
  return db.selectFrom('conversations as c').selectAll('c').where((eb) => visibleTo(eb, viewer));
}
