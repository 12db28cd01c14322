import type { z } from 'zod';
import type { CreateConversationRequest, CreateContactRequest, Channel } from '@switchboard/protocol';
import { checkMessageText, type Viewer } from '@switchboard/core';
import { AppError, fromRefusal } from '../errors.ts';
import type { Tx } from '../store/db.ts';
import { runAction, type ActionContext } from './context.ts';
import { insertContact, reachContact } from './contacts.ts';
import { insertMessage, patchOf, presentWithNames } from './conversationRows.ts';
import { eventScopeOf, lockLatestConversationOf, patchConversation } from '../store/conversations.ts';
import { openConversation } from './opening.ts';
import { storeCustomerMessage, type PostedMessage } from './messages.ts';

async function defaultQueueId(tx: Tx): Promise<number | null> {
  const q = await tx.selectFrom('queues').select('id').orderBy('id').limit(1).executeTakeFirst();
  return q?.id ?? null;
}

/** Channels whose messages we deliver ourselves over the stream, so "sent" is known at once. */
const OWN_CHANNELS = new Set(['web', 'portal', 'api']);

/**
 * An agent or integration opens a conversation for a contact (new, or an existing one they may see:
 * core `canSeeContact`). Its first message is the opener's own, never stored as the customer's
 * (customers' messages come in by their channels: /inbound/messages, the widget, email).
 */
export async function startConversation(
  ctx: ActionContext,
  viewer: Viewer & { name: string },
  input: z.infer<typeof CreateConversationRequest>,
): Promise<number> {
  if (input.message !== undefined) {
    const invalid = checkMessageText(input.message);
    if (invalid) throw fromRefusal(invalid);
  }
  const now = ctx.clock.now();
  if (input.queueId !== undefined && viewer.role !== 'admin' && !viewer.queueIds.has(input.queueId)) {
    throw new AppError('queue_not_found', 'No such queue among yours.', 422);
  }
  const id = await runAction(ctx, async (tx, emit) => {
    let contactId = input.contactId;
    if (contactId !== undefined) {
      const exists = await tx.selectFrom('contacts').select('id').where('id', '=', contactId).executeTakeFirst();
      if (!exists) throw new AppError('contact_not_found', 'No such contact.', 422);
      await reachContact(tx, viewer, contactId, 'read').catch((e) => {
        throw (e as AppError).status === 404 ? new AppError('contact_not_found', 'No such contact.', 422) : e;
      });
    } else {
      contactId = await insertContact(tx, input.contact!, now);
    }
    const queueId = input.queueId ?? (viewer.queueIds.size ? [...viewer.queueIds][0] : await defaultQueueId(tx));
    const c = await openConversation(tx, emit, { contactId, channel: input.channel, queueId, subject: input.subject, priority: input.priority, now });
    if (input.message) {
      const row = await insertMessage(tx, {
        conversation_id: c.id,
        sender_kind: 'agent',
        sender_user_id: viewer.id,
        sender_contact_id: null,
        body: input.message,
        internal: 0,
        reply_to_id: null,
        attachments: '[]',
        status: OWN_CHANNELS.has(c.channel) ? 'sent' : 'queued',
        failure_reason: null,
        system_event: null,
        client_id: null,
        created_at: now,
      });
      const next = { ...c, last_message_id: row.id, last_agent_message_at: now, updated_at: now };
      await patchConversation(tx, c.id, { last_message_id: row.id, last_agent_message_at: now, updated_at: now });
      const message = presentWithNames(row, { [viewer.id]: viewer.name });
      emit({ type: 'message.created', conversationId: c.id, scope: eventScopeOf(c), data: { message, conversation: patchOf(next) }, actorId: viewer.id, at: now });
    }
    return c.id;
  });
  return id;
}

export interface InboundMessage {
  channel: Channel;
  externalId: string;
  contact: z.infer<typeof CreateContactRequest>;
  body: string;
  attachments?: PostedMessage['message']['attachments'];
  /** The provider's message id: a redelivered webhook finds the stored message. */
  clientId?: string;
  queueId?: number;
  subject?: string;
}

/**
 * A customer message arriving by a channel: find (or create) the contact by its channel identity,
 * then continue their latest conversation on that channel, or open one. Idempotent by `clientId`.
 */
export async function receiveInboundMessage(ctx: ActionContext, input: InboundMessage): Promise<PostedMessage> {
  const invalid = checkMessageText(input.body, (input.attachments?.length ?? 0) > 0);
  if (invalid) throw fromRefusal(invalid);
  const now = ctx.clock.now();
  // One transaction from identity to stored message: one commit (one disk flush) per inbound message.
  return runAction(ctx, async (tx, emit) => {
    const message = { body: input.body, attachments: input.attachments ?? [], clientId: input.clientId };
    // Most messages continue a conversation: the contact and it, locked, in one statement.
    const latest = await lockLatestConversationOf(tx, input.channel, input.externalId, ctx.store.dialect);
    if (latest) return storeCustomerMessage(ctx, tx, emit, latest.conversation.contact_id!, latest.conversation.id, message, now, latest.contact, latest.conversation);
    // A new contact, or one without a conversation on this channel yet.
    const known = await tx
      .selectFrom('contact_identities as ci')
      .innerJoin('contacts as k', 'k.id', 'ci.contact_id')
      .select((eb) => [
        'ci.contact_id',
        'k.name',
        'k.blocked',
        eb
          .selectFrom('conversations as c')
          .select('c.id')
          .whereRef('c.contact_id', '=', 'ci.contact_id')
          .where('c.channel', '=', input.channel)
          .orderBy('c.id', 'desc')
          .limit(1)
          .as('conversation_id'),
      ])
      .where('ci.channel', '=', input.channel)
      .where('ci.external_id', '=', input.externalId)
      .executeTakeFirst();
    let contactId = known?.contact_id;
    if (contactId === undefined) {
      contactId = await insertContact(tx, { ...input.contact, identities: [{ channel: input.channel, externalId: input.externalId }] }, now);
    }
    let conversationId = known?.conversation_id ?? undefined;
    if (conversationId === undefined) {
      const queueId = input.queueId ?? (await defaultQueueId(tx));
      conversationId = (await openConversation(tx, emit, { contactId, channel: input.channel, queueId, subject: input.subject, now })).id;
    }
    return storeCustomerMessage(ctx, tx, emit, contactId, conversationId, message, now, known);
  });
}
