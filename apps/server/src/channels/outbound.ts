import fsp from 'node:fs/promises';
import type { Selectable } from 'kysely';
import type { Channel, Message } from '@switchboard/protocol';
import { canSendFreeForm } from '@switchboard/core';
import type { Outbox } from '../events/outbox/outbox.ts';
import { RetryAfter, type OutboxEvent } from '../events/outbox/consumer.ts';
import { applyChannelStatus } from '../actions/channelMessages.ts';
import type { ConversationsTable, ChannelMessagesTable } from '../store/schema.ts';
import type { EventRow } from '../store/events.ts';
import { clearInboxError, recordInboxError, type InboxRow } from './inboxes.ts';
import { ProviderError } from './provider.ts';
import type { ChannelDeps } from './deps.ts';
import { ownedFileRef } from '../attachments/owned.ts';
import { folderFilePath } from '../attachments/files.ts';

export interface OutgoingFile {
  path: string;
  name: string;
  contentType: string;
  size: number;
}

/** One call to the provider: an outgoing message is one or more (its text, then each file). */
export type OutgoingPart = { kind: 'text'; text: string } | { kind: 'file'; file: OutgoingFile; caption?: string } | { kind: 'template'; template: unknown };

export interface SendContext {
  message: Message;
  conversation: Selectable<ConversationsTable>;
  inbox: InboxRow;
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  /** The customer's id at the provider. */
  recipient: string;
  /** The provider's id of the message the agent quoted. */
  replyToProviderId: string | null;
  /** A template to send instead of the text (WhatsApp), as stored with the message. */
  payload: unknown;
  /** The message's files, read from the conversation's attachment folder. */
  files: OutgoingFile[];
  signal: AbortSignal;
  now: number;
}

/** A provider's outbound side; the framework below makes it durable, ordered and never twice. */
export interface ChannelSender {
  channel: Channel;
  /** Outbox consumer name (its cursor and dead letters). */
  consumer: string;
  /** The provider's name, for reasons shown to agents. */
  provider: string;
  /** The calls that send this message, or the reason it cannot be sent (too long, window closed). */
  plan(ctx: SendContext): OutgoingPart[] | string;
  /** One call; resolves with the provider's message id. */
  sendPart(ctx: SendContext, part: OutgoingPart): Promise<string>;
  /** The agent-facing reason for a refusal (e.g. WhatsApp 131047). */
  reasonFor?(err: ProviderError): string;
  /** Tells the provider the customer's messages up to this one were read (when the agent opens the conversation). */
  markRead?(ctx: { inbox: InboxRow; settings: Record<string, unknown>; secrets: Record<string, string>; recipient: string; providerMessageId: string; signal: AbortSignal }): Promise<void>;
}

const MAX_ATTEMPTS = 10;
type Claim = Selectable<ChannelMessagesTable>;

/** The files of an agent's message, from the conversation's attachment folder. */
export async function filesOf(dataDir: string, conversationId: number, message: Message): Promise<OutgoingFile[]> {
  const out: OutgoingFile[] = [];
  for (const a of message.attachments) {
    const ref = ownedFileRef(a.url);
    const p = folderFilePath(dataDir, conversationId, ref?.kind === 'upload' && ref.conversationId === conversationId ? ref.key : 'missing');
    await fsp.access(p);
    out.push({ path: p, name: a.name, contentType: a.contentType, size: a.size });
  }
  return out;
}

/**
 * A `message.created` that may have to go out: written by someone (an agent, a bot, an integration)
 * and not internal. A customer's own message has no actor; outbound consumers pass over those on
 * their next run instead of running once for each.
 */
export function mayNeedSending(row: EventRow): boolean {
  return row.actor_id !== null && !row.internal;
}

/** The WhatsApp-style window check again at send time: a reply that waited past the window is not sent. */
export function windowClosed(ctx: SendContext): boolean {
  return ctx.payload == null && !canSendFreeForm(ctx.conversation.channel, ctx.conversation.last_customer_message_at, ctx.now);
}

/**
 * Outbound for a messaging channel (issue 13 item 4): an agent's reply is the `message.created`
 * event of its own transaction; this outbox consumer (one node cluster-wide, after commit, retried
 * with backoff, restart-safe) sends it. Never twice: before each call the message's claim row says
 * `sending` (committed), after it `sent` with the provider's id; finding `sending` on a redelivery
 * means a call was in flight when the node stopped, and since no provider here takes an idempotency
 * key, the message is marked failed ("may have reached the customer") rather than sent again.
 * A 429 or 5xx is known not to have been taken: retried, after the provider's `retry_after`.
 */
