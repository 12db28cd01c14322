import { refuse, type Refusal } from '../errors.ts';
import type { ConversationScope, Role, Viewer } from '../access/permissions.ts';
import { canReassign } from '../access/permissions.ts';
import { isOpen, type RecipientType, type RequestState, type RequestType } from './requests.ts';

/** A colleague as the picker and the request check see them. */
export interface Colleague {
  id: number;
  role: Role;
  queueIds: ReadonlySet<number>;
  disabled: boolean;
}

/** Seed 000's "user type": User means an agent, Manager a supervisor or an admin. */
export function recipientTypeOf(role: Role): RecipientType {
  return role === 'agent' ? 'user' : 'manager';
}

/**
 * Who may be asked (issue 11): someone who may see the conversation's queue, i.e. an admin (they
 * manage every queue) or a member of it (agent or supervisor). A conversation with no queue can
 * only go to an admin.
 */
export function mayBeAskedAbout(colleague: Colleague, queueId: number | null): boolean {
  if (colleague.disabled) return false;
  if (colleague.role === 'admin') return true;
  return queueId !== null && colleague.queueIds.has(queueId);
}

/**
 * Who may send a request about a conversation: the agent in charge or an admin, as for a
 * reassignment (seed 000: "same as Assign feature"; seed 002: who may reassign).
 */
export function mayRequest(viewer: Viewer, c: ConversationScope): boolean {
  return canReassign(viewer, c);
}

export interface NewRequest {
  type: RequestType;
  initiatorId: number;
  recipient: Colleague;
  recipientType: RecipientType;
  conversation: { queueId: number | null; assigneeId: number | null };
  /** The conversation's requests that are still open (pending, or an active discussion). */
  open: readonly RequestState[];
}

/**
 * May this request be sent? Never to oneself, to someone of the other user type, to someone who
 * may not see the queue, to the current consultant; at most one open discuss per consultant per
 * conversation and one pending assign request per conversation.
 */
export function checkNewRequest(r: NewRequest): Refusal | null {
  const { recipient } = r;
  if (recipient.id === r.initiatorId) return refuse('cannot_request_yourself', 'Pick a colleague, not yourself.');
  if (recipient.disabled) return refuse('recipient_not_found', 'No such colleague.');
  if (recipientTypeOf(recipient.role) !== r.recipientType) {
    return refuse('recipient_type_mismatch', r.recipientType === 'user' ? 'That colleague is a manager, not a user.' : 'That colleague is a user, not a manager.');
  }
  if (!mayBeAskedAbout(recipient, r.conversation.queueId)) {
    return refuse('recipient_not_in_queue', 'That colleague does not work in this conversation’s queue.');
  }
  const open = r.open.filter(isOpen);
  if (r.type === 'assign') {
    if (recipient.id === r.conversation.assigneeId) return refuse('already_assigned', 'That colleague is already in charge of this conversation.');
    if (open.some((o) => o.type === 'assign')) return refuse('assign_request_pending', 'An assign request for this conversation is already waiting for an answer.');
    return null;
  }
  if (recipient.id === r.conversation.assigneeId) return refuse('recipient_in_charge', 'That colleague is in charge of this conversation already.');
  if (open.some((o) => o.type === 'discuss' && o.recipientId === recipient.id)) {
    return refuse('discussion_already_open', 'A discussion with that colleague about this conversation is already open or waiting.');
  }
  return null;
}
