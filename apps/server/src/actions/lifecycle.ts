import {
  canManageConversation,
  canReassign,
  refuseCustomerFacing,
  transition,
  type LifecycleCommand,
  type Viewer,
} from '@switchboard/core';
import type { Message } from '@switchboard/protocol';
import { forbidden, fromRefusal } from '../errors.ts';
import { type ConversationWithAccess, scopeOf, patchConversation } from '../store/conversations.ts';
import { lockVisibleConversation, runAction, type ActionContext } from './context.ts';
import { emitConversationUpdated, systemLine } from './conversationRows.ts';
import { agentToHandTo, handOver } from './handover.ts';
import { afterConversationChange } from '../routing/engine.ts';

type Actor = Viewer & { name: string };

const HISTORY_LINES: Partial<Record<LifecycleCommand['kind'], { kind: NonNullable<Message['systemEvent']>['kind']; verb: string }>> = {
  close: { kind: 'closed', verb: 'Closed' },
  reopen: { kind: 'reopened', verb: 'Reopened' },
  resolve: { kind: 'resolved', verb: 'Resolved' },
  endChat: { kind: 'status', verb: 'Chat ended' },
  closeWrapUp: { kind: 'resolved', verb: 'Wrap-up closed' },
};

type StatusCommand = Extract<LifecycleCommand, { kind: 'close' | 'reopen' | 'resolve' | 'endChat' | 'closeWrapUp' }>;

/**
 * Close (seed 002), reopen, resolve with a note (seed 004), end chat and close wrap-up (seed 001):
 * the core decides, this writes the status, a history line and the events in one transaction.
 */
export async function changeConversationStatus(
  ctx: ActionContext,
  viewer: Actor,
  conversationId: number,
  command: StatusCommand,
  note?: string,
): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await lockVisibleConversation(ctx, tx, viewer, conversationId);
    const consultant = refuseCustomerFacing(viewer, scopeOf(c));
    if (consultant) throw fromRefusal(consultant);
    if (!canManageConversation(viewer, scopeOf(c))) {
      throw forbidden('Only the agent in charge, a supervisor of the queue or an admin can do that.');
    }
    const t = transition({ status: c.status as never, assigneeId: c.assignee_id }, command);
    if (!t.ok) throw fromRefusal(t);
    const status = t.state.status;
    const resolved = status === 'resolved';
    await patchConversation(tx, c.id, {
      status,
      updated_at: now,
      last_activity_at: now,
      ...(resolved ? { resolved_at: now, resolution_note: note ?? null } : {}),
      ...(command.kind === 'reopen' ? { resolved_at: null } : {}),
    });
    const next: ConversationWithAccess = {
      ...c,
      status,
      updated_at: now,
      last_activity_at: now,
      ...(resolved ? { resolved_at: now, resolution_note: note ?? null } : {}),
    };
    const line = HISTORY_LINES[command.kind]!;
    await systemLine(tx, emit, next, { kind: line.kind, byUserId: viewer.id, status, ...(note ? { note } : {}) }, `${line.verb} by ${viewer.name}${note ? `: ${note}` : ''}`, viewer.id, now);
    await emitConversationUpdated(tx, emit, next, viewer.id, now);
    await afterConversationChange(tx, emit, c, next, now); // routing: wrap-up timer, freed agent, requeue
  });
}

/**
 * Seed 002 reassignment: only an admin or the agent in charge may reassign; the previous agent loses
 * sight of the conversation (unless admin/supervisor of it); a closed conversation stays closed.
 */
export async function reassignConversation(ctx: ActionContext, viewer: Actor, conversationId: number, assigneeId: number, note?: string) {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await lockVisibleConversation(ctx, tx, viewer, conversationId);
    const consultant = refuseCustomerFacing(viewer, scopeOf(c));
    if (consultant) throw fromRefusal(consultant);
    if (!canReassign(viewer, scopeOf(c))) {
      throw forbidden('Only an administrator or the agent in charge can reassign this conversation.');
    }
    const target = await agentToHandTo(tx, c, assigneeId, 'assign');
    const previous = c.assignee_id;
    await handOver(
      tx,
      emit,
      c,
      assigneeId,
      {
        event: { kind: previous == null ? 'assigned' : 'reassigned', byUserId: viewer.id, fromUserId: previous, toUserId: assigneeId, ...(note ? { note } : {}) },
        body: `${previous == null ? 'Assigned' : 'Reassigned'} to ${target.name} by ${viewer.name}${note ? `: ${note}` : ''}`,
        actorId: viewer.id,
      },
      now,
    );
  });
}
