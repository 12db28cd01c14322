import type { z } from 'zod';
import type { Viewer } from '@switchboard/core';
import type { CreateTicketRequest, Ticket, UpdateTicketRequest } from '@switchboard/protocol';
import { AppError, notFound } from '../errors.ts';
import type { Db, Tx } from '../store/db.ts';
import type { ActionContext } from './context.ts';
import type { TicketsTable } from '../store/schema.ts';
import { filesOfTickets } from '../store/files.ts';
import type { Selectable } from 'kysely';

type Actor = Viewer & { name: string };
type TicketRow = Selectable<TicketsTable>;

/**
 * Who may see a ticket: admins; supervisors of its queue; its assignee; members of its queue.
 * A ticket nobody may see answers 404.
 */
export function canSeeTicket(viewer: Viewer, t: TicketRow): boolean {
  if (viewer.role === 'admin' || t.assignee_id === viewer.id) return true;
  return t.queue_id != null && viewer.queueIds.has(t.queue_id);
}

export async function presentTickets(db: Db | Tx, rows: TicketRow[], opts: { forCustomer: boolean; fileUrl: (key: string) => string }): Promise<Ticket[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const contactIds = [...new Set(rows.map((r) => r.contact_id).filter((x): x is number => x != null))];
  const userIds = [...new Set(rows.map((r) => r.assignee_id).filter((x): x is number => x != null))];
  let notesQ = db
    .selectFrom('ticket_notes as n')
    .leftJoin('users as u', 'u.id', 'n.author_user_id')
    .leftJoin('contacts as k', 'k.id', 'n.author_contact_id')
    .select(['n.id', 'n.ticket_id', 'n.body', 'n.internal', 'n.author_user_id', 'n.author_contact_id', 'u.name as user_name', 'k.name as contact_name', 'n.created_at'])
    .where('n.ticket_id', 'in', ids);
  if (opts.forCustomer) notesQ = notesQ.where('n.internal', '=', 0);
  const [contacts, users, notes, files] = await Promise.all([
    contactIds.length ? db.selectFrom('contacts').select(['id', 'name', 'email']).where('id', 'in', contactIds).execute() : [],
    userIds.length ? db.selectFrom('users').select(['id', 'name']).where('id', 'in', userIds).execute() : [],
    notesQ.orderBy('n.id').execute(),
    filesOfTickets(db, ids),
  ]);
  const first = (n: string) => (opts.forCustomer ? n.split(' ')[0] || n : n);
  return rows.map((t) => {
    const k = contacts.find((c) => c.id === t.contact_id);
    const u = users.find((x) => x.id === t.assignee_id);
    return {
      id: t.id,
      subject: t.subject,
      status: t.status,
      contact: k ? { id: k.id, name: k.name, email: k.email } : null,
      assignee: u ? { id: u.id, name: first(u.name) } : null,
      queueId: opts.forCustomer ? null : t.queue_id,
      sourceConversationId: t.source_conversation_id,
      notes: notes
        .filter((n) => n.ticket_id === t.id)
        .map((n) => ({
          id: n.id,
          body: n.body,
          internal: n.internal === 1,
          author: n.author_user_id != null ? { kind: 'agent' as const, name: first(n.user_name ?? 'Agent') } : n.author_contact_id != null ? { kind: 'customer' as const, name: n.contact_name ?? 'Customer' } : null,
          createdAt: n.created_at,
        })),
      attachments: files
        .filter((f) => f.ticket_id === t.id)
        .map((f) => ({ id: f.id, name: f.name, contentType: f.content_type, size: f.size, url: opts.fileUrl(f.key), conversationId: f.conversation_id, createdAt: f.created_at })),
      createdAt: t.created_at,
      updatedAt: t.updated_at,
    };
  });
}

export async function visibleTicket(db: Db | Tx, viewer: Viewer, id: number): Promise<TicketRow> {
  const t = await db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
  if (!t || !canSeeTicket(viewer, t)) throw notFound('ticket');
  return t;
}

