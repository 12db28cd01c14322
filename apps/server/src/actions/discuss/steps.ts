import { canSeeConversation, requestAudience, type RequestStep, type RequestTimer } from '@switchboard/core';
import { RequestSettings, type EngagementTrackingRecord, type EventType, type RequestStepKind } from '@switchboard/protocol';
import type { Kysely } from 'kysely';
import type { Db, Tx } from '../../store/db.ts';
import { lockConversation, type ConversationWithAccess, scopeOf, eventScopeOf, addConsultant, removeParticipant } from '../../store/conversations.ts';
import type { NewEvent } from '../../store/events.ts';
import { findUser, loadViewer } from '../../store/users.ts';
import { clearTimers, setTimer } from '../../store/timers.ts';
import { presentConversationCores } from '../../presenters/conversations.ts';
import { insertMessage, patchOf, presentWithNames } from '../conversationRows.ts';
import { presentRecords, type RequestRow } from './record.ts';

export type Emit = (...e: NewEvent[]) => void;

/** The stream event of each step (issue 11: created, answered, withdrawn, timed out; and the ends). */
const EVENT_OF: Record<RequestStepKind, Extract<EventType, `request.${string}` | 'discussion.ended'>> = {
  requested: 'request.created',
  accepted: 'request.answered',
  rejected: 'request.answered',
  withdrawn: 'request.withdrawn',
  timed_out: 'request.timed_out',
  cancelled: 'request.cancelled',
  ended: 'discussion.ended',
  left: 'discussion.ended',
};

/**
 * Request and discussion events carry no conversation id in their row (the id is in the data): their
 * audience is the request's own (initiator, recipient, the queue's managers), live and on replay,
 * not whoever may see the conversation now (the gateway replays conversation rows by that).
 */
export const audienceOf = (r: RequestRow) => requestAudience({ queueId: r.queue_id, initiatorId: r.initiator_id, recipientId: r.recipient_id });

/** Seed 000's Assign/Discuss settings, stored as JSON under `requests` in the key/value settings table. */
const SETTINGS_KEY = 'requests';
interface SettingsTable {
  composer_settings: { key: string; value: string; updated_at: number };
}
const settingsTable = (db: Db | Tx) => db as unknown as Kysely<SettingsTable>;

export async function loadRequestSettings(db: Db | Tx): Promise<RequestSettings> {
  const row = await settingsTable(db).selectFrom('composer_settings').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst();
  let stored: unknown = {};
  try {
    stored = row ? JSON.parse(row.value) : {};
  } catch {
    stored = {};
  }
  const parsed = RequestSettings.safeParse(stored);
  return parsed.success ? parsed.data : RequestSettings.parse({});
}

