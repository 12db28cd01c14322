/** What the projection needs to know of a conversation before and after a change. */
export interface ConversationSnapshot {
  status: string;
  assigneeId: number | null;
  queueId: number | null;
  channel: string;
  inboxId: number | null;
  contactId: number | null;
  createdAt: number;
  previousConversationId: number | null;
  firstResponseAt: number | null;
  lastAgentMessageAt: number | null;
  replyDueAt: number | null;
}

/** The stored per-conversation fact: the measures plus the clocks that are running. */
export interface StoredFact {
  created_at: number;
  queue_id: number | null;
  agent_id: number | null;
  channel: string;
  inbox_id: number | null;
  contact_id: number | null;
  linked: number;
  resolved: number;
  abandoned: number;
  callback: number;
  reopened: number;
  first_response_ms: number | null;
  resolution_ms: number | null;
  handle_ms: number | null;
  wrap_up_ms: number | null;
  wait_ms: number | null;
  offers_declined: number;
  offers_timed_out: number;
  replies_due: number;
  replies_breached: number;
  /** Running clocks: since when it has been handled by an agent / in wrap-up. */
  handling_since: number | null;
  wrap_up_since: number | null;
}

const handling = (s: ConversationSnapshot) => (s.status === 'active' || s.status === 'pending') && s.assigneeId != null;
const CLOSED = new Set(['closed', 'resolved']);
const OPEN = new Set(['queued', 'active', 'pending']);

/**
 * How one conversation change moves its fact: the first accept ends the wait, handling and wrap-up
 * clocks run and stop, resolving measures the resolution, an agent's reply answers (or breaches)
 * the awaited reply. Returns the whole next fact; `fact` is null for a conversation just created.
 */
export function nextFact(fact: StoredFact | null, before: ConversationSnapshot | null, after: ConversationSnapshot, now: number): StoredFact {
  const f: StoredFact = fact
    ? { ...fact }
    : {
        created_at: after.createdAt, queue_id: null, agent_id: null, channel: after.channel, inbox_id: null, contact_id: null,
        linked: after.previousConversationId != null ? 1 : 0, resolved: 0, abandoned: 0, callback: 0, reopened: 0,
        first_response_ms: null, resolution_ms: null, handle_ms: null, wrap_up_ms: null, wait_ms: null,
        offers_declined: 0, offers_timed_out: 0, replies_due: 0, replies_breached: 0,
        handling_since: null, wrap_up_since: null,
      };
  f.queue_id = after.queueId;
  f.channel = after.channel;
  f.inbox_id = after.inboxId;
  f.contact_id = after.contactId;
  if (after.assigneeId != null) f.agent_id = after.assigneeId;

  // Wait in queue: arrival to the first agent taking it.
  if (f.wait_ms == null && after.assigneeId != null) f.wait_ms = Math.max(0, now - f.created_at);

  // Handling and wrap-up clocks.
  if (f.handling_since != null && !handling(after)) {
    f.handle_ms = (f.handle_ms ?? 0) + Math.max(0, now - f.handling_since);
    f.handling_since = null;
  } else if (f.handling_since == null && handling(after)) f.handling_since = now;
  if (f.wrap_up_since != null && after.status !== 'wrap_up') {
    f.wrap_up_ms = (f.wrap_up_ms ?? 0) + Math.max(0, now - f.wrap_up_since);
    f.wrap_up_since = null;
  } else if (f.wrap_up_since == null && after.status === 'wrap_up') f.wrap_up_since = now;

  const was = before?.status ?? null;
  if (after.status === 'resolved' && was !== 'resolved') {
    f.resolved = 1;
    f.resolution_ms = Math.max(0, now - f.created_at);
  }
  if (was != null && CLOSED.has(was) && OPEN.has(after.status)) {
    f.reopened++;
    f.resolved = 0;
  }
  if (after.status === 'abandoned') f.abandoned = 1;
  if (after.status === 'callback') f.callback = 1;

  if (f.first_response_ms == null && after.firstResponseAt != null) f.first_response_ms = Math.max(0, after.firstResponseAt - f.created_at);
  if (before && before.replyDueAt != null && after.lastAgentMessageAt != null && after.lastAgentMessageAt !== before.lastAgentMessageAt) {
    f.replies_due++;
    if (after.lastAgentMessageAt > before.replyDueAt) f.replies_breached++;
  }
  return f;
}

/** Whether a change can move the fact at all: most customer messages change none of this. */
export function movesFact(before: ConversationSnapshot | null, after: ConversationSnapshot): boolean {
  if (!before) return true;
  return (
    before.status !== after.status ||
    before.assigneeId !== after.assigneeId ||
    before.queueId !== after.queueId ||
    before.inboxId !== after.inboxId ||
    before.contactId !== after.contactId ||
    before.channel !== after.channel ||
    before.firstResponseAt !== after.firstResponseAt ||
    (before.replyDueAt != null && before.lastAgentMessageAt !== after.lastAgentMessageAt)
  );
}
