import { type AgentStatus, type Viewer } from '@switchboard/core';
import type { AgentPresence, Offer } from '@switchboard/protocol';
import { AppError, notFound } from '../../errors.ts';
import { runAction, type ActionContext } from '../context.ts';
import { recordStatusInterval } from '../reportFacts.ts';
import type { Tx } from '../../store/db.ts';
import { agentPresences, emitPresence, passOnOffersOf, presentOffer, routeQueues, type Emit } from '../../routing/engine.ts';

type Actor = Viewer & { name: string };

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
