import { refuse, type Refusal } from '../errors.ts';
import type { ConversationScope, Viewer } from '../access/permissions.ts';
import type { EventScope } from '../access/audience.ts';

/**
 * The consultant of an active discussion is a participant of the conversation (so she sees all of
 * it, live, even outside her queues) who is not in charge of it. Seed 000: she "cannot connect with
 * or message the client directly".
 */
export function isConsultant(viewer: Viewer, c: ConversationScope): boolean {
  return c.participantIds.includes(viewer.id) && c.assigneeId !== viewer.id;
}

/**
 * Every customer-facing action (a reply, a template, an attachment to the customer, end chat,
 * resolve, close, reopen, transfer, reassign) is refused for the consultant, whatever her role.
 */
export function refuseCustomerFacing(viewer: Viewer, c: ConversationScope): Refusal | null {
  if (!isConsultant(viewer, c)) return null;
  return refuse('consultant_cannot_message_customer', 'You are consulting on this conversation: you cannot act towards the customer.');
}

/**
 * Who receives a request's events and its discussion's messages: the initiator, the recipient and
 * whoever manages the conversation's queue (its supervisors, admins). Written as a conversation
 * scope with the initiator in the assignee's place, so agents of the queue (who would see an
 * unassigned conversation) and the customer never do: it is internal and addressed to no contact.
 */
export function requestAudience(r: { queueId: number | null; initiatorId: number; recipientId: number }): EventScope {
  return { queueId: r.queueId, assigneeId: r.initiatorId, participantIds: [r.recipientId], internal: true, contactId: null };
}

/**
 * May this viewer read a request and its discussion? The initiator and the managers of the queue
 * always (it is history); the recipient while it concerns her (pending, or an active discussion),
 * and the record of what she answered afterwards, without the discussion.
 */
export function mayReadRequest(viewer: Viewer, r: { queueId: number | null; initiatorId: number; recipientId: number }): boolean {
  if (viewer.role === 'admin' || viewer.id === r.initiatorId || viewer.id === r.recipientId) return true;
  return viewer.role === 'supervisor' && r.queueId !== null && viewer.queueIds.has(r.queueId);
}

/** The discussion thread: initiator and managers always, the consultant while it is active. */
export function mayReadDiscussion(viewer: Viewer, r: { queueId: number | null; initiatorId: number; recipientId: number; active: boolean }): boolean {
  if (viewer.id === r.recipientId) return r.active;
  return viewer.id === r.initiatorId || viewer.role === 'admin' || (viewer.role === 'supervisor' && r.queueId !== null && viewer.queueIds.has(r.queueId));
}

/** A request as it stands now, for judging its events on replay. */
export interface RequestNow {
  queueId: number | null;
  initiatorId: number;
  recipientId: number;
  /** An accepted discuss request whose discussion has not ended. */
  active: boolean;
}

/**
 * May a replayed request or discussion event reach this viewer? Judged by who may read the request
 * *now*, as REST does, not by the audience stored with the event: a former consultant who resumes
 * from an old cursor gets the steps of the request (its record stays hers) but none of the
 * discussion's messages or typing, which REST refuses her once it has ended. A request that is gone
 * reaches nobody.
 */
export function mayReplayRequestEvent(viewer: Viewer, type: string, r: RequestNow | null): boolean {
  if (!r) return false;
  if (type === 'discussion.message' || type === 'discussion.typing') return mayReadDiscussion(viewer, r);
  return mayReadRequest(viewer, r);
}
