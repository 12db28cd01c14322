import { mayReadDiscussion, type Viewer } from '@switchboard/core';
import type { DiscussionMessage } from '@switchboard/protocol';
import type { Selectable } from 'kysely';
import { AppError, notFound } from '../../errors.ts';
import type { Db, Tx } from '../../store/db.ts';
import type { DiscussionMessagesTable } from '../../store/schema.ts';
import { classOf, limitsFor, sizeText } from '../../attachments/limits.ts';
import { runAction, type ActionContext } from '../context.ts';
import type { RequestRow } from './record.ts';
import { audienceOf } from './steps.ts';

type Actor = Viewer & { name: string };
type Row = Selectable<DiscussionMessagesTable>;
type Attachment = DiscussionMessage['attachments'][number];

const active = (r: RequestRow) => r.type === 'discuss' && r.status === 'accepted';

function present(row: Row, names: Map<number, string>): DiscussionMessage {
  return {
    id: row.id,
    requestId: row.request_id,
    conversationId: row.conversation_id,
    sender: { id: row.sender_user_id, name: names.get(row.sender_user_id) ?? 'a former user' },
    body: row.body,
    attachments: JSON.parse(row.attachments) as Attachment[],
    clientId: row.client_id,
    createdAt: row.created_at,
  };
}

async function readable(db: Db | Tx, viewer: Viewer, requestId: number): Promise<RequestRow> {
  const r = await db.selectFrom('engagement_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
  if (!r || r.type !== 'discuss') throw notFound('discussion');
  if (!mayReadDiscussion(viewer, { queueId: r.queue_id, initiatorId: r.initiator_id, recipientId: r.recipient_id, active: active(r) })) throw notFound('discussion');
  return r;
}

/**
 * Files of a discussion are files uploaded to the conversation, held to the web chat's limits
 * (issue 11), so nothing the customer's channel would refuse is smuggled in by a colleague either.
 */
async function checkAttachments(tx: Tx, conversationId: number, attachments: Attachment[]): Promise<void> {
  if (!attachments.length) return;
  const uploaded = `/api/v1/conversations/${conversationId}/attachments/`;
  if (attachments.some((a) => !(a.url.startsWith(uploaded) && /^[\w-]+$/.test(a.url.slice(uploaded.length))))) {
    throw new AppError('attachment_not_in_conversation', 'Attach a file by uploading it to this conversation.', 422);
  }
  const limits = await limitsFor(tx, 'web');
  for (const a of attachments) {
    const rule = limits[classOf(a.contentType)];
    if (!rule.allowed) throw new AppError('attachment_type_not_allowed', `That kind of file is not allowed in web chat.`, 422);
    if (a.size > rule.maxBytes) throw new AppError('attachment_too_large', `${a.name} is larger than web chat allows (${sizeText(rule.maxBytes)}).`, 422);
  }
}

/** A message of the private thread; only the two in the discussion write, while it is active. */
export async function postDiscussionMessage(
  ctx: ActionContext,
  viewer: Actor,
  requestId: number,
  input: { body: string; attachments: Attachment[]; clientId?: string },
): Promise<DiscussionMessage> {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const r = await readable(tx, viewer, requestId);
    if (viewer.id !== r.initiator_id && viewer.id !== r.recipient_id) throw new AppError('not_in_discussion', 'Only the two colleagues in the discussion write in it.', 403);
    if (!active(r)) throw new AppError('discussion_not_active', r.status === 'pending' ? 'The request has not been accepted yet.' : 'The discussion has ended.', 409);
    const names = new Map([[viewer.id, viewer.name]]);
    if (input.clientId) {
      const again = await tx.selectFrom('discussion_messages').selectAll().where('request_id', '=', r.id).where('sender_user_id', '=', viewer.id).where('client_id', '=', input.clientId).executeTakeFirst();
      if (again) return present(again, names);
    }
    await checkAttachments(tx, r.conversation_id, input.attachments);
    const row = await tx
      .insertInto('discussion_messages')
      .values({
        request_id: r.id,
        conversation_id: r.conversation_id,
        sender_user_id: viewer.id,
        body: input.body.trim(),
        attachments: JSON.stringify(input.attachments),
        client_id: input.clientId ?? null,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const message = present(row, names);
    emit({ type: 'discussion.message', conversationId: null, scope: audienceOf(r), data: { message }, actorId: viewer.id, at: now });
    return message;
  });
}

/** The discussion's history, oldest first (it is short: one consult). */
export async function listDiscussionMessages(db: Db, viewer: Viewer, requestId: number): Promise<DiscussionMessage[]> {
  await readable(db, viewer, requestId);
  const rows = await db.selectFrom('discussion_messages').selectAll().where('request_id', '=', requestId).orderBy('id').limit(2000).execute();
  const ids = [...new Set(rows.map((r) => r.sender_user_id))];
  const users = ids.length ? await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute() : [];
  const names = new Map(users.map((u) => [u.id, u.name]));
  return rows.map((r) => present(r, names));
}

/** "Martha is typing…" in the panel: for the two of them (and the queue's managers), never the customer. */
export async function discussionTyping(ctx: ActionContext, viewer: Actor, requestId: number, typing: boolean): Promise<void> {
  const now = ctx.clock.now();
  const r = await readable(ctx.store.db, viewer, requestId);
  if (!active(r) || (viewer.id !== r.initiator_id && viewer.id !== r.recipient_id)) throw new AppError('discussion_not_active', 'The discussion is not active.', 409);
  // An ephemeral signal, like the customer-facing typing indicator: never stored.
  ctx.signal({ type: 'discussion.typing', scope: audienceOf(r), data: { requestId: r.id, conversationId: r.conversation_id, userId: viewer.id, name: viewer.name, typing }, at: now });
}
