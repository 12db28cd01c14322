import { canManageConversation, canReassign, refuseCustomerFacing, transition, type ConversationStatus, type Viewer } from '@switchboard/core';
import { AppError, forbidden, fromRefusal } from '../../errors.ts';
import { lockVisibleConversation, runAction, type ActionContext } from '../context.ts';
import { emitConversationUpdated, systemLine } from '../conversationRows.ts';
import { agentToHandTo, handOver, revokeFromPrevious } from '../handover.ts';
import { type ConversationWithAccess, scopeOf, patchConversation } from '../../store/conversations.ts';
import { afterConversationChange } from '../../routing/engine.ts';

type Actor = Viewer & { name: string };

/** Seed 000: the consultant of a discussion never acts towards the customer (a transfer is such an act). */
function refuseConsultant(viewer: Viewer, c: ConversationWithAccess): void {
  const r = refuseCustomerFacing(viewer, scopeOf(c));
  if (r) throw fromRefusal(r);
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
    await patchConversation(tx, c.id, { assignee_id: null, status: t.state.status, queue_id: queueId, updated_at: now });
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
    revokeFromPrevious(emit, c, next, viewer.id, now);
    await afterConversationChange(tx, emit, c, next, now);
  });
}