export async function storeRequestSettings(tx: Tx, s: RequestSettings, now: number): Promise<void> {
  const value = JSON.stringify(s);
  await settingsTable(tx)
    .insertInto('composer_settings')
    .values({ key: SETTINGS_KEY, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}

export async function applyTimers(tx: Tx, r: RequestRow, timers: RequestTimer[]): Promise<void> {
  for (const t of timers) {
    if ('set' in t) await setTimer(tx, { kind: t.set.kind, conversationId: r.conversation_id, userId: r.recipient_id, dueAt: t.set.dueAt, data: { requestId: r.id } });
    else await clearTimers(tx, r.conversation_id, [t.clear], r.recipient_id);
  }
}

async function emitConversationCore(tx: Tx, emit: Emit, c: ConversationWithAccess, actorId: number | null, now: number) {
  const [core] = await presentConversationCores(tx, [c]);
  emit({ type: 'conversation.updated', conversationId: c.id, scope: eventScopeOf(c), data: core, actorId, at: now });
}

/**
 * Appends a step to the record, tells the initiator, the recipient and the queue's managers, and
 * writes one internal system line in the thread (never shown to the customer).
 */
export async function recordStep(
  tx: Tx,
  emit: Emit,
  c: ConversationWithAccess,
  r: RequestRow,
  step: RequestStepKind,
  byUserId: number | null,
  detail: { reason?: string; resolved?: boolean; endCause?: string },
  line: string,
  now: number,
): Promise<EngagementTrackingRecord> {
  await tx
    .insertInto('engagement_steps')
    .values({
      request_id: r.id,
      step,
      by_user_id: byUserId,
      reason: detail.reason ?? null,
      resolved: detail.resolved === undefined ? null : detail.resolved ? 1 : 0,
      end_cause: detail.endCause ?? null,
      at: now,
    })
    .execute();
  const [record] = await presentRecords(tx, [r]);
  emit({ type: EVENT_OF[step], conversationId: null, scope: audienceOf(r), data: { record }, actorId: byUserId, at: now });
  const msg = await insertMessage(tx, {
    conversation_id: c.id,
    sender_kind: 'system',
    sender_user_id: null,
    sender_contact_id: null,
    body: line,
    internal: 1,
    reply_to_id: null,
    attachments: '[]',
    status: 'sent',
    failure_reason: null,
    system_event: JSON.stringify({ kind: 'request', byUserId, toUserId: r.recipient_id, status: step, requestId: r.id, requestType: r.type }),
    client_id: null,
    created_at: now,
  });
  emit({
    type: 'message.created',
    conversationId: c.id,
    scope: eventScopeOf(c, { internal: true }),
    data: { message: presentWithNames(msg, {}), conversation: patchOf(c) },
    actorId: byUserId,
    at: now,
  });
  return record!;
}

/**
 * Writes the outcome of a step decided by the core: the request's state, its timers and its effects
 * on the consultant's view. Moving the conversation (an accepted assign request) is the caller's.
 */
export async function applyStep(tx: Tx, emit: Emit, c: ConversationWithAccess, r: RequestRow, s: RequestStep, byUserId: number | null, now: number): Promise<RequestRow> {
  const wasPending = r.status === 'pending';
  const ends = s.status === 'ended' || s.status === 'left';
  const patch = {
    status: s.status,
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    ...(s.resolved !== undefined ? { resolved: s.resolved ? 1 : 0 } : {}),
    ...(s.endCause !== undefined ? { end_cause: s.endCause } : {}),
    ...(wasPending ? { answered_at: now } : {}),
    ...(ends ? { ended_at: now } : {}),
  };
  // Conditional on the state the core judged, so two answers racing cannot both apply.
  const done = await tx.updateTable('engagement_requests').set(patch).where('id', '=', r.id).where('status', '=', r.status).executeTakeFirst();
  if (Number(done.numUpdatedRows) !== 1) throw new Error(`request ${r.id} changed under its lock`);
  const next: RequestRow = { ...r, ...patch };
  await applyTimers(tx, next, s.timers);
  if (s.effects.includes('open_discussion')) await openDiscussion(tx, emit, c, next.recipient_id, byUserId, now);
  if (s.effects.includes('close_discussion')) await closeDiscussion(tx, emit, c, next.recipient_id, byUserId, now);
  return next;
}

/** The consultant sees the whole conversation, live, while the discussion is active (issue 11). */
async function openDiscussion(tx: Tx, emit: Emit, c: ConversationWithAccess, consultantId: number, actorId: number | null, now: number) {
  await addConsultant(tx, c.id, consultantId);
  if (!c.participantIds.includes(consultantId)) c.participantIds = [...c.participantIds, consultantId];
  await emitConversationCore(tx, emit, c, actorId, now);
}

/** When it ends she loses sight of the conversation again, unless she may see it anyway. */
async function closeDiscussion(tx: Tx, emit: Emit, c: ConversationWithAccess, consultantId: number, actorId: number | null, now: number) {
  await removeParticipant(tx, c.id, consultantId);
  c.participantIds = c.participantIds.filter((id) => id !== consultantId);
  const user = await findUser(tx, consultantId);
  if (!user) return;
  const v = await loadViewer(tx, user);
  if (!canSeeConversation(v, scopeOf(c))) {
    emit({ type: 'conversation.revoked', conversationId: c.id, scope: { userId: consultantId }, data: { id: c.id }, actorId, at: now });
  }
}

/** The request, with the conversation it is about locked first (the order every writer takes). */
export async function lockRequest(tx: Tx, dialect: 'sqlite' | 'postgres', requestId: number): Promise<{ c: ConversationWithAccess; r: RequestRow } | null> {
  const head = await tx.selectFrom('engagement_requests').select('conversation_id').where('id', '=', requestId).executeTakeFirst();
  if (!head) return null;
  const c = await lockConversation(tx, head.conversation_id, dialect);
  if (!c) return null;
  const r = await tx.selectFrom('engagement_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
  return r ? { c, r } : null;
}