export async function listTickets(db: Db, viewer: Viewer, q: { contactId?: number; assigneeId?: number; status?: string }): Promise<TicketRow[]> {
  let query = db.selectFrom('tickets').selectAll();
  if (viewer.role !== 'admin') {
    const queues = [...viewer.queueIds];
    query = query.where((eb) => eb.or([eb('assignee_id', '=', viewer.id), ...(queues.length ? [eb('queue_id', 'in', queues)] : [])]));
  }
  if (q.contactId) query = query.where('contact_id', '=', q.contactId);
  if (q.assigneeId) query = query.where('assignee_id', '=', q.assigneeId);
  if (q.status) query = query.where('status', '=', q.status as TicketRow['status']);
  return query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(200).execute();
}

/** A ticket is assigned only to a user who exists and is active (422 `assignee_not_found`). */
async function activeAssignee(tx: Tx, userId: number): Promise<void> {
  const u = await tx.selectFrom('users').select(['id', 'disabled']).where('id', '=', userId).executeTakeFirst();
  if (!u || u.disabled) throw new AppError('assignee_not_found', 'No such user to assign to.', 422);
}

export async function createTicket(ctx: ActionContext, viewer: Actor, input: z.infer<typeof CreateTicketRequest>): Promise<number> {
  const now = ctx.clock.now();
  return ctx.store.transaction(async (tx) => {
    const contact = await tx.selectFrom('contacts').select('id').where('id', '=', input.contactId).executeTakeFirst();
    if (!contact) throw new AppError('contact_not_found', 'No such contact.', 422);
    const queueId = input.queueId ?? (viewer.queueIds.size ? [...viewer.queueIds][0]! : null);
    if (queueId != null && viewer.role !== 'admin' && !viewer.queueIds.has(queueId)) throw new AppError('queue_not_found', 'No such queue among yours.', 422);
    if (queueId != null && !(await tx.selectFrom('queues').select('id').where('id', '=', queueId).executeTakeFirst())) throw new AppError('queue_not_found', 'No such queue.', 422);
    if (input.assigneeId != null) await activeAssignee(tx, input.assigneeId);
    const row = await tx
      .insertInto('tickets')
      .values({ contact_id: input.contactId, subject: input.subject, assignee_id: input.assigneeId === undefined ? viewer.id : input.assigneeId, queue_id: queueId, status: 'open', source_conversation_id: null, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (input.note) await tx.insertInto('ticket_notes').values({ ticket_id: row.id, author_user_id: viewer.id, author_contact_id: null, body: input.note, internal: 0, created_at: now }).execute();
    return row.id;
  });
}

export async function updateTicket(ctx: ActionContext, viewer: Actor, id: number, input: z.infer<typeof UpdateTicketRequest>): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.transaction(async (tx) => {
    await visibleTicket(tx, viewer, id);
    if (input.assigneeId != null) await activeAssignee(tx, input.assigneeId);
    await tx
      .updateTable('tickets')
      .set({
        ...(input.subject !== undefined ? { subject: input.subject } : {}),
        ...(input.assigneeId !== undefined ? { assignee_id: input.assigneeId } : {}),
        ...(input.status !== undefined ? { status: input.status } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  });
}

export async function addTicketNote(ctx: ActionContext, author: { userId?: number; contactId?: number }, ticketId: number, body: string, internal: boolean): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.transaction(async (tx) => {
    await tx.insertInto('ticket_notes').values({ ticket_id: ticketId, author_user_id: author.userId ?? null, author_contact_id: author.contactId ?? null, body, internal: internal ? 1 : 0, created_at: now }).execute();
    await tx.updateTable('tickets').set({ updated_at: now }).where('id', '=', ticketId).execute();
  });
}

/** The customer's own tickets (portal). */
export async function visitorTickets(db: Db, contactId: number, id?: number): Promise<TicketRow[]> {
  let q = db.selectFrom('tickets').selectAll().where('contact_id', '=', contactId);
  if (id !== undefined) q = q.where('id', '=', id);
  const rows = await q.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(200).execute();
  if (id !== undefined && !rows.length) throw notFound('ticket');
  return rows;
}
