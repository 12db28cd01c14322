import type { ConversationStatus } from '../conversation/status.ts';
import type { LifecycleCommand } from '../conversation/lifecycle.ts';
import type { RoutingPolicy } from './policy.ts';

/**
 * Durable lifecycle timers. The core says which timers a conversation needs after a change and what
 * a due timer does; the server stores them as rows and fires them through actions.
 */
export const TIMER_KINDS = ['offer_timeout', 'wrap_up', 'inactivity_resolve', 'abandon', 'reply_due', 'keyword_resolve', 'assign_request_timeout', 'discuss_request_timeout'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** Kinds kept in step with a conversation's state by `conversationTimers`. */
export const CONVERSATION_TIMER_KINDS = ['wrap_up', 'inactivity_resolve', 'abandon', 'reply_due'] as const satisfies readonly TimerKind[];
export type ConversationTimerKind = (typeof CONVERSATION_TIMER_KINDS)[number];

export interface TimedConversation {
  status: ConversationStatus;
  assigneeId: number | null;
  createdAt: number;
  firstResponseAt: number | null;
  lastCustomerMessageAt: number | null;
  lastAgentMessageAt: number | null;
  /** The reply deadline (seed 002 time limits), kept on the conversation for sorting. */
  replyDueAt: number | null;
}

export interface TimerSpec {
  kind: ConversationTimerKind;
  dueAt: number;
  /** Leave an existing timer of this kind alone (its due time stands). */
  keepExisting?: boolean;
}

export interface TimerPlan {
  set: TimerSpec[];
  clear: ConversationTimerKind[];
  /** The reply deadline to store on the conversation. */
  replyDueAt: number | null;
}

const OPEN = new Set<ConversationStatus>(['queued', 'active', 'pending']);

/** Is the customer waiting for an answer? (They wrote, and nobody replied since.) */
export function awaitingReply(c: TimedConversation): boolean {
  if (!OPEN.has(c.status) || c.lastCustomerMessageAt == null) return false;
  return c.lastAgentMessageAt == null || c.lastAgentMessageAt < c.lastCustomerMessageAt;
}

/**
 * Seed 002 time limits: the first reply is due `firstReplyMs` after the customer's first message,
 * later replies `nextReplyMs` after the first unanswered customer message. Null: no limit applies.
 */
export function replyDeadline(prevDueAt: number | null, next: TimedConversation, policy: Pick<RoutingPolicy, 'firstReplyMs' | 'nextReplyMs'>): number | null {
  if (!awaitingReply(next)) return null;
  if (prevDueAt != null) return prevDueAt;
  const limit = next.firstResponseAt == null ? policy.firstReplyMs : policy.nextReplyMs;
  return limit == null ? null : next.lastCustomerMessageAt! + limit;
}

/** Which lifecycle timers a conversation needs after a change from `prev` (null: just created) to `next`. */
export function conversationTimers(prev: TimedConversation | null, next: TimedConversation, policy: RoutingPolicy, now: number): TimerPlan {
  const set: TimerSpec[] = [];
  const clear: ConversationTimerKind[] = [];
  // Seed 001: automatic wrap-up closes the conversation when its time runs out.
  if (next.status === 'wrap_up' && policy.wrapUp === 'automatic') {
    set.push({ kind: 'wrap_up', dueAt: now + policy.wrapUpMs, keepExisting: prev?.status === 'wrap_up' });
  } else clear.push('wrap_up');
  // Seed 003: a chat request nobody joins becomes abandoned.
  if (next.status === 'queued' && policy.abandonAfterMs != null) {
    set.push({ kind: 'abandon', dueAt: now + policy.abandonAfterMs, keepExisting: prev?.status === 'queued' });
  } else clear.push('abandon');
  // Seed 004: auto-resolution after customer inactivity. Checked lazily when due (see onTimerDue).
  if ((next.status === 'active' || next.status === 'pending') && policy.inactivityResolveMs != null) {
    set.push({ kind: 'inactivity_resolve', dueAt: (next.lastAgentMessageAt ?? now) + policy.inactivityResolveMs, keepExisting: true });
  } else clear.push('inactivity_resolve');
  const replyDueAt = replyDeadline(prev?.replyDueAt ?? null, next, policy);
  if (replyDueAt != null) set.push({ kind: 'reply_due', dueAt: replyDueAt, keepExisting: replyDueAt === prev?.replyDueAt });
  else clear.push('reply_due');
  return { set, clear, replyDueAt };
}

export type TimerDecision =
  | { kind: 'apply'; command: LifecycleCommand; reason: string }
  | { kind: 'reschedule'; dueAt: number }
  | { kind: 'breach' }
  /** The timer is moot: the state it guarded has gone. */
  | { kind: 'drop' };

/** What a due conversation timer does, judged on the conversation as it is now. */
export function onTimerDue(kind: ConversationTimerKind, c: TimedConversation, policy: RoutingPolicy, now: number): TimerDecision {
  switch (kind) {
    case 'wrap_up':
      return c.status === 'wrap_up' ? { kind: 'apply', command: { kind: 'closeWrapUp' }, reason: 'wrap-up time ran out' } : { kind: 'drop' };
    case 'abandon':
      // Also moot when the queue stopped abandoning requests since the timer was set.
      return c.status === 'queued' && c.assigneeId == null && policy.abandonAfterMs != null ? { kind: 'apply', command: { kind: 'abandon' }, reason: 'nobody joined in time' } : { kind: 'drop' };
    case 'inactivity_resolve': {
      if (policy.inactivityResolveMs == null) return { kind: 'drop' };
      if (c.status === 'active') return { kind: 'reschedule', dueAt: now + policy.inactivityResolveMs };
      if (c.status !== 'pending') return { kind: 'drop' };
      const due = (c.lastAgentMessageAt ?? now) + policy.inactivityResolveMs;
      if (now < due) return { kind: 'reschedule', dueAt: due };
      return { kind: 'apply', command: { kind: 'resolve' }, reason: 'no answer from the customer' };
    }
    case 'reply_due':
      if (!awaitingReply(c) || c.replyDueAt == null) return { kind: 'drop' };
      return now >= c.replyDueAt ? { kind: 'breach' } : { kind: 'reschedule', dueAt: c.replyDueAt };
  }
}

const NEGATIONS = new Set(['but', 'not', 'no', 'still', "doesn't", 'doesnt', "don't", 'dont', 'yet', '?']);

/**
 * Seed 004 "Customer sends 'resolved' or 'thanks' (if configured)": a short message that is a
 * thank-you, not a message that merely contains the word ("thanks, but it still fails").
 */
export function isResolveKeywordMessage(body: string, keywords: readonly string[]): boolean {
  if (keywords.length === 0) return false;
  const norm = (s: string) => s.toLowerCase().replace(/\?/g, ' ? ').replace(/[^\p{L}\p{N}'? ]+/gu, ' ').replace(/\s+/g, ' ').trim();
  const text = norm(body);
  if (!text) return false;
  const words = text.split(' ');
  if (words.length > 6 || words.some((w) => NEGATIONS.has(w))) return false;
  return keywords.some((k) => {
    const kw = norm(k);
    return kw !== '' && (` ${text} `).includes(` ${kw} `);
  });
}
