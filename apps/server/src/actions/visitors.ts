import crypto from 'node:crypto';
import type { z } from 'zod';
import { isOpenAt } from '@switchboard/core';
import {
  WidgetSettings,
  type CallbackRequest,
  type CreateVisitorSessionRequest,
  type CustomerMessageRequest,
  type Message,
  type StartChatRequest,
  type VisitorConversation,
  type VisitorMessage,
  type WidgetConfig,
} from '@switchboard/protocol';
import { AppError, notFound } from '../errors.ts';
import { classOf, limitsFor } from '../attachments/limits.ts';
import type { Db, Tx } from '../store/db.ts';
import { type ConversationRow, eventScopeOf, conversationRow, loadConversation } from '../store/conversations.ts';
import { hashToken, newToken } from '../auth/secrets.ts';
import { loadSenderNames, presentMessage, type MessageRow } from '../presenters/messages.ts';
import { runAction, type ActionContext } from './context.ts';
import { workspaceTimeZoneSaved } from './reportFacts.ts';
import { insertContact } from './contacts.ts';
import { openConversation } from './opening.ts';
import { postCustomerMessage } from './messages.ts';
import { customerLeaves, keepWaiting, requestCallback } from './routing/waiting.ts';

/** A visitor token lives this long without use; each use pushes it forward. */
export const VISITOR_TTL_MS = 90 * 24 * 3600_000;
const TOUCH_EVERY_MS = 3600_000;
const OPEN = ['queued', 'active', 'pending', 'callback'] as const;

export interface Visitor {
  contactId: number;
  verified: boolean;
}

// ---------------------------------------------------------------- settings and office hours

export async function loadWidgetSettings(db: Db | Tx): Promise<WidgetSettings> {
  const row = await db.selectFrom('widget_settings').select('settings').where('id', '=', 1).executeTakeFirst();
  return WidgetSettings.parse(row ? JSON.parse(row.settings) : {});
}

export async function saveWidgetSettings(ctx: ActionContext, patch: Partial<WidgetSettings>): Promise<WidgetSettings> {
  const now = ctx.clock.now();
  return ctx.store.transaction(async (tx) => {
    const current = await loadWidgetSettings(tx);
    const next = WidgetSettings.parse({ ...current, ...patch });
    if (next.identityVerification && !next.identitySecret) throw new AppError('identity_secret_missing', 'Set an identity secret before turning identity verification on.', 422);
    if (next.queueId != null && !(await tx.selectFrom('queues').select('id').where('id', '=', next.queueId).executeTakeFirst())) {
      throw new AppError('queue_not_found', 'No such queue for new chats to wait in.', 422);
    }
    const settings = JSON.stringify(next);
    await tx
      .insertInto('widget_settings')
      .values({ id: 1, settings, updated_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ settings, updated_at: now }))
      .execute();
    // Reports' days are the workspace's: its time zone changing moves every day (seed 003's office hours name it).
    await workspaceTimeZoneSaved(tx, next.officeHours.timezone);
    return next;
  });
}

/**
 * The queue new chats wait in: the configured one, or the first queue when none is set or the
 * configured one no longer exists (saving refuses a missing queue, but one may be removed later,
 * and customers' chats must keep working until an administrator notices).
 */
async function widgetQueueId(db: Db | Tx, s: WidgetSettings): Promise<number | null> {
  if (s.queueId != null && (await db.selectFrom('queues').select('id').where('id', '=', s.queueId).executeTakeFirst())) return s.queueId;
  return (await db.selectFrom('queues').select('id').orderBy('id').limit(1).executeTakeFirst())?.id ?? null;
}