export async function registerChannelSender(outbox: Outbox, deps: ChannelDeps, sender: ChannelSender): Promise<void> {
  const db = deps.actions.store.db;
  const now = () => deps.actions.clock.now();

  async function fail(messageId: number, claim: Claim | null, reason: string) {
    if (claim) await db.updateTable('channel_messages').set({ state: 'failed', error: reason.slice(0, 500), updated_at: now() }).where('id', '=', claim.id).execute();
    await applyChannelStatus(deps.actions, messageId, 'failed', reason.slice(0, 500));
  }

  async function handle(e: OutboxEvent): Promise<void> {
    const { message } = e.data as { message: Message };
    if (message.senderKind !== 'agent' || message.internal || e.conversationId == null) return;
    const c = await db.selectFrom('conversations').selectAll().where('id', '=', e.conversationId).executeTakeFirst();
    // Without an inbox the conversation came by the API channel: its integration delivers the replies.
    if (!c || c.channel !== sender.channel || c.inbox_id == null) return;
    const row = await db.selectFrom('messages').select('status').where('id', '=', message.id).executeTakeFirst();
    if (!row || row.status !== 'queued') return; // sent, failed or deleted meanwhile
    let claim = (await db.selectFrom('channel_messages').selectAll().where('message_id', '=', message.id).executeTakeFirst()) ?? null;
    if (claim && (claim.state === 'sent' || claim.state === 'failed')) return;
    if (claim?.state === 'sending') {
      return fail(message.id, claim, `Switchboard stopped before ${sender.provider} confirmed this message; it may have reached the customer. Check before sending it again.`);
    }
    const inbox = await db.selectFrom('inboxes').selectAll().where('id', '=', c.inbox_id).executeTakeFirst();
    if (!inbox) return fail(message.id, claim, `The ${sender.provider} inbox of this conversation was deleted.`);
    if (!claim) {
      await db
        .insertInto('channel_messages')
        .values({ inbox_id: inbox.id, direction: 'out', provider_message_id: null, message_id: message.id, conversation_id: c.id, state: 'pending', payload: null, error: null, created_at: now(), updated_at: now() })
        .onConflict((oc) => oc.column('message_id').doNothing())
        .execute();
      claim = (await db.selectFrom('channel_messages').selectAll().where('message_id', '=', message.id).executeTakeFirstOrThrow()) ?? null;
    }
    const who = c.contact_id != null ? await db.selectFrom('contact_identities').select('external_id').where('contact_id', '=', c.contact_id).where('channel', '=', sender.channel).executeTakeFirst() : undefined;
    if (!who) return fail(message.id, claim, `The customer has no ${sender.provider} id to write to.`);
    let replyToProviderId: string | null = null;
    if (message.replyToId != null) {
      const q = await db.selectFrom('channel_messages').select('provider_message_id').where('message_id', '=', message.replyToId).executeTakeFirst();
      replyToProviderId = q?.provider_message_id ?? null;
    }
    let secrets: Record<string, string> = {};
    try {
      secrets = deps.secrets.open(inbox.secrets);
    } catch {
      secrets = {};
    }
    let files: OutgoingFile[];
    try {
      files = await filesOf(deps.dataDir, c.id, message);
    } catch {
      return fail(message.id, claim, 'Not sent: an attached file is missing on the server.');
    }
    const ctx: SendContext = {
      message,
      conversation: c,
      inbox,
      settings: JSON.parse(inbox.settings) as Record<string, unknown>,
      secrets,
      recipient: who.external_id,
      replyToProviderId,
      payload: claim!.payload ? JSON.parse(claim!.payload) : null,
      files,
      signal: deps.stopping,
      now: now(),
    };
    let parts: OutgoingPart[] | string;
    try {
      parts = sender.plan(ctx);
    } catch (err) {
      parts = `The message could not be prepared: ${(err as Error).message}`;
    }
    if (typeof parts === 'string') return fail(message.id, claim, parts);

    let firstId = claim!.provider_message_id;
    for (let i = claim!.parts_sent; i < parts.length; i++) {
      await db.updateTable('channel_messages').set({ state: 'sending', updated_at: now() }).where('id', '=', claim!.id).execute();
      try {
        const id = await sender.sendPart(ctx, parts[i]!);
        firstId ??= id;
        await db
          .updateTable('channel_messages')
          .set({ state: 'pending', parts_sent: i + 1, provider_message_id: firstId, updated_at: now() })
          .where('id', '=', claim!.id)
          .execute();
      } catch (err) {
        if (!(err instanceof ProviderError)) {
          // Ours, before the call left (a file unreadable): nothing reached the provider.
          await db.updateTable('channel_messages').set({ state: 'retry', error: String((err as Error).message).slice(0, 500), updated_at: now() }).where('id', '=', claim!.id).execute();
          throw err;
        }
        const what = `${sender.provider}: ${err.message}`;
        deps.log.warn({ inboxId: inbox.id, messageId: message.id, status: err.status, code: err.code, kind: err.kind }, 'channel send failed');
        if (err.kind === 'refused') {
          await recordInboxError(db, inbox.id, `Sending failed: ${what}`, now());
          return fail(message.id, claim, sender.reasonFor?.(err) ?? `${sender.provider} refused the message: ${err.message}`);
        }
        if (err.kind === 'unknown') {
          await recordInboxError(db, inbox.id, `Sending got no answer: ${what}`, now());
          return fail(message.id, claim, `${sender.provider} did not confirm this message (${err.message}); it may have reached the customer. Check before sending it again.`);
        }
        await db.updateTable('channel_messages').set({ state: 'retry', error: what.slice(0, 500), updated_at: now() }).where('id', '=', claim!.id).execute();
        await recordInboxError(db, inbox.id, `Sending is being retried: ${what}`, now());
        if (e.attempt >= MAX_ATTEMPTS) return fail(message.id, claim, `${sender.provider} did not take the message after ${MAX_ATTEMPTS} attempts: ${err.message}`);
        if (err.retryAfterMs !== null) throw new RetryAfter(what, err.retryAfterMs);
        throw err;
      }
    }
    await db.updateTable('channel_messages').set({ state: 'sent', error: null, updated_at: now() }).where('id', '=', claim!.id).execute();
    await clearInboxError(db, inbox.id);
    await applyChannelStatus(deps.actions, message.id, 'sent');
  }

  await outbox.register({ name: sender.consumer, types: ['message.created'], wakesFor: mayNeedSending, maxAttempts: MAX_ATTEMPTS, baseDelayMs: 2_000, handle });
}

