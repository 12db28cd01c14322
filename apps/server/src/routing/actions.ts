import { countOfferAnswer, recordStatusInterval } from '../actions/reportFacts.ts';
import {
  answerOffer,
  canManageConversation,
  canReassign,
  refuseCustomerFacing,
  transition,
  type AgentStatus,
  type ConversationStatus,
  type Viewer,
} from '@switchboard/core';
import type { AgentPresence, Offer } from '@switchboard/protocol';
import { AppError, forbidden, fromRefusal, notFound } from '../errors.ts';
import { lockVisibleConversation, runAction, type ActionContext } from '../actions/context.ts';
import { emitConversationUpdated, systemLine } from '../actions/conversationRows.ts';
import { agentToHandTo, handOver, revokeFromPrevious } from '../actions/handover.ts';
import { lockConversation, type ConversationWithAccess, scopeOf } from '../store/conversations.ts';
import type { Tx } from '../store/db.ts';
import { clearTimers, setTimer } from '../jobs/timers.ts';
import {
  afterConversationChange,
  agentPresences,
  applyLifecycle,
  assignConversation,
  emitPresence,
  emitQueueCounts,
  presentOffer,
  routeQueues,
  withdrawOpenOffer,
  type Emit,
} from './engine.ts';
import { loadPolicy } from './policy.ts';

type Actor = Viewer & { name: string };

/** Seed 000: the consultant of a discussion never acts towards the customer (a transfer is such an act). */
function refuseConsultant(viewer: Viewer, c: ConversationWithAccess): void {
  const r = refuseCustomerFacing(viewer, scopeOf(c));
  if (r) throw fromRefusal(r);
}

async function lockOffer(tx: Tx, offerId: number) {
  const o = await tx.selectFrom('offers').selectAll().where('id', '=', offerId).executeTakeFirst();
  if (!o) throw new AppError('offer_not_found', 'No such offer.', 404);
  return o;
}

/** Sends the agent's open offers on to others (they went away, or stopped serving a queue). */
export async function passOnOffersOf(tx: Tx, emit: Emit, userId: number, now: number, onlyQueues?: number[]): Promise<void> {
  let q = tx
    .selectFrom('offers as o')
    .innerJoin('conversations as c', 'c.id', 'o.conversation_id')
    .select(['o.conversation_id', 'c.queue_id'])
    .where('o.user_id', '=', userId)
    .where('o.status', '=', 'offered');
  if (onlyQueues) q = onlyQueues.length ? q.where('c.queue_id', 'in', onlyQueues) : q.where('c.queue_id', 'is', null);
  const open = await q.execute();
  for (const o of open) await withdrawOpenOffer(tx, emit, o.conversation_id, 'agent_unavailable', now);
  await routeQueues(tx, emit, open.map((o) => o.queue_id), now);
}

// ---------------------------------------------------------------- presence (seed 001, 003)

/** Available, busy, do-not-respond, away, offline. Only available agents get offers. */
export async function setPresence(ctx: ActionContext, viewer: Actor, status: AgentStatus): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, (tx, emit) => changePresence(tx, emit, viewer.id, status, now));
}

/** Inside an action: the user's presence changes; leaving passes their offers on, coming back routes their queues. */
export async function changePresence(tx: Tx, emit: Emit, userId: number, status: AgentStatus, now: number): Promise<void> {
  await tx.updateTable('users').set({ status }).where('id', '=', userId).execute();
  await recordStatusInterval(tx, userId, status, now);
  if (status !== 'available') await passOnOffersOf(tx, emit, userId, now);
  await emitPresence(tx, emit, [userId], now, userId);
  if (status === 'available') {
    const serving = await tx.selectFrom('queue_members').select('queue_id').where('user_id', '=', userId).where('serving', '=', 1).execute();
    await routeQueues(tx, emit, serving.map((r) => r.queue_id), now);
  }
}

