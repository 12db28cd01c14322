import { addDuration, durationStats, emptyDuration, type DurationStats } from './stats.ts';

/** One assign or discuss request as its Engagement Tracking Record stands (seed 000). */
export interface RequestFact {
  type: 'assign' | 'discuss';
  status: string;
  requestedAt: number;
  answeredAt: number | null;
  /** The initiator's "Was the issue resolved?" when a discussion ended: 1, 0, or null (not asked). */
  resolved: number | null;
}

export const REQUEST_OUTCOMES = ['accepted', 'rejected', 'withdrawn', 'timed_out', 'cancelled', 'pending'] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

export interface RequestFigures {
  type: 'assign' | 'discuss';
  total: number;
  byOutcome: Record<RequestOutcome, number>;
  /** Request to accept or reject. */
  timeToAnswer: DurationStats;
  /** Ended discussions the initiator called resolved / not resolved. */
  resolvedYes: number;
  resolvedNo: number;
}

/** An accepted discussion that later ended or was left was still accepted. */
export function outcomeOf(status: string): RequestOutcome {
  if (status === 'accepted' || status === 'ended' || status === 'left') return 'accepted';
  return (REQUEST_OUTCOMES as readonly string[]).includes(status) ? (status as RequestOutcome) : 'pending';
}

export function requestFigures(type: 'assign' | 'discuss', rows: readonly RequestFact[]): RequestFigures {
  const byOutcome = Object.fromEntries(REQUEST_OUTCOMES.map((o) => [o, 0])) as Record<RequestOutcome, number>;
  const answer = emptyDuration();
  let total = 0, yes = 0, no = 0;
  for (const r of rows) {
    if (r.type !== type) continue;
    total++;
    const o = outcomeOf(r.status);
    byOutcome[o]++;
    if ((o === 'accepted' || o === 'rejected') && r.answeredAt != null) addDuration(answer, r.answeredAt - r.requestedAt);
    if (r.resolved === 1) yes++;
    else if (r.resolved === 0) no++;
  }
  return { type, total, byOutcome, timeToAnswer: durationStats(answer), resolvedYes: yes, resolvedNo: no };
}
