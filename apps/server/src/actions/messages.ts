import { canReplyToCustomer, refuseCustomerFacing, checkMessageText, checkMessagingWindow, nextDeliveryStatus, transition, type Viewer } from '@switchboard/core';
import type { Message } from '@switchboard/protocol';
import type { z } from 'zod';
import type { PostMessageRequest, CustomerMessageRequest } from '@switchboard/protocol';
import { AppError, fromRefusal } from '../errors.ts';
import type { Db, Tx } from '../store/db.ts';
import type { NewEvent } from '../store/events.ts';
import { scopeOf, eventScopeOf, type ConversationWithAccess } from '../store/conversations.ts';
import { customerFilesFor, keysHeldBy, placeFilesIn } from '../store/files.ts';
import { lockVisibleConversation, runAction, type ActionContext } from './context.ts';
import { insertMessageInto, patchOf, presentWithNames, systemLine, type ConversationPatch } from './conversationRows.ts';
import { presentMessage, loadSenderNames } from '../presenters/messages.ts';
import { openConversation } from './opening.ts';
import { afterConversationChange } from '../routing/engine.ts';
import { renderReplyTemplate } from './templates.ts';
import { ownedFileRef } from '../attachments/owned.ts';

type AgentMessageInput = z.infer<typeof PostMessageRequest>;
type CustomerMessageInput = z.infer<typeof CustomerMessageRequest>;

export interface PostedMessage {
  message: Message;
  conversation: ConversationPatch;
  /** False when a retry with the same client id found the message already stored. */
  created: boolean;
}

/** Channels whose messages we deliver ourselves over the stream, so "sent" is known at once. */
const OWN_CHANNELS = new Set(['web', 'portal', 'api']);

async function existingByClientId(tx: Tx, conversationId: number, clientId: string | undefined) {
  if (!clientId) return undefined;
  return tx.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('client_id', '=', clientId).executeTakeFirst();
}

/** A customer's message by its provider (or widget) id: one probe of `messages_contact_client_id`. */
export function customerMessageByClientId(db: Db | Tx, contactId: number, clientId: string) {
  return db.selectFrom('messages').selectAll().where('sender_contact_id', '=', contactId).where('client_id', '=', clientId);
}

const notInConversation = () => new AppError('attachment_not_in_conversation', 'Attach a file by uploading it to this conversation (or re-send one already in it).', 422);

/**
 * An agent attaches files of this conversation only: uploaded to it, or a stored file the
 * conversation already holds (re-sent from the gallery). Never a link to somewhere else dressed up
 * as a file, nor another conversation's file (attachments/owned.ts).
 */
async function checkAttachmentsBelong(tx: Tx, conversationId: number, attachments: AgentMessageInput['attachments']): Promise<void> {
  const refs = attachments.map((a) => ownedFileRef(a.url));
  if (refs.some((r) => r === null || (r.kind === 'upload' && r.conversationId !== conversationId))) throw notInConversation();
  const keys = refs.flatMap((r) => (r?.kind === 'file' ? [r.key] : []));
  if (!keys.length) return;
  // Rare (re-sending a customer's file): the stored files this conversation holds.
  const held = await keysHeldBy(tx, conversationId, keys);
  if (held.size !== new Set(keys).size) throw notInConversation();
}

/**
 * A customer's attachments: their own uploads (the widget's `/widget/uploads`, not yet sent or sent
 * in this conversation), rebuilt from what we stored; or files we placed in this conversation
 * (email). The stored file then belongs to the conversation. Anything else is refused.
 */
async function claimCustomerAttachments(
  tx: Tx,
  contactId: number,
  /** The conversation written to, and the one the message lands in (a new one when that was resolved). */
  ids: { writtenTo: number; conversationId: number },
  attachments: CustomerMessageInput['attachments'],
): Promise<CustomerMessageInput['attachments']> {
  const { conversationId } = ids;
  const refuse = () => new AppError('attachment_not_stored', 'Attach files by uploading them first; links are not attachments.', 422);
  const refs = attachments.map((a) => ownedFileRef(a.url));
  if (refs.some((r) => r === null || (r.kind === 'upload' && r.conversationId !== conversationId && r.conversationId !== ids.writtenTo))) throw refuse();
  const keys = refs.flatMap((r) => (r?.kind === 'file' ? [r.key] : []));
  if (!keys.length) return attachments;
  const files = await customerFilesFor(tx, contactId, conversationId, keys);
  const byKey = new Map(files.map((f) => [f.key, f]));
  if (keys.some((k) => !byKey.has(k))) throw refuse();
  await placeFilesIn(tx, conversationId, keys);
  return attachments.map((a, i) => {
    const r = refs[i]!;
    if (r.kind !== 'file') return a;
    const f = byKey.get(r.key)!;
    return { name: f.name, contentType: f.content_type, size: f.size, url: `/api/v1/files/${f.key}` };
  });
}

