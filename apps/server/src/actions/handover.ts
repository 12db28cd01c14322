import { transition, type ConversationStatus } from '@switchboard/core';
import type { Message } from '@switchboard/protocol';
import { AppError, fromRefusal } from '../errors.ts';
import { type ConversationWithAccess, patchConversation } from '../store/conversations.ts';
import type { NewEvent } from '../store/events.ts';
import type { Tx } from '../store/db.ts';
import { findUser, type UserRow } from '../store/users.ts';
import { afterConversationChange } from '../routing/engine.ts';
import { emitConversationUpdated, revokeFromThoseWhoLostSight, systemLine } from './conversationRows.ts';

type Emit = (...e: NewEvent[]) => void;

/** The history line a move writes, and who it is written by. */
export interface HandOverLine {
  event: NonNullable<Message['systemEvent']>;
  body: string;
  actorId: number;
}

/** The agent a conversation may be handed to: an enabled user not already in charge of it. */
export async function agentToHandTo(tx: Tx, c: ConversationWithAccess, userId: number, verb: 'assign' | 'transfer'): Promise<UserRow> {
  const target = await findUser(tx, userId);
  if (!target || target.disabled) throw new AppError('assignee_not_found', `No such user to ${verb} to.`, 422);
  if (c.assignee_id === userId) throw new AppError('already_assigned', `${target.name} is already in charge of this conversation.`, 409);
  return target;
}

/**
 * Puts a locked conversation in an agent's hands. Reassignment (seed 002), a transfer to an agent
 * (seed 004) and an accepted assign request (seed 000) are this one move; who may ask for it, and what
 * the history line says, are the callers'. The conversation leaves the queue's waiting line, the
 * previous assignee loses sight of it unless something else still lets them see it, and routing
 * hears of the change (offers withdrawn, loads).
 */
export async function handOver(tx: Tx, emit: Emit, c: ConversationWithAccess, toUserId: number, line: HandOverLine, now: number): Promise<ConversationWithAccess> {
  const t = transition({ status: c.status as ConversationStatus, assigneeId: c.assignee_id }, { kind: 'assign', assigneeId: toUserId });
  if (!t.ok) throw fromRefusal(t);
  await patchConversation(tx, c.id, { assignee_id: toUserId, status: t.state.status, updated_at: now, queued_at: null });
  const next: ConversationWithAccess = { ...c, assignee_id: toUserId, status: t.state.status, updated_at: now, queued_at: null, participantIds: [...c.participantIds] };
  await systemLine(tx, emit, next, line.event, line.body, line.actorId, now);
  await emitConversationUpdated(tx, emit, next, line.actorId, now);
  revokeFromPrevious(emit, c, next, line.actorId, now);
  await afterConversationChange(tx, emit, c, next, now);
  return next;
}

/** Those who could see it before and cannot now lose it from their lists (see `revokeFromThoseWhoLostSight`). */
export const revokeFromPrevious = revokeFromThoseWhoLostSight;
