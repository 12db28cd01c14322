import { answerOffer, type Viewer } from '@switchboard/core';
import { AppError, fromRefusal, notFound } from '../../errors.ts';
import { runAction, type ActionContext } from '../context.ts';
import { countOfferAnswer, countOfferAnswers } from '../reportFacts.ts';
import { lockConversation } from '../../store/conversations.ts';
import type { Tx } from '../../store/db.ts';
import { clearTimers } from '../../store/timers.ts';
import { agentPresences, assignConversation, routeQueues, type Emit } from '../../routing/engine.ts';
import { loadPolicy } from '../../routing/policy.ts';

type Actor = Viewer & { name: string };

async function lockOffer(tx: Tx, offerId: number) {
  const o = await tx.selectFrom('offers').selectAll().where('id', '=', offerId).executeTakeFirst();
  if (!o) throw new AppError('offer_not_found', 'No such offer.', 404);
  return o;
}

/** Sends the agent's open offers on to others (they went away, or stopped serving a queue). */
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
  return (await expireOffers(tx, emit, [offerId], now)) === 1;
}

/**
 * Many offer timers fired at once (the timer worker's batch): the offers that are still open and due
 * expire with one update, are counted, and their queues get one routing pass each. Returns how many
 * expired.
 */
export async function expireOffers(tx: Tx, emit: Emit, offerIds: number[], now: number): Promise<number> {
  if (!offerIds.length) return 0;
  const open = await tx.selectFrom('offers').selectAll().where('id', 'in', offerIds).execute();
  const due = open.filter((o) => answerOffer({ status: o.status, userId: o.user_id, expiresAt: o.expires_at }, { kind: 'expire' }, now).ok).map((o) => o.id);
  if (!due.length) return 0;
  // Only an offer still open now expires: an answer that committed meanwhile wins.
  const expired = await tx.updateTable('offers').set({ status: 'expired', answered_at: now }).where('id', 'in', due).where('status', '=', 'offered').returningAll().execute();
  if (!expired.length) return 0;
  expired.sort((a, b) => a.id - b.id);
  const conversationIds = expired.map((o) => o.conversation_id);
  await countOfferAnswers(tx, conversationIds, 'timed_out');
  for (const o of expired) {
    emit({ type: 'offer.withdrawn', conversationId: o.conversation_id, scope: { userId: o.user_id }, data: { offerId: o.id, conversationId: o.conversation_id, reason: 'expired' }, at: now });
  }
  const queues = await tx.selectFrom('conversations').select('queue_id').distinct().where('id', 'in', conversationIds).execute();
  await routeQueues(tx, emit, queues.map((c) => c.queue_id), now);
  return expired.length;
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