async function checkReplyTo(tx: Tx, conversationId: number, replyToId: number | undefined) {
  if (replyToId === undefined) return;
  const quoted = await tx.selectFrom('messages').select('conversation_id').where('id', '=', replyToId).executeTakeFirst();
  if (!quoted || quoted.conversation_id !== conversationId)
    throw new AppError('reply_to_not_found', 'The quoted message is not in this conversation.', 422);
}

async function contactBlocked(tx: Tx, contactId: number | null): Promise<boolean> {
  if (contactId == null) return false;
  const row = await tx.selectFrom('contacts').select('blocked').where('id', '=', contactId).executeTakeFirst();
  return row?.blocked === 1;
}

/**
 * An agent writes: a reply to the customer, or an internal note (seed 004) only agents see. With
 * `templateId` the server sends the reply template's text itself; on WhatsApp that is the only reply
 * allowed once the customer's 24-hour window has closed (`core/messages/window.ts`).
 */
export async function postAgentMessage(
  ctx: ActionContext,
  /** `bot`: an agent bot writes (sender kind `bot`; it does not stop the reply clock, which measures humans). */
  viewer: Viewer & { name: string; bot?: boolean },
  conversationId: number,
  input: AgentMessageInput,
  /** A provider's approved template (WhatsApp): its text is the body, it may go outside the window, and what to send is stored with the message. */
  channelTemplate?: { body: string; payload: unknown; inboxId: number },
): Promise<PostedMessage> {
  if (input.templateId !== undefined && input.attachments.length) throw new AppError('template_with_attachments', 'A reply template is sent as it is, without attachments.', 422);
  const invalid = input.templateId === undefined && checkMessageText(input.body, input.attachments.length > 0);
  if (invalid) throw fromRefusal(invalid);
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const c = await lockVisibleConversation(ctx, tx, viewer, conversationId);
    const again = await existingByClientId(tx, c.id, input.clientId);
    if (again) return { message: presentWithNames(again, { [viewer.id]: viewer.name }), conversation: patchOf(c), created: false };
    await checkReplyTo(tx, c.id, input.replyToId);
    await checkAttachmentsBelong(tx, c.id, input.attachments);
    let body = channelTemplate?.body ?? input.body;
    if (channelTemplate && (c.channel !== 'whatsapp' || c.inbox_id !== channelTemplate.inboxId)) throw new AppError('template_not_found', 'That template belongs to another WhatsApp number.', 422);
    if (input.templateId !== undefined) {
      body = await renderReplyTemplate(tx, c, viewer.name, input.templateId);
      const bad = checkMessageText(body);
      if (bad) throw fromRefusal(bad);
    }

    const next = { ...c };
    let reopened = false;
    if (!input.internal) {
      const scope = scopeOf(c);
      const consultant = refuseCustomerFacing(viewer, scope);
      if (consultant) throw fromRefusal(consultant);
      if (!canReplyToCustomer(viewer, scope)) {
        throw new AppError('not_assignee', 'This conversation is not assigned to you, so you cannot write to the customer.', 403);
      }
      if (await contactBlocked(tx, c.contact_id)) {
        throw new AppError('customer_blocked', 'This customer is blocked: messages cannot be sent to them.', 403);
      }
      const t = transition({ status: c.status as never, assigneeId: c.assignee_id }, { kind: 'agentReply' });
      if (!t.ok) throw fromRefusal(t);
      const closedWindow = input.templateId === undefined && !channelTemplate && checkMessagingWindow(c.channel, c.last_customer_message_at, now);
      if (closedWindow) throw fromRefusal(closedWindow);
      reopened = c.status === 'closed';
      next.status = t.state.status;
      if (!viewer.bot) {
        next.last_agent_message_at = now;
        next.first_response_at = c.first_response_at ?? now;
      }
    }
    if (reopened) {
      await systemLine(tx, emit, { ...next, last_activity_at: now }, { kind: 'reopened', byUserId: viewer.id }, `Reopened by ${viewer.name}`, viewer.id, now, { messageFollows: true });
    }
    const row = await insertMessageInto(tx, {
      conversation_id: c.id,
      sender_kind: viewer.bot ? 'bot' : 'agent',
      sender_user_id: viewer.id,
      sender_contact_id: null,
      body,
      internal: input.internal ? 1 : 0,
      reply_to_id: input.replyToId ?? null,
      attachments: JSON.stringify(input.attachments),
      status: input.internal || OWN_CHANNELS.has(c.channel) ? 'sent' : 'queued',
      failure_reason: null,
      system_event: null,
      client_id: input.clientId ?? null,
      created_at: now,
    }, {
      status: next.status,
      last_activity_at: now,
      updated_at: now,
      last_agent_message_at: next.last_agent_message_at,
      first_response_at: next.first_response_at,
    });
    if (channelTemplate) {
      await tx
        .insertInto('channel_messages')
        .values({ inbox_id: channelTemplate.inboxId, direction: 'out', provider_message_id: null, message_id: row.id, conversation_id: c.id, state: 'pending', payload: JSON.stringify(channelTemplate.payload), error: null, created_at: now, updated_at: now })
        .execute();
    }
    next.last_message_id = row.id;
    next.last_activity_at = now;
    next.updated_at = now;
    await afterConversationChange(tx, emit, c, next, now); // routing: reply deadline met, inactivity
    // Writing in a conversation means you have read it.
    await markReadUpTo(tx, viewer.id, c.id, row.id);
    const message = presentWithNames(row, { [viewer.id]: viewer.name });
    const patch = patchOf(next);
    emit({
      type: 'message.created',
      conversationId: c.id,
      scope: eventScopeOf(c, { internal: input.internal }),
      data: { message, conversation: patch },
      actorId: viewer.id,
      at: now,
    });
    return { message, conversation: patch, created: true };
  });
}