/** Seed 001: "Select the queues where you are supposed to serve" — at login, and changed later. */
export async function chooseQueues(ctx: ActionContext, viewer: Actor, queueIds: number[]): Promise<void> {
  const now = ctx.clock.now();
  const wanted = [...new Set(queueIds)];
  const notMine = wanted.filter((q) => !viewer.queueIds.has(q));
  if (notMine.length) throw new AppError('queue_not_found', 'You can only serve queues you are a member of.', 422);
  await runAction(ctx, async (tx, emit) => {
    await tx.updateTable('queue_members').set({ serving: 0 }).where('user_id', '=', viewer.id).execute();
    if (wanted.length) await tx.updateTable('queue_members').set({ serving: 1 }).where('user_id', '=', viewer.id).where('queue_id', 'in', wanted).execute();
    const dropped = [...viewer.queueIds].filter((q) => !wanted.includes(q));
    if (dropped.length) await passOnOffersOf(tx, emit, viewer.id, now, dropped);
    await emitPresence(tx, emit, [viewer.id], now, viewer.id);
    await routeQueues(tx, emit, wanted, now);
  });
}

export async function myRouting(ctx: ActionContext, viewer: Viewer): Promise<{ presence: AgentPresence; offers: Offer[] }> {
  const [presence] = await agentPresences(ctx.store.db, [viewer.id]);
  if (!presence) throw notFound('user');
  const offers = await ctx.store.db.selectFrom('offers').selectAll().where('user_id', '=', viewer.id).where('status', '=', 'offered').orderBy('id').execute();
  return { presence, offers: offers.map(presentOffer) };
}

// ---------------------------------------------------------------- offers (seed 001)

/** Accept: the conversation becomes the agent's, unless the offer ran out or was withdrawn. */
export async function acceptOffer(ctx: ActionContext, viewer: Actor, offerId: number): Promise<number> {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const o = await lockOffer(tx, offerId);
    const c = await lockConversation(tx, o.conversation_id, ctx.store.dialect);
    if (!c) throw notFound();
    const a = answerOffer({ status: o.status, userId: o.user_id, expiresAt: o.expires_at }, { kind: 'accept', by: viewer.id }, now);
    if (!a.ok) throw fromRefusal(a);
    // Only one answer wins, even if two arrive at once.
    const r = await tx.updateTable('offers').set({ status: 'accepted', answered_at: now }).where('id', '=', o.id).where('status', '=', 'offered').executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new AppError('offer_withdrawn', 'This conversation was taken elsewhere.', 409);
    await clearTimers(tx, c.id, ['offer_timeout'], viewer.id);
    emit({ type: 'offer.withdrawn', conversationId: c.id, scope: { userId: viewer.id }, data: { offerId: o.id, conversationId: c.id, reason: 'accepted' }, at: now });
    await assignConversation(tx, emit, c, viewer.id, { how: 'accepted', actorId: viewer.id }, now);
    return c.id;
  });
}

/** Decline: back to the queue and on to someone else, never back to this agent. */
export async function declineOffer(ctx: ActionContext, viewer: Actor, offerId: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const o = await lockOffer(tx, offerId);
    const c = await lockConversation(tx, o.conversation_id, ctx.store.dialect);
    if (!c) throw notFound();
    const a = answerOffer({ status: o.status, userId: o.user_id, expiresAt: o.expires_at }, { kind: 'decline', by: viewer.id }, now);
    if (!a.ok) throw fromRefusal(a);
    const r = await tx.updateTable('offers').set({ status: 'declined', answered_at: now }).where('id', '=', o.id).where('status', '=', 'offered').executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new AppError('offer_withdrawn', 'This conversation was taken elsewhere.', 409);
    await countOfferAnswer(tx, c.id, 'declined');
    await clearTimers(tx, c.id, ['offer_timeout'], viewer.id);
    emit({ type: 'offer.withdrawn', conversationId: c.id, scope: { userId: viewer.id }, data: { offerId: o.id, conversationId: c.id, reason: 'declined' }, at: now });
    await routeQueues(tx, emit, [c.queue_id], now);
  });
}

