import { storeChatLog } from '../store/files.ts';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { z } from 'zod';
import { canManageConversation, canSeeConversation, refuseCustomerFacing, transition, type ConversationStatus, type Viewer } from '@switchboard/core';
import type { ChatRequestInfo, ChatSession, ChatSessionQuery, EndSessionRequest, SessionNote } from '@switchboard/protocol';
import { AppError, forbidden, fromRefusal, notFound } from '../errors.ts';
import type { Db, Tx } from '../store/db.ts';
import { visibleTo, type ConversationWithAccess, scopeOf, patchConversation, participantsOf } from '../store/conversations.ts';
import { presentVisitorMessages } from './visitors.ts';
import { lockVisibleConversation, runAction, visibleConversation, type ActionContext } from './context.ts';
import { emitConversationUpdated, systemLine } from './conversationRows.ts';
import { afterConversationChange } from '../routing/engine.ts';

type Actor = Viewer & { name: string };

function mayManage(viewer: Viewer, c: ConversationWithAccess) {
  if (!canManageConversation(viewer, scopeOf(c))) throw forbidden('Only the agent in charge, a supervisor of the queue or an admin can do that.');
}

async function upsertRequest(tx: Tx, conversationId: number, patch: { completed_by?: number; completed_at?: number; ended_with?: 'ticket' | 'plain' | 'completed'; ticket_id?: number }, now: number) {
  const existing = await tx.selectFrom('chat_requests').select('conversation_id').where('conversation_id', '=', conversationId).executeTakeFirst();
  if (existing) {
    await tx.updateTable('chat_requests').set(patch).where('conversation_id', '=', conversationId).execute();
  } else {
    await tx
      .insertInto('chat_requests')
      .values({ conversation_id: conversationId, origin: 'widget', ticket_id: null, callback_phone: null, callback_time: null, callback_requested_at: null, completed_by: null, completed_at: null, ended_with: null, created_at: now, ...patch })
      .execute();
  }
}

async function addNote(tx: Tx, conversationId: number, authorId: number, body: string, now: number) {
  await tx.insertInto('session_notes').values({ conversation_id: conversationId, author_id: authorId, body, created_at: now, updated_at: now }).execute();
}

/**
 * The chat as the customer saw it in the widget, as a text file for the ticket (customers open
 * tickets' files): the widget's own view of each message (`presentVisitorMessages`), so agents by
 * first name, no internal notes, no routing or system lines the widget hides (issue 9, finding 10).
 */
export async function chatLog(tx: Tx | Db, conversationId: number): Promise<string> {
  const rows = await tx.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('internal', '=', 0).orderBy('id').execute();
  const customer = await tx.selectFrom('conversations as c').innerJoin('contacts as k', 'k.id', 'c.contact_id').select('k.name').where('c.id', '=', conversationId).executeTakeFirst();
  const lines = (await presentVisitorMessages(tx, rows)).map((m) => {
    const who = m.from === 'system' ? '—' : m.from === 'customer' ? `${customer?.name ?? 'Customer'}:` : `${m.name ?? 'Agent'}:`;
    const files = m.attachments.map((a) => ` [${a.name}]`).join('');
    return `[${new Date(m.createdAt).toISOString().replace('T', ' ').slice(0, 16)} UTC] ${who} ${m.body}${files}`;
  });
  return `Chat #${conversationId}\n\n${lines.join('\n')}\n`;
}

/** Attaches the chat log to a ticket once (a unique index makes a second attach a no-op). */
export async function attachChatLog(tx: Tx, ticketId: number, conversationId: number, now: number): Promise<void> {
  const text = await chatLog(tx, conversationId);
  const data = Buffer.from(text, 'utf8');
  await storeChatLog(tx, { ticketId, conversationId, name: `chat-${conversationId}.txt`, data, now });
  await tx.updateTable('tickets').set({ updated_at: now }).where('id', '=', ticketId).execute();
}

/**
 * Seed 003: techs "complete" abandoned and callback requests with a note describing what they did.
 * Completing without a note is allowed, but the answer carries a warning.
 */