/** Seed 003: before a chat the customer sees the office hours and whether anyone is there. */
export async function widgetConfig(db: Db, now: number): Promise<WidgetConfig> {
  const s = await loadWidgetSettings(db);
  const queueId = await widgetQueueId(db, s);
  let agentsAvailable = false;
  if (queueId != null) {
    const someone = await db
      .selectFrom('users as u')
      .innerJoin('queue_members as m', 'm.user_id', 'u.id')
      .select('u.id')
      .where('m.queue_id', '=', queueId)
      .where('m.serving', '=', 1)
      .where('u.status', '=', 'available')
      .where('u.disabled', '=', 0)
      .limit(1)
      .executeTakeFirst();
    agentsAvailable = !!someone;
  }
  const openNow = s.alwaysOpen || isOpenAt(s.officeHours, now);
  const web = await limitsFor(db, 'web');
  return {
    title: s.title,
    greeting: s.greeting,
    color: s.color,
    officeHours: s.officeHours,
    alwaysOpen: s.alwaysOpen,
    openNow,
    awayMessage: s.awayMessage,
    agentsAvailable: openNow && agentsAvailable,
    preChatForm: s.preChatForm,
    identityVerification: s.identityVerification,
    maxAttachmentBytes: Math.min(s.maxAttachmentBytes, Math.max(0, ...Object.values(web).filter((l) => l.allowed).map((l) => l.maxBytes))),
    attachmentTypes: s.attachmentTypes.filter((type) => web[classOf(type)].allowed),
  };
}

// ---------------------------------------------------------------- sessions and identity

/** The HMAC a site computes for a user id (hex SHA-256), as documented in the README. */
export function identityHash(secret: string, userId: string): string {
  return crypto.createHmac('sha256', secret).update(userId).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/**
 * A new visitor token. With a verified user (the site signed their id), the token is bound to that
 * user's contact, so their chats follow them across devices. Without one, every visitor gets their
 * own contact: an id the site did not sign never joins anyone's history. When the site turns
 * identity verification on, an unsigned or wrongly signed user is refused.
 */
export async function createVisitorSession(
  ctx: ActionContext,
  input: z.infer<typeof CreateVisitorSessionRequest>,
): Promise<{ token: string; visitor: Visitor }> {
  const now = ctx.clock.now();
  const settings = await loadWidgetSettings(ctx.store.db);
  let verifiedId: string | null = null;
  if (input.user) {
    const valid = !!input.user.hash && !!settings.identitySecret && sameHash(input.user.hash, identityHash(settings.identitySecret, input.user.id));
    if (valid) verifiedId = input.user.id;
    else if (settings.identityVerification) throw new AppError('identity_invalid', 'The user could not be verified: the site must sign the user id.', 401);
  }
  const name = input.user?.name ?? input.name;
  const email = input.user?.email ?? input.email;
  const attributes = { ...(input.attributes ?? {}), ...(input.user && !verifiedId ? { unverifiedUserId: input.user.id } : {}) };
  const token = newToken('sbv');
  const contactId = await ctx.store.transaction(async (tx) => {
    let id: number | undefined;
    if (verifiedId) {
      id = (await tx.selectFrom('contact_identities').select('contact_id').where('channel', '=', 'web').where('external_id', '=', `user:${verifiedId}`).executeTakeFirst())?.contact_id;
      if (id !== undefined && (name || email)) {
        await tx
          .updateTable('contacts')
          .set({ ...(name ? { name } : {}), ...(email ? { email } : {}), updated_at: now })
          .where('id', '=', id)
          .execute();
      }
    }
    if (id === undefined) {
      const externalId = verifiedId ? `user:${verifiedId}` : `visitor:${crypto.randomBytes(12).toString('base64url')}`;
      id = await insertContact(
        tx,
        {
          name: name || `Visitor ${crypto.randomInt(1000, 10000)}`,
          email,
          attributes,
          source: { channel: 'web', ...(input.pageUrl ? { pageUrl: input.pageUrl } : {}) },
          identities: [{ channel: 'web', externalId }],
        },
        now,
      );
    }
    await tx
      .insertInto('visitor_sessions')
      .values({ token_hash: hashToken(token), contact_id: id, verified: verifiedId ? 1 : 0, created_at: now, last_seen_at: now, expires_at: now + VISITOR_TTL_MS })
      .execute();
    return id;
  });
  return { token, visitor: { contactId, verified: !!verifiedId } };
}

/** Resolves a visitor token (constant work whether or not it exists: a hash lookup). */
export async function visitorFromToken(ctx: ActionContext, token: string | undefined): Promise<Visitor | null> {
  if (!token || token.length > 200) return null;
  return visitorFromTokenHash(ctx, hashToken(token));
}

/** The visitor behind a token's hash (a redeemed stream ticket names its session so). */
export async function visitorFromTokenHash(ctx: ActionContext, hash: string): Promise<Visitor | null> {
  const now = ctx.clock.now();
  const row = await ctx.store.db.selectFrom('visitor_sessions').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  if (!row || row.expires_at < now) return null;
  if (now - row.last_seen_at > TOUCH_EVERY_MS) {
    await ctx.store.db.updateTable('visitor_sessions').set({ last_seen_at: now, expires_at: now + VISITOR_TTL_MS }).where('token_hash', '=', hash).execute();
  }
  return { contactId: row.contact_id, verified: row.verified === 1 };
}

export async function updateVisitorContact(ctx: ActionContext, v: Visitor, patch: { name?: string; email?: string; attributes?: Record<string, string> }): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.transaction(async (tx) => {
    const row = await tx.selectFrom('contacts').select(['attributes']).where('id', '=', v.contactId).executeTakeFirstOrThrow();
    const attributes = patch.attributes ? { ...JSON.parse(row.attributes), ...patch.attributes } : undefined;
    if (attributes && Object.keys(attributes).length > 50) throw new AppError('too_many_attributes', 'At most 50 custom attributes.', 422);
    await tx
      .updateTable('contacts')
      .set({
        ...(patch.name ? { name: patch.name } : {}),
        ...(patch.email ? { email: patch.email } : {}),
        ...(attributes ? { attributes: JSON.stringify(attributes) } : {}),
        updated_at: now,
      })
      .where('id', '=', v.contactId)
      .execute();
  });
}