/** The offer timer fired: the offer passes to the next agent. Called by the timer worker. */
export async function expireOffer(tx: Tx, emit: Emit, offerId: number, now: number): Promise<boolean> {
  const o = await tx.selectFrom('offers').selectAll().where('id', '=', offerId).executeTakeFirst();
  if (!o) return false;
  const a = answerOffer({ status: o.status, userId: o.user_id, expiresAt: o.expires_at }, { kind: 'expire' }, now);
  if (!a.ok) return false;
  const r = await tx.updateTable('offers').set({ status: 'expired', answered_at: now }).where('id', '=', o.id).where('status', '=', 'offered').executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return false;
  await countOfferAnswer(tx, o.conversation_id, 'timed_out');
  emit({ type: 'offer.withdrawn', conversationId: o.conversation_id, scope: { userId: o.user_id }, data: { offerId: o.id, conversationId: o.conversation_id, reason: 'expired' }, at: now });
  const c = await tx.selectFrom('conversations').select('queue_id').where('id', '=', o.conversation_id).executeTakeFirst();
  await routeQueues(tx, emit, [c?.queue_id ?? null], now);
  return true;
}

/** Pick list (seed 001): the agent takes a waiting conversation of their queue, within capacity. */
export async function pickConversation(ctx: ActionContext, viewer: Actor, conversationId: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await lockConversation(tx, conversationId, ctx.store.dialect);
    // Members saw it waiting in their pick list, so "taken" reveals nothing; anyone else gets 404.
    if (!c || c.queue_id == null || !viewer.queueIds.has(c.queue_id)) throw notFound();
    if (c.status !== 'queued' || c.assignee_id != null) throw new AppError('conversation_taken', 'Someone already took this conversation.', 409);
    // One pick per agent at a time (PostgreSQL runs writers concurrently), so two quick picks
    // cannot both see the agent's last free place.
    if (ctx.store.dialect === 'postgres') await tx.selectFrom('users').select('id').where('id', '=', viewer.id).forUpdate().execute();
    const me = (await agentPresences(tx, [viewer.id]))[0]!;
    const policy = await loadPolicy(tx, c.queue_id);
    if (me.load >= (me.capacity ?? policy.capacity)) throw new AppError('at_capacity', 'You are at capacity: finish a conversation first.', 409);
    await assignConversation(tx, emit, c, viewer.id, { how: 'picked', actorId: viewer.id }, now);
  });
}

// ---------------------------------------------------------------- transfers (seed 004)

/**
 * Transfer to an agent: the conversation moves to them at once, the note stays in the history where
 * they read it. Like reassignment (seed 002), only an admin or the agent in charge may do it.
 */
export async function transferToAgent(ctx: ActionContext, viewer: Actor, conversationId: number, userId: number, note?: string): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await lockVisibleConversation(ctx, tx, viewer, conversationId);
    refuseConsultant(viewer, c);
    if (!canReassign(viewer, scopeOf(c))) throw forbidden('Only an administrator or the agent in charge can transfer this conversation.');
    const target = await agentToHandTo(tx, c, userId, 'transfer');
    await handOver(
      tx,
      emit,
      c,
      userId,
      {
        event: { kind: 'transferred', byUserId: viewer.id, fromUserId: c.assignee_id, toUserId: userId, ...(note ? { note } : {}) },
        body: `Transferred to ${target.name} by ${viewer.name}${note ? `: ${note}` : ''}`,
        actorId: viewer.id,
      },
      now,
    );
  });
}

