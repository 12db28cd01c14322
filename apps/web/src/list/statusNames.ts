import type { ConversationStatus } from '../types.ts';

/** A status as people read it (list pills, the thread header, filters). */
export const STATUS_NAMES: Record<ConversationStatus, string> = {
  queued: 'Queued',
  active: 'Active',
  pending: 'Pending',
  wrap_up: 'Wrap-up',
  resolved: 'Resolved',
  closed: 'Closed',
  abandoned: 'Abandoned',
  callback: 'Callback',
};
