import {
  checkNewRequest,
  mayReadRequest,
  mayRequest,
  openRequest,
  refuseCustomerFacing,
  stepRequest,
  transition,
  type ConversationStatus,
  type RecipientType,
  type RequestCommand,
  type RequestType,
  type Viewer,
} from '@switchboard/core';
import type { EngagementTrackingRecord, RequestSettings, RequestStepKind } from '@switchboard/protocol';
import { AppError, forbidden, fromRefusal, notFound } from '../../errors.ts';
import type { Tx } from '../../store/db.ts';
import { type ConversationWithAccess, scopeOf } from '../../store/conversations.ts';
import { findUser, queueIdsOf } from '../../store/users.ts';
import { handOver } from '../handover.ts';
import { lockVisibleConversation, runAction, type ActionContext } from '../context.ts';
import { lineFor } from './lines.ts';
import type { RequestRow } from './record.ts';
import { applyStep, applyTimers, loadRequestSettings, lockRequest, recordStep, storeRequestSettings, type Emit } from './steps.ts';

type Actor = Viewer & { name: string };

/** Sends an assign or discuss request: the record starts, the recipient is told, the timeout is set. */
async function sendRequest(ctx: ActionContext, viewer: Actor, conversationId: number, type: RequestType, recipientId: number, recipientType: RecipientType): Promise<EngagementTrackingRecord> {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const c = await lockVisibleConversation(ctx, tx, viewer, conversationId);
    const consultant = refuseCustomerFacing(viewer, scopeOf(c));
    if (consultant) throw fromRefusal(consultant);
    if (!mayRequest(viewer, scopeOf(c))) throw forbidden('Only the agent in charge or an administrator can ask a colleague about this conversation.');
    if (type === 'assign') {
      // Refuse now what accepting would refuse (a conversation in wrap-up, a chat request).
      const t = transition({ status: c.status as ConversationStatus, assigneeId: c.assignee_id }, { kind: 'assign', assigneeId: recipientId });
      if (!t.ok) throw fromRefusal(t);
    }
    const target = await findUser(tx, recipientId);
    if (!target) throw new AppError('recipient_not_found', 'No such colleague.', 422);
    const open = await tx
      .selectFrom('engagement_requests')
      .select(['type', 'status', 'initiator_id', 'recipient_id'])
      .where('conversation_id', '=', c.id)
      .where('status', 'in', ['pending', 'accepted'])
      .execute();
    const bad = checkNewRequest({
      type,
      initiatorId: viewer.id,
      recipient: { id: target.id, role: target.role, queueIds: new Set(await queueIdsOf(tx, target.id)), disabled: target.disabled === 1 },
      recipientType,
      conversation: { queueId: c.queue_id, assigneeId: c.assignee_id },
      open: open.map((o) => ({ type: o.type, status: o.status as never, initiatorId: o.initiator_id, recipientId: o.recipient_id })),
    });
    if (bad) throw fromRefusal(bad);
    const settings = await loadRequestSettings(tx);
    const opened = openRequest(type, now, type === 'assign' ? settings.assignTimeoutMs : settings.discussTimeoutMs);
    const r = await tx
      .insertInto('engagement_requests')
      .values({
        type,
        conversation_id: c.id,
        queue_id: c.queue_id,
        initiator_id: viewer.id,
        recipient_id: target.id,
        recipient_type: recipientType,
        status: opened.status,
        reason: null,
        resolved: null,
        end_cause: null,
        requested_at: now,
        expires_at: now + (type === 'assign' ? settings.assignTimeoutMs : settings.discussTimeoutMs),
        answered_at: null,
        ended_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await applyTimers(tx, r, opened.timers);
    return recordStep(tx, emit, c, r, 'requested', viewer.id, {}, await lineFor(tx, r, 'requested'), now);
  });
}

/** Seed 000 Discuss: "Mark has requested to discuss with you." */
export const requestDiscuss = (ctx: ActionContext, viewer: Actor, conversationId: number, recipientId: number, recipientType: RecipientType) =>
  sendRequest(ctx, viewer, conversationId, 'discuss', recipientId, recipientType);
/** Seed 000 "same as Assign feature": the conversation moves only once the recipient accepts. */
export const requestAssign = (ctx: ActionContext, viewer: Actor, conversationId: number, recipientId: number, recipientType: RecipientType) =>
  sendRequest(ctx, viewer, conversationId, 'assign', recipientId, recipientType);

