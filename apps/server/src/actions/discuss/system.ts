import { isOpen, stepRequest, type RequestCommand } from '@switchboard/core';
import type { RequestStepKind } from '@switchboard/protocol';
import type { Tx } from '../../store/db.ts';
import type { ConversationWithAccess } from '../../store/conversations.ts';
import { lineFor } from './lines.ts';
import type { RequestRow } from './record.ts';
import { applyStep, recordStep, type Emit } from './steps.ts';

/** A step nobody took by hand (a timeout, a conversation that moved): decided by the core alike. */
async function systemStep(tx: Tx, emit: Emit, c: ConversationWithAccess, r: RequestRow, command: RequestCommand, now: number): Promise<boolean> {
  const s = stepRequest({ type: r.type, status: r.status as never, initiatorId: r.initiator_id, recipientId: r.recipient_id }, command);
  if (!s.ok) return false; // answered meanwhile: nothing to do
  const next = await applyStep(tx, emit, c, r, s, null, now);
  const step = s.status as RequestStepKind;
  await recordStep(tx, emit, c, next, step, null, { reason: s.reason, resolved: s.resolved, endCause: s.endCause }, await lineFor(tx, next, step, s), now);
  return true;
}

/**
 * Seed 000's auto timeout, fired by the request's timer row (jobs/worker.ts) inside the transaction
 * that deletes the row, so it happens once however many servers run. The caller locked the
 * conversation.
 */
export async function timeOutRequest(tx: Tx, emit: Emit, c: ConversationWithAccess, requestId: number, now: number): Promise<boolean> {
  const r = await tx.selectFrom('engagement_requests').selectAll().where('id', '=', requestId).executeTakeFirst();
  if (!r || r.conversation_id !== c.id) return false;
  return systemStep(tx, emit, c, r, { kind: 'timeOut' }, now);
}

/**
 * The initiator lost the conversation (transfer, reassign, an assign request accepted): his pending
 * requests are cancelled and his active discussions end, with that cause recorded. Called by
 * routing's `afterConversationChange`, so every path that moves a conversation passes here.
 */
export async function initiatorLostConversation(tx: Tx, emit: Emit, c: ConversationWithAccess, formerAssigneeId: number, now: number): Promise<void> {
  const open = await tx
    .selectFrom('engagement_requests')
    .selectAll()
    .where('conversation_id', '=', c.id)
    .where('initiator_id', '=', formerAssigneeId)
    .where('status', 'in', ['pending', 'accepted'])
    .orderBy('id')
    .execute();
  for (const r of open.filter((o) => isOpen(o as never))) await systemStep(tx, emit, c, r, { kind: 'initiatorLostConversation' }, now);
}
