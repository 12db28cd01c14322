/**
 * Conversation statuses, from seeds 001 (wrap-up, handled), 002 (closed), 003 (abandoned, callback)
 * and 004 (queued, active, pending, resolved, abandoned). "Handled" (seed 001) is `resolved`.
 */
export const CONVERSATION_STATUSES = [
  'queued',
  'active',
  'pending',
  'wrap_up',
  'resolved',
  'closed',
  'abandoned',
  'callback',
] as const;

export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** Statuses in which the customer and the assignee are still talking. */
export const OPEN_STATUSES: ReadonlySet<ConversationStatus> = new Set(['queued', 'active', 'pending']);