// ---------------------------------------------------------------- what the visitor sees

const firstName = (name: string) => name.split(' ')[0] || name;

/**
 * A message as the customer sees it. Internal notes never get here (callers filter them out and the
 * stream's audience rule drops them); agents go by first name; system lines are rewritten for the
 * customer, so notes written with a status change (resolve, complete) stay with the agents.
 */
export type VisitorQuote = NonNullable<VisitorMessage['quote']>;

/** The messages quoted by these replies, as the customer may see them: never an internal note. */
export async function visitorQuotes(db: Db | Tx, replyToIds: Array<number | null>): Promise<Map<number, VisitorQuote>> {
  const ids = [...new Set(replyToIds.filter((x): x is number => x != null))];
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('messages').select(['id', 'body', 'sender_kind']).where('id', 'in', ids).where('internal', '=', 0).where('sender_kind', 'in', ['customer', 'agent', 'bot']).execute();
  return new Map(rows.map((r) => [r.id, { id: r.id, from: r.sender_kind === 'customer' ? 'customer' : 'agent', body: r.body.slice(0, 200) }]));
}

export function toVisitorMessage(m: Message, agentFirstName: (id: number) => string | null, quotes: Map<number, VisitorQuote> = new Map()): VisitorMessage | null {
  if (m.internal) return null;
  let body = m.body;
  const from: VisitorMessage['from'] = m.senderKind === 'customer' ? 'customer' : m.senderKind === 'system' ? 'system' : 'agent';
  if (m.senderKind === 'system') {
    const e = m.systemEvent;
    const who = e?.toUserId != null ? agentFirstName(e.toUserId) : null;
    switch (e?.kind) {
      case 'assigned':
      case 'reassigned':
      case 'transferred':
        if (!who) return null;
        body = `${who} joined the chat`;
        break;
      case 'resolved':
        body = 'The chat has ended';
        break;
      case 'closed':
        body = 'The chat was closed';
        break;
      case 'reopened':
        body = 'The chat was reopened';
        break;
      case 'status':
        if (e.status === 'abandoned') body = 'You left the chat';
        else if (e.status === 'callback') body = 'You asked to be called back';
        else if (e.status === 'wrap_up') body = 'The chat has ended';
        else return null;
        break;
      default:
        return null;
    }
  }
  return {
    id: m.id,
    conversationId: m.conversationId,
    from,
    name: from === 'agent' && m.sender ? firstName(m.sender.name) : null,
    body,
    attachments: m.attachments,
    status: m.status,
    clientId: m.clientId,
    quote: m.replyToId != null ? (quotes.get(m.replyToId) ?? null) : null,
    createdAt: m.createdAt,
  };
}

async function userFirstNames(db: Db | Tx, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, firstName(r.name)]));
}