/** Transfer to a queue: back to waiting, in the new queue, and through routing again (seed 004). */
export async function transferToQueue(ctx: ActionContext, viewer: Actor, conversationId: number, queueId: number, note?: string): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await lockVisibleConversation(ctx, tx, viewer, conversationId);
    refuseConsultant(viewer, c);
    if (!canManageConversation(viewer, scopeOf(c))) throw forbidden('Only the agent in charge, a supervisor of the queue or an admin can transfer this conversation.');
    const queue = await tx.selectFrom('queues').select(['id', 'name']).where('id', '=', queueId).executeTakeFirst();
    if (!queue) throw new AppError('queue_not_found', 'No such queue.', 422);
    const t = transition({ status: c.status as ConversationStatus, assigneeId: c.assignee_id }, { kind: 'unassign' });
    if (!t.ok) throw fromRefusal(t);
    if (c.queue_id === queueId && c.assignee_id == null) throw new AppError('already_in_queue', `The conversation is already waiting in ${queue.name}.`, 409);
    await tx.updateTable('conversations').set({ assignee_id: null, status: t.state.status, queue_id: queueId, updated_at: now }).where('id', '=', c.id).execute();
    const next: ConversationWithAccess = { ...c, assignee_id: null, status: t.state.status, queue_id: queueId, updated_at: now };
    // Whoever hands it over does not get it straight back from routing.
    if (c.assignee_id != null) {
      await tx.insertInto('offers').values({ conversation_id: c.id, user_id: c.assignee_id, status: 'declined', created_at: now, expires_at: now, answered_at: now }).execute();
    }
    await systemLine(
      tx,
      emit,
      next,
      { kind: 'transferred', byUserId: viewer.id, fromUserId: c.assignee_id, toUserId: null, status: `queue:${queueId}`, ...(note ? { note } : {}) },
      `Transferred to the ${queue.name} queue by ${viewer.name}${note ? `: ${note}` : ''}`,
      viewer.id,
      now,
    );
    await emitConversationUpdated(tx, emit, next, viewer.id, now);
    await revokeFromPrevious(tx, emit, c, next, viewer.id, now);
    await afterConversationChange(tx, emit, c, next, now);
  });
}

// ---------------------------------------------------------------- the waiting customer (seed 003)

async function customerConversation(ctx: ActionContext, tx: Tx, contactId: number, conversationId: number) {
  const c = await lockVisibleConversation(ctx, tx, null, conversationId);
  if (c.contact_id !== contactId) throw notFound();
  return c;
}

/** The customer stops waiting: the chat request is abandoned (seed 003). */
export async function customerLeaves(ctx: ActionContext, contactId: number, conversationId: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await customerConversation(ctx, tx, contactId, conversationId);
    if (c.status !== 'queued') throw new AppError('conversation_not_waiting', 'Only a chat request still waiting can be left.', 409);
    await applyLifecycle(tx, emit, c, { kind: 'abandon' }, { kind: 'status', text: 'The customer left before anyone joined' }, now);
  });
}

/** The customer asks to be called back instead of waiting (seed 003). */
export async function requestCallback(ctx: ActionContext, contactId: number, conversationId: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await customerConversation(ctx, tx, contactId, conversationId);
    await applyLifecycle(tx, emit, c, { kind: 'requestCallback' }, { kind: 'status', text: 'The customer asked for a callback' }, now);
  });
}

/** The customer chooses to keep waiting: the abandonment clock starts again (seed 003). */
export async function keepWaiting(ctx: ActionContext, contactId: number, conversationId: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await customerConversation(ctx, tx, contactId, conversationId);
    if (c.status !== 'queued') throw new AppError('conversation_not_waiting', 'The conversation is not waiting.', 409);
    const policy = await loadPolicy(tx, c.queue_id);
    if (policy.abandonAfterMs != null) await setTimer(tx, { kind: 'abandon', conversationId: c.id, dueAt: now + policy.abandonAfterMs });
    await emitQueueCounts(tx, emit, [c.queue_id], now);
  });
}
