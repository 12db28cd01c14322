import { canSeeConversation, mayBeAskedAbout, mayReadRequest, recipientTypeOf, type RecipientType, type RequestNow, type Viewer } from '@switchboard/core';
import type { AgentPresence, EngagementTrackingRecord, RecordListQuery } from '@switchboard/protocol';

import { AppError, notFound } from '../../errors.ts';
import type { Db } from '../../store/db.ts';
import { decodeCursor, encodeCursor, getConversation, scopeOf } from '../../store/conversations.ts';
import { agentPresences } from '../../routing/engine.ts';
import { presentRecords } from './record.ts';

/** The records of one conversation, for its Tracking section: whoever may see the conversation. */
export async function recordsOfConversation(db: Db, viewer: Viewer, conversationId: number): Promise<EngagementTrackingRecord[]> {
  const c = await getConversation(db, conversationId);
  if (!c || !canSeeConversation(viewer, scopeOf(c))) throw notFound();
  const rows = await db.selectFrom('engagement_requests').selectAll().where('conversation_id', '=', conversationId).orderBy('id').limit(500).execute();
  return presentRecords(db, rows);
}

export async function oneRecord(db: Db, viewer: Viewer, id: number): Promise<EngagementTrackingRecord> {
  const r = await db.selectFrom('engagement_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || !mayReadRequest(viewer, { queueId: r.queue_id, initiatorId: r.initiator_id, recipientId: r.recipient_id })) throw notFound('request');
  return (await presentRecords(db, [r]))[0]!;
}

/**
 * What the notification centre and the discussion panels start from: requests waiting for my
 * answer, my own pending requests, and the discussions I am in now. Events keep it current.
 */
export async function myOpenRequests(db: Db, viewer: Viewer): Promise<EngagementTrackingRecord[]> {
  const rows = await db
    .selectFrom('engagement_requests')
    .selectAll()
    .where((eb) => eb.or([eb('recipient_id', '=', viewer.id), eb('initiator_id', '=', viewer.id)]))
    .where('status', 'in', ['pending', 'accepted'])
    .orderBy('id')
    .limit(200)
    .execute();
  return presentRecords(db, rows.filter((r) => r.status === 'pending' || r.type === 'discuss'));
}

/**
 * The tracking list (supervisors: their queues; admins: all), newest first, keyset-paged on
 * (requested_at, id). Each filter is a clause of the one indexed query.
 */
export async function listRecords(db: Db, viewer: Viewer, q: RecordListQuery): Promise<{ items: EngagementTrackingRecord[]; nextCursor: string | null }> {
  if (viewer.role === 'agent') throw new AppError('forbidden', 'The tracking list is for supervisors and administrators.', 403);
  let query = db.selectFrom('engagement_requests').selectAll();
  if (viewer.role === 'supervisor') {
    const queues = [...viewer.queueIds];
    if (!queues.length) return { items: [], nextCursor: null };
    query = query.where('queue_id', 'in', queues);
  }
  if (q.type) query = query.where('type', '=', q.type);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.queueId) query = query.where('queue_id', '=', q.queueId);
  if (q.userId) query = query.where((eb) => eb.or([eb('initiator_id', '=', q.userId!), eb('recipient_id', '=', q.userId!)]));
  if (q.since !== undefined) query = query.where('requested_at', '>=', q.since);
  if (q.until !== undefined) query = query.where('requested_at', '<=', q.until);
  const cursor = decodeCursor(q.cursor);
  if (cursor) query = query.where((eb) => eb.or([eb('requested_at', '<', cursor.at), eb.and([eb('requested_at', '=', cursor.at), eb('id', '<', cursor.id)])]));
  const rows = await query.orderBy('requested_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const last = page[page.length - 1];
  return { items: await presentRecords(db, page), nextCursor: more && last ? encodeCursor({ at: last.requested_at, id: last.id }) : null };
}

export async function queueNames(db: Db): Promise<Map<number, string>> {
  const rows = await db.selectFrom('queues').select(['id', 'name']).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * Who may be picked for a request about this conversation, of one user type, with live status and
 * load (issue 11): people who may see its queue, never oneself or the agent in charge.
 */
export async function requestTargets(db: Db, viewer: Viewer, conversationId: number, type: RecipientType): Promise<AgentPresence[]> {
  const c = await getConversation(db, conversationId);
  if (!c || !canSeeConversation(viewer, scopeOf(c))) throw notFound();
  const all = await agentPresences(db);
  const consulting = new Set(
    (
      await db
        .selectFrom('engagement_requests')
        .select('recipient_id')
        .where('conversation_id', '=', c.id)
        .where('type', '=', 'discuss')
        .where('status', 'in', ['pending', 'accepted'])
        .execute()
    ).map((r) => r.recipient_id),
  );
  return all.filter(
    (p) =>
      p.userId !== viewer.id &&
      p.userId !== c.assignee_id &&
      !consulting.has(p.userId) &&
      recipientTypeOf(p.role) === type &&
      mayBeAskedAbout({ id: p.userId, role: p.role, queueIds: new Set(p.queueIds), disabled: false }, c.queue_id),
  );
}

/** The request an event of a request or its discussion is about (stream replay judges by it). */
export function requestIdOfEvent(type: string, data: string): number | null {
  if (!/^(request|discussion)\./.test(type)) return null;
  const d = JSON.parse(data) as { record?: { id: number }; message?: { requestId: number }; requestId?: number };
  return d.record?.id ?? d.message?.requestId ?? d.requestId ?? null;
}

/** Requests as they stand now, by id, in one query per replay page; absent ones map to null. */
export async function requestsNow(db: Db, ids: number[]): Promise<Map<number, RequestNow | null>> {
  const unique = [...new Set(ids)];
  const out = new Map<number, RequestNow | null>(unique.map((id) => [id, null]));
  if (!unique.length) return out;
  const rows = await db.selectFrom('engagement_requests').select(['id', 'type', 'status', 'queue_id', 'initiator_id', 'recipient_id']).where('id', 'in', unique).execute();
  for (const r of rows) out.set(r.id, { queueId: r.queue_id, initiatorId: r.initiator_id, recipientId: r.recipient_id, active: r.type === 'discuss' && r.status === 'accepted' });
  return out;
}