/**
 * Read receipts at the provider (issue 13 item 5): when an agent opens a conversation (its unread
 * count goes to zero), the customer's latest message is marked read at the provider, once.
 */
export async function registerReadReceipts(outbox: Outbox, deps: ChannelDeps, senders: ChannelSender[]): Promise<void> {
  const db = deps.actions.store.db;
  const byChannel = new Map(senders.filter((s) => s.markRead).map((s) => [s.channel as string, s]));
  await outbox.register({
    name: 'channels.read',
    types: ['unread.updated'],
    maxAttempts: 5,
    baseDelayMs: 2_000,
    async handle(e) {
      const d = e.data as { conversationId: number; unreadCount: number; markedUnread: boolean };
      if (d.unreadCount !== 0 || d.markedUnread) return;
      const c = await db.selectFrom('conversations').select(['id', 'channel', 'inbox_id', 'contact_id']).where('id', '=', d.conversationId).executeTakeFirst();
      const sender = c && byChannel.get(c.channel);
      if (!c || !sender || c.inbox_id == null || c.contact_id == null) return;
      const last = await db
        .selectFrom('channel_messages')
        .select(['id', 'provider_message_id'])
        .where('conversation_id', '=', c.id)
        .where('direction', '=', 'in')
        .where('state', '=', 'received')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!last?.provider_message_id) return; // nothing new since the last receipt
      const inbox = await db.selectFrom('inboxes').selectAll().where('id', '=', c.inbox_id).executeTakeFirst();
      const who = await db.selectFrom('contact_identities').select('external_id').where('contact_id', '=', c.contact_id).where('channel', '=', c.channel).executeTakeFirst();
      if (!inbox || !who) return;
      let secrets: Record<string, string> = {};
      try {
        secrets = deps.secrets.open(inbox.secrets);
      } catch {
        return;
      }
      try {
        await sender.markRead!({ inbox, settings: JSON.parse(inbox.settings), secrets, recipient: who.external_id, providerMessageId: last.provider_message_id, signal: deps.stopping });
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'retry') throw err;
        deps.log.info({ err, conversationId: c.id }, 'read receipt not taken by the provider');
      }
      await db.updateTable('channel_messages').set({ state: 'read', updated_at: deps.actions.clock.now() }).where('conversation_id', '=', c.id).where('direction', '=', 'in').where('id', '<=', last.id).where('state', '=', 'received').execute();
    },
  });
}