export async function markReadUpTo(tx: Tx, userId: number, conversationId: number, messageId: number): Promise<void> {
  await tx
    .insertInto('conversation_reads')
    .values({ user_id: userId, conversation_id: conversationId, last_read_message_id: messageId, marked_unread: 0 })
    .onConflict((oc) =>
      oc.columns(['user_id', 'conversation_id']).doUpdateSet((eb) => ({
        // Reads only move forward (a late request must not un-read newer messages).
        last_read_message_id: eb
          .case()
          .when('conversation_reads.last_read_message_id', '>', messageId)
          .then(eb.ref('conversation_reads.last_read_message_id'))
          .else(messageId)
          .end(),
        marked_unread: 0,
      })),
    )
    .execute();
}

/**
 * The customer writes (widget, portal, channel webhook). A closed conversation reopens (seed 002); a
 * resolved one gets a new conversation linked to it (seed 004). Idempotent by client id.
 */
export async function postCustomerMessage(
  ctx: ActionContext,
  contactId: number,
  conversationId: number,
  input: CustomerMessageInput,
): Promise<PostedMessage> {
  const invalid = checkMessageText(input.body, input.attachments.length > 0);
  if (invalid) throw fromRefusal(invalid);
  const now = ctx.clock.now();
  return runAction(ctx, (tx, emit) => storeCustomerMessage(ctx, tx, emit, contactId, conversationId, input, now));
}