export async function presentVisitorMessages(db: Db | Tx, rows: MessageRow[]): Promise<VisitorMessage[]> {
  const names = await loadSenderNames(db, rows);
  const mentioned = rows
    .map((r) => (r.system_event ? (JSON.parse(r.system_event) as { toUserId?: number | null }).toUserId : null))
    .filter((x): x is number => x != null);
  const [agents, quotes] = await Promise.all([userFirstNames(db, mentioned), visitorQuotes(db, rows.map((r) => r.reply_to_id))]);
  return rows
    .map((r) => toVisitorMessage(presentMessage(r, names), (id) => agents.get(id) ?? null, quotes))
    .filter((m): m is VisitorMessage => m !== null);
}

export async function presentVisitorConversation(db: Db | Tx, c: ConversationRow): Promise<VisitorConversation> {
  const [req, agent] = await Promise.all([
    db.selectFrom('chat_requests').selectAll().where('conversation_id', '=', c.id).executeTakeFirst(),
    c.assignee_id != null ? db.selectFrom('users').select('name').where('id', '=', c.assignee_id).executeTakeFirst() : undefined,
  ]);
  return {
    id: c.id,
    status: c.status as VisitorConversation['status'],
    waiting: c.status === 'queued' && c.assignee_id == null,
    agentName: agent ? firstName(agent.name) : null,
    subject: c.subject,
    ticketId: req?.ticket_id ?? null,
    previousConversationId: c.previous_conversation_id,
    callback: req?.callback_phone ? { phone: req.callback_phone, preferredTime: req.callback_time ?? '' } : null,
    createdAt: c.created_at,
    lastActivityAt: c.last_activity_at,
  };
}

/** The visitor's own conversation, or 404 (another visitor's conversation does not exist for them). */
export async function ownConversation(db: Db | Tx, v: Visitor, conversationId: number): Promise<ConversationRow> {
  const c = await conversationRow(db, conversationId);
  if (!c || c.contact_id !== v.contactId) throw notFound();
  return c;
}