export async function completeChatRequest(ctx: ActionContext, viewer: Actor, conversationId: number, note?: string): Promise<{ warning: string | null }> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await lockVisibleConversation(ctx, tx, viewer, conversationId);
    mayManage(viewer, c);
    const t = transition({ status: c.status as ConversationStatus, assigneeId: c.assignee_id }, { kind: 'complete' });
    if (!t.ok) throw fromRefusal(t);
    const patch = { status: t.state.status, updated_at: now, last_activity_at: now, resolved_at: now, resolution_note: note ?? null };
    await patchConversation(tx, c.id, patch);
    const next: ConversationWithAccess = { ...c, ...patch };
    await upsertRequest(tx, c.id, { completed_by: viewer.id, completed_at: now, ended_with: 'completed' }, now);
    if (note) await addNote(tx, c.id, viewer.id, note, now);
    const from = c.status === 'callback' ? 'callback' : 'abandoned';
    await systemLine(tx, emit, next, { kind: 'resolved', byUserId: viewer.id, status: 'resolved', ...(note ? { note } : {}) }, `Completed (${from}) by ${viewer.name}${note ? `: ${note}` : ''}`, viewer.id, now);
    await emitConversationUpdated(tx, emit, next, viewer.id, now);
    await afterConversationChange(tx, emit, c, next, now);
    const req = await tx.selectFrom('chat_requests').select('ticket_id').where('conversation_id', '=', c.id).executeTakeFirst();
    if (req?.ticket_id) await attachChatLog(tx, req.ticket_id, c.id, now);
  });
  return { warning: note ? null : 'completed_without_note' };
}

/**
 * Seed 003: the tech ends a joined chat "by creating a new ticket, or just ending the chat". A chat
 * that came from a ticket gets its log attached to that ticket; a new ticket gets the log as a file.
 */
export async function endChatSession(ctx: ActionContext, viewer: Actor, conversationId: number, input: z.infer<typeof EndSessionRequest>): Promise<{ ticketId: number | null }> {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const c = await lockVisibleConversation(ctx, tx, viewer, conversationId);
    mayManage(viewer, c);
    let next = c;
    if (c.status !== 'resolved') {
      const t = transition({ status: c.status as ConversationStatus, assigneeId: c.assignee_id }, { kind: 'resolve' });
      if (!t.ok) throw fromRefusal(t);
      const patch = { status: t.state.status, updated_at: now, last_activity_at: now, resolved_at: now, resolution_note: input.note ?? null };
      await patchConversation(tx, c.id, patch);
      next = { ...c, ...patch };
      await systemLine(tx, emit, next, { kind: 'resolved', byUserId: viewer.id, status: 'resolved', ...(input.note ? { note: input.note } : {}) }, `Chat ended by ${viewer.name}${input.outcome === 'ticket' ? ' with a new ticket' : ''}`, viewer.id, now);
      await emitConversationUpdated(tx, emit, next, viewer.id, now);
      await afterConversationChange(tx, emit, c, next, now);
    }
    if (input.note) await addNote(tx, c.id, viewer.id, input.note, now);
    const req = await tx.selectFrom('chat_requests').select(['ticket_id']).where('conversation_id', '=', c.id).executeTakeFirst();
    let ticketId: number | null = null;
    if (input.outcome === 'ticket') {
      const ticket = await tx
        .insertInto('tickets')
        .values({
          contact_id: c.contact_id,
          subject: input.subject ?? c.subject ?? `Chat #${c.id}`,
          assignee_id: c.assignee_id ?? viewer.id,
          queue_id: c.queue_id,
          status: 'open',
          source_conversation_id: c.id,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ticketId = ticket.id;
      await attachChatLog(tx, ticket.id, c.id, now);
    }
    // A chat ended with a new ticket names it, so the session search links the ticket (a chat from a ticket keeps its own).
    await upsertRequest(tx, c.id, { ended_with: input.outcome, completed_by: viewer.id, completed_at: now, ...(ticketId !== null && !req?.ticket_id ? { ticket_id: ticketId } : {}) }, now);
    if (req?.ticket_id) {
      await attachChatLog(tx, req.ticket_id, c.id, now);
      ticketId ??= req.ticket_id;
    }
    return { ticketId };
  });
}

// ---------------------------------------------------------------- session notes (seed 003)

async function presentNotes(db: Db | Tx, conversationIds: number[]): Promise<Map<number, SessionNote[]>> {
  const out = new Map<number, SessionNote[]>();
  if (!conversationIds.length) return out;
  const rows = await db
    .selectFrom('session_notes as n')
    .leftJoin('users as u', 'u.id', 'n.author_id')
    .select(['n.id', 'n.conversation_id', 'n.body', 'n.author_id', 'u.name as author_name', 'n.created_at', 'n.updated_at'])
    .where('n.conversation_id', 'in', conversationIds)
    .orderBy('n.id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.conversation_id) ?? [];
    list.push({ id: r.id, conversationId: r.conversation_id, body: r.body, author: r.author_id != null ? { id: r.author_id, name: r.author_name ?? 'Former user' } : null, createdAt: r.created_at, updatedAt: r.updated_at });
    out.set(r.conversation_id, list);
  }
  return out;
}