/** The body of postCustomerMessage, inside the caller's transaction (inbound intake shares one). */
export async function storeCustomerMessage(
  ctx: ActionContext,
  tx: Tx,
  emit: (...e: NewEvent[]) => void,
  contactId: number,
  conversationId: number,
  input: CustomerMessageInput & { replyToId?: number | null },
  now: number,
  /** The contact's name and blocked flag when the caller has already read them. */
  known?: { name: string; blocked: number },
  /** The conversation when the caller has already locked it (store/conversations.ts `lockLatestConversationOf`). */
  locked?: ConversationWithAccess,
): Promise<PostedMessage> {
  let c = locked?.id === conversationId ? locked : await lockVisibleConversation(ctx, tx, null, conversationId);
  if (c.contact_id !== contactId) throw new AppError('not_found', 'No such conversation.', 404);
  if (input.clientId) {
    const again = await customerMessageByClientId(tx, contactId, input.clientId).executeTakeFirst();
    if (again) {
      const names = await loadSenderNames(tx, [again]);
      return { message: presentMessage(again, names), conversation: patchOf(c), created: false };
    }
  }
  const contact = known ?? (await tx.selectFrom('contacts').select(['name', 'blocked']).where('id', '=', contactId).executeTakeFirstOrThrow());
  if (contact.blocked) throw new AppError('customer_blocked', 'You cannot send messages in this conversation.', 403);
  const attachments = input.attachments.length ? await claimCustomerAttachments(tx, contactId, { writtenTo: conversationId, conversationId: c.id }, input.attachments) : input.attachments;

  const t = transition({ status: c.status as never, assigneeId: c.assignee_id }, { kind: 'customerMessage' });
  if (!t.ok) throw fromRefusal(t);
  if (t.startLinkedConversation) {
    c = await openConversation(tx, emit, {
      contactId,
      channel: c.channel,
      queueId: c.queue_id,
      subject: c.subject,
      previousConversationId: c.id,
      // The new conversation stays in the inbox the customer writes to (a WhatsApp number, a bot).
      inboxId: c.inbox_id ?? null,
      now,
    });
  } else if (c.status === 'closed') {
    await systemLine(tx, emit, { ...c, status: t.state.status, last_activity_at: now }, { kind: 'reopened', byUserId: null }, 'Reopened by a new customer message', null, now, { messageFollows: true });
  }
  const status = t.startLinkedConversation ? c.status : t.state.status;
  const row = await insertMessageInto(tx, {
    conversation_id: c.id,
    sender_kind: 'customer',
    sender_user_id: null,
    sender_contact_id: contactId,
    body: input.body,
    internal: 0,
    reply_to_id: input.replyToId ?? null,
    attachments: JSON.stringify(attachments),
    status: 'delivered',
    failure_reason: null,
    system_event: null,
    client_id: input.clientId ?? null,
    created_at: now,
  }, { status, last_activity_at: now, last_customer_message_at: now, updated_at: now });
  const next = { ...c, status, last_message_id: row.id, last_activity_at: now, last_customer_message_at: now, updated_at: now };
  await afterConversationChange(tx, emit, c, next, now, { customerMessage: { id: row.id, body: input.body } }); // routing: requeue, deadlines, keywords
  const message = presentWithNames(row, {}, { [contactId]: contact.name });
  const patch = patchOf(next);
  emit({ type: 'message.created', conversationId: c.id, scope: eventScopeOf(next), data: { message, conversation: patch }, at: now });
  return { message, conversation: patch, created: true };
}

/**
 * A channel reports what became of a message we sent (seed 002 statuses). Out-of-order reports are
 * ignored; the new status goes to everyone who sees the conversation.
 */
export async function updateDeliveryStatus(
  ctx: ActionContext,
  messageId: number,
  reported: Message['status'],
  failureReason?: string,
): Promise<Message> {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    // Reports for one message take turns (a row lock on PostgreSQL; SQLite has one writer): two read
    // at once would each move forward from the same old status, and `failed` could land after `read`.
    const row = await tx
      .selectFrom('messages')
      .selectAll()
      .where('id', '=', messageId)
      .$if(ctx.store.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
    if (!row || row.sender_kind === 'customer' || row.internal) throw new AppError('not_found', 'No such outgoing message.', 404);
    const next = nextDeliveryStatus(row.status as Message['status'], reported);
    if (next !== null && typeof next === 'object') throw fromRefusal(next);
    const updated = next === null ? row : { ...row, status: next, failure_reason: next === 'failed' ? (failureReason ?? 'The channel did not accept the message.') : null };
    const names = await loadSenderNames(tx, [updated]);
    const message = presentMessage(updated, names);
    if (next !== null) {
      await tx.updateTable('messages').set({ status: updated.status, failure_reason: updated.failure_reason }).where('id', '=', row.id).execute();
      const c = await lockVisibleConversation(ctx, tx, null, row.conversation_id);
      emit({ type: 'message.updated', conversationId: c.id, scope: eventScopeOf(c), data: { message }, at: now });
    }
    return message;
  });
}
