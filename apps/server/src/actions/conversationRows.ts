import type { ConversationPatch, Message } from '@switchboard/protocol';
import { eventScopeOf, scopeOf, type ConversationWithAccess, patchConversation } from '../store/conversations.ts';
import type { NewEvent } from '../store/events.ts';
import { presentConversationCores } from '../presenters/conversations.ts';
import type { Tx } from '../store/db.ts';
import type { ConversationsTable, MessagesTable } from '../store/schema.ts';
import { sql, type Insertable, type Updateable } from 'kysely';
import { isPostgres } from '../store/dialect.ts';
import { presentMessage, type MessageRow } from '../presenters/messages.ts';

/** The part of a conversation that a new message changes, sent with `message.created` frames. */
export type { ConversationPatch };

export function patchOf(c: ConversationWithAccess): ConversationPatch {
  return {
    id: c.id,
    status: c.status as ConversationPatch['status'],
    assigneeId: c.assignee_id,
    queueId: c.queue_id,
    lastActivityAt: c.last_activity_at,
    lastCustomerMessageAt: c.last_customer_message_at,
    lastAgentMessageAt: c.last_agent_message_at,
    firstResponseAt: c.first_response_at,
    updatedAt: c.updated_at,
  };
}

/** Inserts a message and returns its row. */
export async function insertMessage(tx: Tx, values: Insertable<MessagesTable>): Promise<MessageRow> {
  return tx.insertInto('messages').values(values).returningAll().executeTakeFirstOrThrow();
}

/**
 * Inserts a message and writes what it changes in its conversation, the message as its last one.
 * On PostgreSQL one statement (the update a data-modifying CTE beside the insert): every round trip
 * on the message path costs the server a socket write, a wake-up of the backend and a wait for it,
 * on a busy machine the largest part of a message's cost. SQLite runs in-process: two statements.
 */
export async function insertMessageInto(tx: Tx, values: Insertable<MessagesTable>, patch: Omit<Updateable<ConversationsTable>, 'last_message_id'>): Promise<MessageRow> {
  if (!isPostgres(tx)) {
    const row = await insertMessage(tx, values);
    await patchConversation(tx, values.conversation_id, { ...patch, last_message_id: row.id });
    return row;
  }
  return tx
    .with('m', (db) => db.insertInto('messages').values(values).returningAll())
    .with('u', (db) =>
      db
        .updateTable('conversations')
        .set({ ...patch, last_message_id: sql<number>`(select id from m)` })
        .where('id', '=', values.conversation_id)
        .returning('id'),
    )
    .selectFrom('m')
    .selectAll()
    .executeTakeFirstOrThrow();
}

/** A system line in the history ("assigned to X by Y", "closed", "reopened" — seed 002). */
async function insertSystemMessage(
  tx: Tx,
  conversationId: number,
  event: Message['systemEvent'] & object,
  body: string,
  now: number,
): Promise<MessageRow> {
  return insertMessage(tx, {
    conversation_id: conversationId,
    sender_kind: 'system',
    sender_user_id: null,
    sender_contact_id: null,
    body,
    internal: 0,
    reply_to_id: null,
    attachments: '[]',
    status: 'sent',
    failure_reason: null,
    system_event: JSON.stringify(event),
    client_id: null,
    created_at: now,
  });
}

export function presentWithNames(row: MessageRow, userNames: Record<number, string>, contactNames: Record<number, string> = {}): Message {
  return presentMessage(row, {
    users: new Map(Object.entries(userNames).map(([k, v]) => [Number(k), v])),
    contacts: new Map(Object.entries(contactNames).map(([k, v]) => [Number(k), v])),
  });
}

type Emit = (...e: NewEvent[]) => void;

/**
 * A system line in the history ("assigned to X by Y", "closed", "reopened" — seed 002) and its
 * `message.created` event, announced with `c` as it now stands. The one way to write one. When a
 * message follows in the same transaction (a reply that reopens), `messageFollows` leaves the
 * conversation's last message to it.
 */
export async function systemLine(
  tx: Tx,
  emit: Emit,
  c: ConversationWithAccess,
  event: NonNullable<Message['systemEvent']>,
  body: string,
  actorId: number | null,
  now: number,
  opts: { messageFollows?: boolean } = {},
): Promise<MessageRow> {
  const row = await insertSystemMessage(tx, c.id, event, body, now);
  if (!opts.messageFollows) {
    await patchConversation(tx, c.id, { last_message_id: row.id });
    c.last_message_id = row.id;
  }
  emit({ type: 'message.created', conversationId: c.id, scope: eventScopeOf(c), data: { message: presentWithNames(row, {}), conversation: patchOf(c) }, actorId, at: now });
  return row;
}

/** `conversation.updated` with the conversation as it now stands, to everyone who may see it. */
export async function emitConversationUpdated(tx: Tx, emit: Emit, c: ConversationWithAccess, actorId: number | null, now: number): Promise<void> {
  const [core] = await presentConversationCores(tx, [c]);
  emit({ type: 'conversation.updated', conversationId: c.id, scope: eventScopeOf(c), data: core, actorId, at: now });
}

/**
 * Everyone who could see a conversation before a change and cannot after it is told at once, so
 * their lists drop it live (issue 14, seen 4): the previous assignee, the queue's agents once a
 * waiting conversation is taken (accepted, picked, assigned), the old queue's people when it moves
 * to another queue, a participant no longer invited. One `conversation.revoked` carries both
 * scopes and the gateway judges each socket by them (core `agentMayReceive`: could see it before,
 * cannot now), instead of one private event per member (199 rows per accept in a 200-agent queue,
 * issue 18). A change that only widens the audience emits nothing.
 */
export function revokeFromThoseWhoLostSight(emit: Emit, before: ConversationWithAccess, after: ConversationWithAccess, actorId: number | null, now: number): void {
  const narrowed =
    (before.assignee_id != null && before.assignee_id !== after.assignee_id) ||
    before.participantIds.some((p) => !after.participantIds.includes(p)) ||
    (before.queue_id != null && (before.queue_id !== after.queue_id || (before.assignee_id == null && after.assignee_id != null)));
  if (!narrowed) return;
  emit({ type: 'conversation.revoked', conversationId: after.id, scope: { ...scopeOf(after), revokedFrom: scopeOf(before) }, data: { id: after.id }, actorId, at: now });
}
