import { canSeeConversation, type Viewer } from '@switchboard/core';
import type { ConversationPatch, Message } from '@switchboard/protocol';
import { eventScopeOf, scopeOf, type ConversationWithAccess, patchConversation } from '../store/conversations.ts';
import { queueIdsByUser } from '../store/users.ts';
import { groupRightsByUser } from '../store/groups.ts';
import type { NewEvent } from '../store/events.ts';
import { presentConversationCores } from '../presenters/conversations.ts';
import type { Tx } from '../store/db.ts';
import type { MessagesTable } from '../store/schema.ts';
import type { Insertable } from 'kysely';
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
 * Everyone who could see a conversation before a change and cannot after it is told at once, one
 * private `conversation.revoked` each, so their lists drop it live (issue 14, seen 4): the previous
 * assignee, the queue's agents once a waiting conversation is taken (accepted, picked, assigned), the
 * old queue's people when it moves to another queue, a participant no longer invited. Nobody else is
 * looked up: a change that only widens the audience costs nothing here.
 */
export async function revokeFromThoseWhoLostSight(tx: Tx, emit: Emit, before: ConversationWithAccess, after: ConversationWithAccess, actorId: number | null, now: number): Promise<void> {
  const ids = new Set<number>();
  if (before.assignee_id != null && before.assignee_id !== after.assignee_id) ids.add(before.assignee_id);
  for (const p of before.participantIds) if (!after.participantIds.includes(p)) ids.add(p);
  const queueNarrowed = before.queue_id != null && (before.queue_id !== after.queue_id || (before.assignee_id == null && after.assignee_id != null));
  if (queueNarrowed) {
    const members = await tx.selectFrom('queue_members').select('user_id').where('queue_id', '=', before.queue_id!).execute();
    for (const m of members) ids.add(m.user_id);
  }
  if (!ids.size) return;
  const users = await tx.selectFrom('users').select(['id', 'role']).where('id', 'in', [...ids]).where('disabled', '=', 0).execute();
  const [queues, rights] = await Promise.all([queueIdsByUser(tx, users.map((u) => u.id)), groupRightsByUser(tx, users.map((u) => u.id))]);
  const was = scopeOf(before);
  const afterScope = scopeOf(after);
  for (const u of users) {
    const viewer: Viewer = { id: u.id, role: u.role, queueIds: new Set(queues.get(u.id) ?? []), rights: rights.get(u.id) };
    if (canSeeConversation(viewer, was) && !canSeeConversation(viewer, afterScope)) {
      emit({ type: 'conversation.revoked', conversationId: after.id, scope: { userId: u.id }, data: { id: after.id }, actorId, at: now });
    }
  }
}
