import fsp from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import { transition } from '@switchboard/core';
import type { Channel, Message } from '@switchboard/protocol';
import { AppError } from '../errors.ts';
import type { Db, Tx } from '../store/db.ts';
import { lockVisibleConversation, runAction, type ActionContext } from './context.ts';
import { insertContact } from './contacts.ts';
import { openConversation } from './opening.ts';
import { customerMessageByClientId, storeCustomerMessage, updateDeliveryStatus } from './messages.ts';
import { systemLine } from './conversationRows.ts';
import { conversationFileUrl } from '../attachments/owned.ts';

/** A file a channel adapter downloaded, waiting in the staging folder until its message is stored. */
export interface StagedFile {
  file: string;
  name: string;
  contentType: string;
  size: number;
}

/** A customer's message as a channel adapter normalised it (issue 13 item 3). */
export interface ChannelInbound {
  channel: Channel;
  inbox: { id: number; queue_id: number | null };
  /** The customer's id at the provider: WhatsApp wa_id, Telegram chat id, Messenger PSID. */
  externalId: string;
  /** As the provider gives it (seed 001: "the customer name shown is provided as is"). */
  name: string | null;
  phone?: string | null;
  /** The provider's message id: a redelivery finds the stored message. */
  providerMessageId: string;
  body: string;
  files: StagedFile[];
  /** What was received but not kept (a file too large, a type we do not show), said in the message. */
  notes: string[];
  /** The provider's id of the message this one answers (→ our quote). */
  replyToProviderId?: string | null;
}

export type ChannelIntakeOutcome = { kind: 'stored'; conversationId: number; messageId: number } | { kind: 'duplicate'; messageId: number };

async function queueOf(tx: Tx, inbox: { queue_id: number | null }): Promise<number | null> {
  if (inbox.queue_id != null) return inbox.queue_id;
  const q = await tx.selectFrom('queues').select('id').orderBy('id').limit(1).executeTakeFirst();
  return q?.id ?? null;
}

async function placeFiles(dataDir: string, conversationId: number, files: StagedFile[], now: number) {
  const dir = path.resolve(dataDir, 'attachments', String(conversationId));
  if (files.length) await fsp.mkdir(dir, { recursive: true });
  const out: Message['attachments'] = [];
  for (const f of files) {
    const key = crypto.randomBytes(16).toString('hex');
    await fsp.rename(f.file, path.join(dir, key));
    await fsp.writeFile(path.join(dir, `${key}.json`), JSON.stringify({ name: f.name, contentType: f.contentType, size: f.size, by: null, at: now }));
    out.push({ name: f.name, contentType: f.contentType, size: f.size, url: conversationFileUrl(conversationId, key) });
  }
  return out;
}

/**
 * A customer's message from a messaging channel: the contact by their channel identity (created with
 * the provider's name), the conversation of this inbox (a closed one reopens, a resolved one gets a
 * new linked one), the quote, the files, and the provider id ↔ message link, in one transaction.
 * Idempotent by the provider's message id.
 */
export async function receiveChannelMessage(ctx: ActionContext, dataDir: string, m: ChannelInbound): Promise<ChannelIntakeOutcome> {
  const now = ctx.clock.now();
  const cleanup = () => Promise.all(m.files.map((f) => fsp.rm(f.file, { force: true })));
  try {
    return await runAction(ctx, async (tx, emit) => {
      const known = await tx
        .selectFrom('contact_identities as ci')
        .innerJoin('contacts as k', 'k.id', 'ci.contact_id')
        .select(['ci.contact_id', 'k.name', 'k.blocked'])
        .where('ci.channel', '=', m.channel)
        .where('ci.external_id', '=', m.externalId)
        .executeTakeFirst();
      if (known) {
        const again = await customerMessageByClientId(tx, known.contact_id, m.providerMessageId).executeTakeFirst();
        if (again) return { kind: 'duplicate' as const, messageId: again.id };
      }
      const name = (m.name?.trim() || m.phone || m.externalId).slice(0, 200);
      const contactId =
        known?.contact_id ?? (await insertContact(tx, { name, phone: m.phone ?? null, identities: [{ channel: m.channel, externalId: m.externalId }], source: { channel: m.channel } }, now));
      const latest = await tx
        .selectFrom('conversations')
        .selectAll()
        .where('contact_id', '=', contactId)
        .where('channel', '=', m.channel)
        .where('inbox_id', '=', m.inbox.id)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      let conversationId: number;
      if (!latest) {
        conversationId = (await openConversation(tx, emit, { contactId, channel: m.channel, queueId: await queueOf(tx, m.inbox), inboxId: m.inbox.id, now })).id;
      } else {
        const t = transition({ status: latest.status as never, assigneeId: latest.assignee_id }, { kind: 'customerMessage' });
        conversationId = latest.id;
        if (t.ok && t.startLinkedConversation) {
          conversationId = (
            await openConversation(tx, emit, { contactId, channel: m.channel, queueId: latest.queue_id, previousConversationId: latest.id, preferredAgentId: latest.assignee_id, inboxId: m.inbox.id, now })
          ).id;
        }
      }
      let replyToId: number | null = null;
      if (m.replyToProviderId) {
        const q = await tx
          .selectFrom('channel_messages as cm')
          .innerJoin('messages as msg', 'msg.id', 'cm.message_id')
          .select(['msg.id', 'msg.conversation_id'])
          .where('cm.inbox_id', '=', m.inbox.id)
          .where('cm.provider_message_id', '=', m.replyToProviderId)
          .executeTakeFirst();
        if (q && q.conversation_id === conversationId) replyToId = q.id;
      }
      const notes = m.notes.map((n) => `[${n}]`).join('\n');
      const body = [m.body, notes].filter(Boolean).join(m.body ? '\n\n' : '') || (m.files.length ? '' : '(empty message)');
      const attachments = await placeFiles(dataDir, conversationId, m.files, now);
      const posted = await storeCustomerMessage(ctx, tx, emit, contactId, conversationId, { body, attachments, clientId: m.providerMessageId, replyToId }, now, known);
      if (!posted.created) return { kind: 'duplicate' as const, messageId: posted.message.id };
      await tx
        .insertInto('channel_messages')
        .values({ inbox_id: m.inbox.id, direction: 'in', provider_message_id: m.providerMessageId, message_id: posted.message.id, conversation_id: posted.message.conversationId, state: 'received', payload: null, error: null, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['inbox_id', 'provider_message_id']).doNothing())
        .execute();
      return { kind: 'stored' as const, conversationId: posted.message.conversationId, messageId: posted.message.id };
    });
  } finally {
    await cleanup(); // moved files are gone already; anything left is from a failed attempt
  }
}

