import { refuse, type Refusal } from '../errors.ts';
import type { ConversationStatus } from './status.ts';

/** What the lifecycle needs to know about a conversation. */
export interface LifecycleState {
  status: ConversationStatus;
  assigneeId: number | null;
}

export type LifecycleCommand =
  /** Give the conversation to an agent (accept, pick, transfer, reassign). */
  | { kind: 'assign'; assigneeId: number }
  /** Put it back in its queue without an assignee (transfer to queue, declined offer). */
  | { kind: 'unassign' }
  | { kind: 'customerMessage' }
  | { kind: 'agentReply' }
  | { kind: 'endChat' }
  | { kind: 'closeWrapUp' }
  | { kind: 'resolve' }
  | { kind: 'close' }
  | { kind: 'reopen' }
  | { kind: 'abandon' }
  | { kind: 'requestCallback' }
  | { kind: 'complete' };

export type LifecycleCommandKind = LifecycleCommand['kind'];

export interface LifecycleOutcome {
  ok: true;
  state: LifecycleState;
  /** True when the status changed; the caller records a system event in the history. */
  statusChanged: boolean;
  /**
   * Set when a customer writes to a resolved (or abandoned) conversation: the message belongs to a
   * new conversation linked to this one (seed 004), not to this one.
   */
  startLinkedConversation?: true;
}

export type LifecycleResult = LifecycleOutcome | Refusal;

function to(prev: LifecycleState, status: ConversationStatus, assigneeId = prev.assigneeId): LifecycleOutcome {
  return { ok: true, state: { status, assigneeId }, statusChanged: status !== prev.status };
}

const notOpen = (s: ConversationStatus) =>
  refuse('conversation_not_open', `The conversation is ${s.replace('_', '-')}; reopen it first.`);

/**
 * The conversation state machine. Pure: who may issue a command is decided by `access/`, this only
 * decides whether the command makes sense in the current status and what the next status is.
 */
export function transition(prev: LifecycleState, command: LifecycleCommand): LifecycleResult {
  const s = prev.status;
  switch (command.kind) {
    case 'assign':
      if (s === 'wrap_up') return refuse('conversation_in_wrap_up', 'The conversation is in wrap-up; close the wrap-up first.');
      if (s === 'abandoned' || s === 'callback') return refuse('conversation_not_open', 'Complete this chat request instead of assigning it.');
      // Seed 002: reassigning a closed dialogue leaves it closed; a resolved one stays resolved.
      if (s === 'closed' || s === 'resolved') return to(prev, s, command.assigneeId);
      return to(prev, s === 'queued' ? 'active' : s, command.assigneeId);
    case 'unassign':
      if (s === 'queued' || s === 'active' || s === 'pending') return to(prev, 'queued', null);
      return notOpen(s);
    case 'customerMessage':
      if (s === 'pending') return to(prev, 'active');
      if (s === 'queued' || s === 'active' || s === 'wrap_up') return to(prev, s);
      // Seed 002: a closed dialogue opens again when the customer writes.
      if (s === 'closed') return to(prev, prev.assigneeId === null ? 'queued' : 'active');
      if (s === 'callback') return to(prev, 'queued');
      // Seed 004: writing to a resolved conversation starts a new one linked to it.
      return { ...to(prev, s), startLinkedConversation: true };
    case 'agentReply':
      if (s === 'active' || s === 'pending') return to(prev, 'pending');
      // Seed 002: the manager may re-initiate a closed dialogue by writing.
      if (s === 'closed') return to(prev, 'pending');
      if (s === 'queued') return refuse('not_assignee', 'Accept the conversation before replying.');
      if (s === 'wrap_up') return refuse('conversation_in_wrap_up', 'The chat has ended; close the wrap-up or reopen it.');
      return notOpen(s);
    case 'endChat':
      if (s === 'active' || s === 'pending') return to(prev, 'wrap_up');
      return refuse('conversation_not_open', 'Only an active chat can be ended.');
    case 'closeWrapUp':
      if (s === 'wrap_up') return to(prev, 'resolved');
      return refuse('not_in_wrap_up', 'The conversation is not in wrap-up.');
    case 'resolve':
      if (s === 'queued' || s === 'active' || s === 'pending' || s === 'wrap_up' || s === 'closed') return to(prev, 'resolved');
      if (s === 'resolved') return refuse('already_resolved', 'The conversation is already resolved.');
      return refuse('conversation_not_open', 'Complete this chat request instead of resolving it.');
    case 'close':
      if (s === 'closed') return refuse('already_closed', 'The conversation is already closed.');
      if (s === 'resolved') return refuse('already_resolved', 'The conversation is already resolved.');
      return to(prev, 'closed');
    case 'reopen':
      if (s === 'closed' || s === 'resolved') return to(prev, prev.assigneeId === null ? 'queued' : 'active');
      return refuse('conversation_open', 'The conversation is not closed.');
    case 'abandon':
      if (s === 'queued' || s === 'active' || s === 'pending') return to(prev, 'abandoned');
      return notOpen(s);
    case 'requestCallback':
      if (s === 'queued') return to(prev, 'callback');
      return refuse('callback_not_possible', 'A callback can only be requested while waiting for an agent.');
    case 'complete':
      if (s === 'abandoned' || s === 'callback') return to(prev, 'resolved');
      return refuse('not_a_chat_request', 'Only abandoned and callback requests are completed.');
  }
}