export async function latestConversation(db: Db | Tx, v: Visitor): Promise<ConversationRow | undefined> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('contact_id', '=', v.contactId)
    .where('channel', 'in', ['web', 'portal'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function visitorMessages(db: Db, v: Visitor, conversationId: number, opts: { before?: number; after?: number; limit: number }) {
  await ownConversation(db, v, conversationId);
  let q = db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('internal', '=', 0);
  if (opts.before) q = q.where('id', '<', opts.before);
  if (opts.after) q = q.where('id', '>', opts.after);
  const rows = await q.orderBy('id', opts.after ? 'asc' : 'desc').limit(opts.limit + 1).execute();
  const hasMore = rows.length > opts.limit;
  const page = rows.slice(0, opts.limit);
  if (!opts.after) page.reverse();
  return { items: await presentVisitorMessages(db, page), hasMore };
}

// ---------------------------------------------------------------- chat requests (seed 003)

/**
 * The customer asks for a chat, from the widget, the portal's new-request page, or one of their
 * tickets. A visitor has one open chat at a time: asking again returns it.
 */
export async function startChat(ctx: ActionContext, v: Visitor, input: z.infer<typeof StartChatRequest>): Promise<number> {
  const now = ctx.clock.now();
  if (input.name || input.email) await updateVisitorContact(ctx, v, { name: input.name, email: input.email });
  const settings = await loadWidgetSettings(ctx.store.db);
  const id = await runAction(ctx, async (tx, emit) => {
    const open = await tx
      .selectFrom('conversations')
      .select('id')
      .where('contact_id', '=', v.contactId)
      .where('channel', 'in', ['web', 'portal'])
      .where('status', 'in', [...OPEN])
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (open) return open.id;
    // A new chat follows the visitor's latest ended one (as a customer message to a resolved
    // conversation does on every other path), so the agent has its history one click away.
    const latest = await latestConversation(tx, v);
    let ticket: { id: number; subject: string; queue_id: number | null; source_conversation_id: number | null; assignee_id: number | null } | undefined;
    if (input.ticketId !== undefined) {
      ticket = await tx
        .selectFrom('tickets')
        .select(['id', 'subject', 'queue_id', 'source_conversation_id', 'assignee_id'])
        .where('id', '=', input.ticketId)
        .where('contact_id', '=', v.contactId)
        .executeTakeFirst();
      if (!ticket) throw notFound('ticket');
    }
    const queueId = ticket?.queue_id ?? (await widgetQueueId(tx, settings));
    // Routing offers a chat raised from an earlier conversation to that conversation's agent first.
    const c = await openConversation(tx, emit, {
      preferredAgentId: ticket?.assignee_id ?? null,
      contactId: v.contactId,
      channel: input.origin === 'portal' || ticket ? 'portal' : 'web',
      queueId,
      subject: ticket ? `Ticket #${ticket.id}: ${ticket.subject}` : (input.subject ?? null),
      previousConversationId: ticket?.source_conversation_id ?? latest?.id ?? null,
      now,
    });
    await tx
      .insertInto('chat_requests')
      .values({
        conversation_id: c.id,
        origin: ticket ? 'ticket' : input.origin,
        ticket_id: ticket?.id ?? null,
        callback_phone: null,
        callback_time: null,
        callback_requested_at: null,
        completed_by: null,
        completed_at: null,
        ended_with: null,
        created_at: now,
      })
      .execute();
    return c.id;
  });
  if (input.message?.trim()) await postCustomerMessage(ctx, v.contactId, id, { body: input.message, attachments: [] });
  return id;
}

export async function visitorPostMessage(ctx: ActionContext, v: Visitor, conversationId: number, input: z.infer<typeof CustomerMessageRequest>) {
  await ownConversation(ctx.store.db, v, conversationId);
  return postCustomerMessage(ctx, v.contactId, conversationId, input);
}

/** Seed 003: the customer stops waiting; the request is abandoned. */
export async function visitorLeaves(ctx: ActionContext, v: Visitor, conversationId: number): Promise<void> {
  await ownConversation(ctx.store.db, v, conversationId);
  await customerLeaves(ctx, v.contactId, conversationId);
}

export async function visitorKeepsWaiting(ctx: ActionContext, v: Visitor, conversationId: number): Promise<void> {
  await ownConversation(ctx.store.db, v, conversationId);
  await keepWaiting(ctx, v.contactId, conversationId);
}

/** Seed 003: the customer leaves a phone number and a preferred time; the request goes to Callback. */
export async function visitorRequestsCallback(ctx: ActionContext, v: Visitor, conversationId: number, input: z.infer<typeof CallbackRequest>): Promise<void> {
  const now = ctx.clock.now();
  await ownConversation(ctx.store.db, v, conversationId);
  await ctx.store.transaction(async (tx) => {
    // Recorded first so agents never see a callback request without its number.
    await tx
      .insertInto('chat_requests')
      .values({ conversation_id: conversationId, origin: 'widget', ticket_id: null, callback_phone: input.phone, callback_time: input.preferredTime, callback_requested_at: now, completed_by: null, completed_at: null, ended_with: null, created_at: now })
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet({ callback_phone: input.phone, callback_time: input.preferredTime, callback_requested_at: now }))
      .execute();
    await tx.updateTable('contacts').set({ phone: input.phone, updated_at: now }).where('id', '=', v.contactId).where('phone', 'is', null).execute();
  });
  await requestCallback(ctx, v.contactId, conversationId);
}

/** Read receipts: the customer has seen the agents' messages up to this one. */
export async function visitorRead(ctx: ActionContext, v: Visitor, conversationId: number, upTo: number): Promise<number> {
  const now = ctx.clock.now();
  await ownConversation(ctx.store.db, v, conversationId);
  return runAction(ctx, async (tx, emit) => {
    const rows = await tx
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('id', '<=', upTo)
      .where('sender_kind', 'in', ['agent', 'bot'])
      .where('internal', '=', 0)
      .where('status', 'in', ['sent', 'delivered'])
      .orderBy('id', 'desc')
      .limit(100)
      .execute();
    if (!rows.length) return 0;
    await tx.updateTable('messages').set({ status: 'read' }).where('id', 'in', rows.map((r) => r.id)).execute();
    const c = await loadConversation(tx, conversationId);
    const names = await loadSenderNames(tx, rows);
    for (const r of rows.reverse()) {
      emit({
        type: 'message.updated',
        conversationId: c.id,
        scope: eventScopeOf(c),
        data: { message: presentMessage({ ...r, status: 'read' }, names) },
        at: now,
      });
    }
    return rows.length;
  });
}