/** Our outgoing message a provider status is about: by its id at the provider, else by the id we gave it. */
export async function sentMessageOf(db: Db, inboxId: number, providerMessageId: string, ourMessageId: number | null): Promise<number | null> {
  const row = await db.selectFrom('channel_messages').select('message_id').where('inbox_id', '=', inboxId).where('provider_message_id', '=', providerMessageId).where('direction', '=', 'out').executeTakeFirst();
  if (row?.message_id) return row.message_id;
  if (ourMessageId === null) return null;
  const own = await db.selectFrom('channel_messages').select('message_id').where('inbox_id', '=', inboxId).where('message_id', '=', ourMessageId).where('direction', '=', 'out').executeTakeFirst();
  return own?.message_id ?? null;
}

/**
 * A provider's status for a message we sent (seed 002's ticks), forward only: a late `delivered`
 * after `read` changes nothing, and neither does `failed` for a message already delivered.
 */
export async function applyChannelStatus(ctx: ActionContext, messageId: number, status: 'sent' | 'delivered' | 'read' | 'failed', reason?: string): Promise<boolean> {
  try {
    const before = await ctx.store.db.selectFrom('messages').select('status').where('id', '=', messageId).executeTakeFirst();
    const after = await updateDeliveryStatus(ctx, messageId, status, reason);
    return before?.status !== after.status;
  } catch (e) {
    if (e instanceof AppError) return false; // out of order or about a message since deleted
    throw e;
  }
}

/** Messenger's watermarks: every message we sent in the conversation up to `upTo` moves to the status. */
export async function applyChannelWatermark(ctx: ActionContext, inboxId: number, externalId: string, channel: Channel, upTo: number, status: 'delivered' | 'read'): Promise<number> {
  const rows = await ctx.store.db
    .selectFrom('channel_messages as cm')
    .innerJoin('messages as msg', 'msg.id', 'cm.message_id')
    .innerJoin('conversations as c', 'c.id', 'msg.conversation_id')
    .innerJoin('contact_identities as ci', 'ci.contact_id', 'c.contact_id')
    .select('msg.id')
    .where('cm.inbox_id', '=', inboxId)
    .where('cm.direction', '=', 'out')
    .where('cm.state', '=', 'sent')
    .where('ci.channel', '=', channel)
    .where('ci.external_id', '=', externalId)
    .where('msg.created_at', '<=', upTo)
    .where('msg.status', 'in', status === 'read' ? ['sent', 'delivered'] : ['sent'])
    .execute();
  let changed = 0;
  for (const r of rows) if (await applyChannelStatus(ctx, r.id, status)) changed++;
  return changed;
}

/** Telegram's my_chat_member "kicked": the customer blocked the bot, so nothing can reach them; said in their open conversation. */
export async function customerBlockedBot(ctx: ActionContext, inboxId: number, channel: Channel, externalId: string, blocked: boolean): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const who = await tx.selectFrom('contact_identities').select('contact_id').where('channel', '=', channel).where('external_id', '=', externalId).executeTakeFirst();
    if (!who) return;
    const latest = await tx.selectFrom('conversations').select('id').where('contact_id', '=', who.contact_id).where('inbox_id', '=', inboxId).orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (!latest) return;
    const c = await lockVisibleConversation(ctx, tx, null, latest.id);
    const text = blocked ? 'The customer blocked the bot: messages can no longer reach them.' : 'The customer unblocked the bot.';
    await systemLine(tx, emit, c, { kind: 'status', note: blocked ? 'bot_blocked' : 'bot_unblocked' }, text, null, now);
  });
}