export async function chatRequestInfo(ctx: ActionContext, viewer: Viewer, conversationId: number): Promise<z.infer<typeof ChatRequestInfo>> {
  await visibleConversation(ctx, viewer, conversationId);
  const db = ctx.store.db;
  const [r, notes] = await Promise.all([
    db.selectFrom('chat_requests as r').leftJoin('users as u', 'u.id', 'r.completed_by').selectAll('r').select('u.name as completed_by_name').where('r.conversation_id', '=', conversationId).executeTakeFirst(),
    presentNotes(db, [conversationId]),
  ]);
  return {
    conversationId,
    origin: r?.origin ?? 'widget',
    ticketId: r?.ticket_id ?? null,
    callback: r?.callback_phone ? { phone: r.callback_phone, preferredTime: r.callback_time ?? '', requestedAt: r.callback_requested_at ?? r.created_at } : null,
    completedBy: r?.completed_by != null ? { id: r.completed_by, name: r.completed_by_name ?? 'Former user' } : null,
    completedAt: r?.completed_at ?? null,
    endedWith: r?.ended_with ?? null,
    notes: notes.get(conversationId) ?? [],
  };
}

export async function addSessionNote(ctx: ActionContext, viewer: Actor, conversationId: number, body: string): Promise<SessionNote> {
  const now = ctx.clock.now();
  return ctx.store.transaction(async (tx) => {
    const c = await lockVisibleConversation(ctx, tx, viewer, conversationId);
    const row = await tx.insertInto('session_notes').values({ conversation_id: c.id, author_id: viewer.id, body, created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
    return { id: row.id, conversationId: c.id, body, author: { id: viewer.id, name: viewer.name }, createdAt: now, updatedAt: now };
  });
}

/** Notes are edited by their author, or by whoever manages the conversation. */
export async function editSessionNote(ctx: ActionContext, viewer: Actor, noteId: number, body: string): Promise<SessionNote> {
  const now = ctx.clock.now();
  return ctx.store.transaction(async (tx) => {
    const found = await tx.selectFrom('session_notes').select('conversation_id').where('id', '=', noteId).executeTakeFirst();
    if (!found) throw notFound('note');
    // A note of a conversation you cannot see does not exist for you.
    const c = await lockVisibleConversation(ctx, tx, viewer, found.conversation_id).catch(() => {
      throw notFound('note');
    });
    const note = (await tx.selectFrom('session_notes').selectAll().where('id', '=', noteId).executeTakeFirst())!;
    if (note.author_id !== viewer.id && !canManageConversation(viewer, scopeOf(c))) throw forbidden('Only the author or the agent in charge can edit this note.');
    await tx.updateTable('session_notes').set({ body, updated_at: now }).where('id', '=', noteId).execute();
    return (await presentNotes(tx, [c.id])).get(c.id)!.find((n) => n.id === noteId)!;
  });
}

function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** Seed 003: "completed chat sessions can be searched … to add or edit notes". */
export async function searchChatSessions(ctx: ActionContext, viewer: Viewer, q: z.infer<typeof ChatSessionQuery>): Promise<ChatSession[]> {
  const db = ctx.store.db;
  let query = db
    .selectFrom('conversations as c')
    .leftJoin('chat_requests as r', 'r.conversation_id', 'c.id')
    .leftJoin('contacts as k', 'k.id', 'c.contact_id')
    .leftJoin('users as u', 'u.id', 'c.assignee_id')
    .leftJoin('users as cu', 'cu.id', 'r.completed_by')
    .select([
      'c.id', 'c.status', 'c.channel', 'c.contact_id', 'c.assignee_id', 'c.created_at', 'c.resolved_at', 'c.updated_at',
      'k.name as contact_name', 'k.email as contact_email', 'u.name as assignee_name',
      'r.origin', 'r.ticket_id', 'r.completed_by', 'cu.name as completed_by_name', 'r.completed_at',
    ])
    .where((eb) => visibleTo(eb as never, viewer))
    .where((eb) => eb.or([eb('c.channel', 'in', ['web', 'portal']), eb('r.conversation_id', 'is not', null)]));
  if (q.status === 'completed') query = query.where('c.status', '=', 'resolved');
  else if (q.status !== 'any') query = query.where('c.status', '=', q.status);
  const ended = sql<number>`coalesce(r.completed_at, c.resolved_at, c.updated_at)`;
  if (q.from !== undefined) query = query.where(ended, '>=', q.from);
  if (q.to !== undefined) query = query.where(ended, '<=', q.to);
  if (q.agentId !== undefined) query = query.where((eb) => eb.or([eb('c.assignee_id', '=', q.agentId!), eb('r.completed_by', '=', q.agentId!)]));
  if (q.customer) {
    const p = likePattern(q.customer);
    query = query.where((eb) => eb.or([eb(sql`lower(k.name)`, 'like', sql`${p} escape '\\'`), eb(sql`lower(k.email)`, 'like', sql`${p} escape '\\'`)]));
  }
  if (q.q) {
    const p = likePattern(q.q);
    query = query.where((eb) => {
      const ors: Expression<SqlBool>[] = [
        eb(sql`lower(k.name)`, 'like', sql`${p} escape '\\'`),
        eb(sql`lower(k.email)`, 'like', sql`${p} escape '\\'`),
        eb.exists(eb.selectFrom('messages as m').select('m.id').whereRef('m.conversation_id', '=', 'c.id').where(sql`lower(m.body)`, 'like', sql`${p} escape '\\'`)),
        eb.exists(eb.selectFrom('session_notes as n').select('n.id').whereRef('n.conversation_id', '=', 'c.id').where(sql`lower(n.body)`, 'like', sql`${p} escape '\\'`)),
      ];
      return eb.or(ors);
    });
  }
  const rows = await query.orderBy(ended, 'desc').orderBy('c.id', 'desc').limit(q.limit).execute();
  const notes = await presentNotes(db, rows.map((r) => r.id));
  return rows.map((r) => ({
    conversationId: r.id,
    status: r.status as ChatSession['status'],
    channel: r.channel,
    customer: r.contact_id != null ? { id: r.contact_id, name: r.contact_name ?? '', email: r.contact_email ?? null } : null,
    agent: r.completed_by != null ? { id: r.completed_by, name: r.completed_by_name ?? '' } : r.assignee_id != null ? { id: r.assignee_id, name: r.assignee_name ?? '' } : null,
    origin: r.origin ?? null,
    ticketId: r.ticket_id ?? null,
    startedAt: r.created_at,
    endedAt: r.completed_at ?? r.resolved_at ?? null,
    notes: notes.get(r.id) ?? [],
  }));
}

/**
 * Typing indicators: ephemeral signals both sides may see (never for internal notes; the composer
 * says nothing while a note is written). Authorized like a durable event, but never stored: ten
 * keystroke bursts write no rows and use none of the replay window.
 */
export async function agentTyping(ctx: ActionContext, viewer: Actor, conversationId: number, typing: boolean): Promise<void> {
  const c = await visibleConversation(ctx, viewer, conversationId);
  if (!canSeeConversation(viewer, scopeOf(c))) throw notFound();
  const consultant = refuseCustomerFacing(viewer, scopeOf(c)); // seed 000: she is not in the chat
  if (consultant) throw fromRefusal(consultant);
  ctx.signal({
    type: 'typing.updated',
    scope: { ...scopeOf(c), contactId: c.contact_id },
    data: { conversationId: c.id, who: 'agent', userId: viewer.id, name: viewer.name.split(' ')[0], typing },
    at: ctx.clock.now(),
  });
}

export async function visitorTyping(ctx: ActionContext, contactId: number, conversationId: number, typing: boolean): Promise<void> {
  const db = ctx.store.db;
  const c = await db.selectFrom('conversations').select(['id', 'contact_id', 'queue_id', 'assignee_id']).where('id', '=', conversationId).executeTakeFirst();
  if (!c || c.contact_id !== contactId) throw notFound();
  const participantIds = (await participantsOf(db, [c.id])).get(c.id) ?? [];
  ctx.signal({
    type: 'typing.updated',
    scope: { queueId: c.queue_id, assigneeId: c.assignee_id, participantIds, contactId },
    data: { conversationId: c.id, who: 'customer', typing },
    at: ctx.clock.now(),
  });
}

export { AppError };