/** One step by a person on a request of the given type; the core decides whether they may. */
async function takeStep(ctx: ActionContext, viewer: Actor, requestId: number, type: RequestType, command: RequestCommand): Promise<EngagementTrackingRecord> {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const locked = await lockRequest(tx, ctx.store.dialect, requestId);
    if (!locked || locked.r.type !== type) throw notFound(`${type} request`);
    const { c, r } = locked;
    if (!mayReadRequest(viewer, { queueId: r.queue_id, initiatorId: r.initiator_id, recipientId: r.recipient_id })) throw notFound(`${type} request`);
    const s = stepRequest({ type: r.type, status: r.status as never, initiatorId: r.initiator_id, recipientId: r.recipient_id }, command);
    if (!s.ok) throw fromRefusal(s);
    if (s.effects.includes('move_conversation')) {
      const t = transition({ status: c.status as ConversationStatus, assigneeId: c.assignee_id }, { kind: 'assign', assigneeId: r.recipient_id });
      if (!t.ok) throw fromRefusal(t);
    }
    const next = await applyStep(tx, emit, c, r, s, viewer.id, now);
    const step = s.status as RequestStepKind;
    const record = await recordStep(tx, emit, c, next, step, viewer.id, { reason: s.reason, resolved: s.resolved, endCause: s.endCause }, await lineFor(tx, next, step, s), now);
    if (s.effects.includes('move_conversation')) await moveToRecipient(tx, emit, c, next, viewer, now);
    return record;
  });
}

/**
 * An accepted assign request moves the conversation as a reassignment does (seed 002): it counts
 * against the recipient's capacity, the previous agent loses sight of it, routing hears of it (and,
 * through `afterConversationChange`, the previous agent's open discussions on it end).
 */
async function moveToRecipient(tx: Tx, emit: Emit, c: ConversationWithAccess, r: RequestRow, recipient: Actor, now: number): Promise<void> {
  const from = await findUser(tx, r.initiator_id);
  await handOver(
    tx,
    emit,
    c,
    recipient.id,
    {
      event: { kind: c.assignee_id == null ? 'assigned' : 'reassigned', byUserId: r.initiator_id, fromUserId: c.assignee_id, toUserId: recipient.id },
      body: `Assigned to ${recipient.name} at the request of ${from?.name ?? 'a former user'}`,
      actorId: recipient.id,
    },
    now,
  );
}

export const acceptDiscussRequest = (ctx: ActionContext, v: Actor, id: number) => takeStep(ctx, v, id, 'discuss', { kind: 'accept', byUserId: v.id });
export const rejectDiscussRequest = (ctx: ActionContext, v: Actor, id: number, reason: string) => takeStep(ctx, v, id, 'discuss', { kind: 'reject', byUserId: v.id, reason });
export const withdrawDiscussRequest = (ctx: ActionContext, v: Actor, id: number, reason: string) => takeStep(ctx, v, id, 'discuss', { kind: 'withdraw', byUserId: v.id, reason });
export const acceptAssignRequest = (ctx: ActionContext, v: Actor, id: number) => takeStep(ctx, v, id, 'assign', { kind: 'accept', byUserId: v.id });
export const rejectAssignRequest = (ctx: ActionContext, v: Actor, id: number, reason: string) => takeStep(ctx, v, id, 'assign', { kind: 'reject', byUserId: v.id, reason });
export const withdrawAssignRequest = (ctx: ActionContext, v: Actor, id: number, reason: string) => takeStep(ctx, v, id, 'assign', { kind: 'withdraw', byUserId: v.id, reason });
/** Seed 000: the initiator's End Discussion, with "Was the issue resolved?". */
export const endDiscussion = (ctx: ActionContext, v: Actor, id: number, resolved: boolean) => takeStep(ctx, v, id, 'discuss', { kind: 'end', byUserId: v.id, resolved });
/** Seed 000: the consultant's Leave ends it at once. */
export const leaveDiscussion = (ctx: ActionContext, v: Actor, id: number) => takeStep(ctx, v, id, 'discuss', { kind: 'leave', byUserId: v.id });

/** Settings → Assign/Discuss settings (admins). A changed timeout applies to requests sent afterwards. */
export async function saveRequestSettings(ctx: ActionContext, patch: Partial<RequestSettings>): Promise<RequestSettings> {
  const now = ctx.clock.now();
  return ctx.store.transaction(async (tx) => {
    const next = { ...(await loadRequestSettings(tx)), ...patch };
    await storeRequestSettings(tx, next, now);
    return next;
  });
}
