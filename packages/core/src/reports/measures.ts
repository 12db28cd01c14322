import { addDuration, durationStats, emptyDuration, mergeDuration, type DurationAggregate, type DurationStats } from './stats.ts';

/**
 * What reports know about one conversation (the per-conversation facts the server keeps up to date
 * as the conversation changes). Times are epoch milliseconds, durations milliseconds; a duration
 * is null until it has happened.
 */
export interface ConversationFact {
  conversationId: number;
  createdAt: number;
  queueId: number | null;
  /** The agent who last had it. */
  agentId: number | null;
  channel: string;
  inboxId: number | null;
  /** Null once the customer was unpinned (seed 002: their analytics leave the dialog). */
  contactId: number | null;
  /** Seed 004: started by a customer writing to a resolved conversation. */
  linked: boolean;
  resolved: boolean;
  abandoned: boolean;
  callback: boolean;
  /** Times it was reopened (closed or resolved → open again). */
  reopened: number;
  /** Arrival to the first agent reply. */
  firstResponseMs: number | null;
  /** Arrival to (the last) resolution. */
  resolutionMs: number | null;
  /** Time active or pending with an agent in charge, summed. */
  handleMs: number | null;
  /** Time in wrap-up (seed 001), summed. */
  wrapUpMs: number | null;
  /** Arrival to the first accept (or pick, or auto-answer): time waiting in the queue. */
  waitMs: number | null;
  offersDeclined: number;
  offersTimedOut: number;
  /** Replies awaited against the queue's reply time limit (seed 002), and those that came late. */
  repliesDue: number;
  repliesBreached: number;
}

export const DURATION_MEASURES = ['firstResponse', 'resolution', 'handle', 'wrapUp', 'wait'] as const;
export type DurationMeasure = (typeof DURATION_MEASURES)[number];

export const COUNT_MEASURES = ['created', 'resolved', 'abandoned', 'callback', 'reopened', 'linked', 'offersDeclined', 'offersTimedOut', 'repliesDue', 'repliesBreached'] as const;
export type CountMeasure = (typeof COUNT_MEASURES)[number];

/** Counts and duration aggregates of a set of conversations: mergeable, so slots fold into days. */
export interface ConversationAggregate {
  counts: Record<CountMeasure, number>;
  durations: Record<DurationMeasure, DurationAggregate>;
}

export interface ConversationFigures {
  counts: Record<CountMeasure, number>;
  /** Share of awaited replies sent within the limit (0..1), null when none was awaited. */
  answeredInTime: number | null;
  durations: Record<DurationMeasure, DurationStats>;
}

export function emptyAggregate(): ConversationAggregate {
  return {
    counts: Object.fromEntries(COUNT_MEASURES.map((m) => [m, 0])) as Record<CountMeasure, number>,
    durations: Object.fromEntries(DURATION_MEASURES.map((m) => [m, emptyDuration()])) as Record<DurationMeasure, DurationAggregate>,
  };
}

/** What one conversation adds to a set: its counts and its measured durations (null: not measured). */
export function contributionOf(f: ConversationFact): { counts: Record<CountMeasure, number>; durations: Record<DurationMeasure, number | null> } {
  return {
    counts: {
      created: 1, resolved: f.resolved ? 1 : 0, abandoned: f.abandoned ? 1 : 0, callback: f.callback ? 1 : 0, reopened: f.reopened,
      linked: f.linked ? 1 : 0, offersDeclined: f.offersDeclined, offersTimedOut: f.offersTimedOut, repliesDue: f.repliesDue, repliesBreached: f.repliesBreached,
    },
    durations: {
      firstResponse: f.firstResponseMs,
      // A resolution counts only while the conversation stays resolved.
      resolution: f.resolved ? f.resolutionMs : null,
      handle: f.handleMs,
      wrapUp: f.wrapUpMs,
      wait: f.waitMs,
    },
  };
}

/** Adds one conversation to an aggregate. */
export function addConversation(a: ConversationAggregate, f: ConversationFact): void {
  const c = contributionOf(f);
  for (const m of COUNT_MEASURES) a.counts[m] += c.counts[m];
  for (const m of DURATION_MEASURES) addDuration(a.durations[m], c.durations[m]);
}

export function mergeAggregate(into: ConversationAggregate, from: ConversationAggregate): void {
  for (const m of COUNT_MEASURES) into.counts[m] += from.counts[m];
  for (const m of DURATION_MEASURES) mergeDuration(into.durations[m], from.durations[m]);
}

export function figuresOf(a: ConversationAggregate): ConversationFigures {
  const due = a.counts.repliesDue;
  return {
    counts: { ...a.counts },
    answeredInTime: due === 0 ? null : (due - a.counts.repliesBreached) / due,
    durations: Object.fromEntries(DURATION_MEASURES.map((m) => [m, durationStats(a.durations[m])])) as Record<DurationMeasure, DurationStats>,
  };
}

/** The definition of every conversation figure: what reports show for a set of conversations. */
export function conversationFigures(facts: readonly ConversationFact[]): ConversationFigures {
  const a = emptyAggregate();
  for (const f of facts) addConversation(a, f);
  return figuresOf(a);
}

/** Relative change from the previous period, null when there is nothing to compare with. */
export function changeFrom(previous: number | null, current: number | null): number | null {
  if (previous == null || current == null || previous === 0) return null;
  return (current - previous) / previous;
}
