import { addToHistogram, type Histogram } from './histogram.ts';
import { contributionOf, COUNT_MEASURES, DURATION_MEASURES, type ConversationFact, type CountMeasure, type DurationMeasure } from './measures.ts';
import type { StoredFact } from './projection.ts';

/**
 * Daily rollups: per local day (in the rollups' time zone) × queue × agent × channel × inbox, the
 * counts, the sums and a histogram of every duration of the conversations that arrived that day.
 * A conversation's fact changing moves its contribution: out of the cell it was in, into the cell
 * it is in now (the same one unless its queue, agent or inbox changed). 0 stands for "none" in a
 * key, so keys compare with `=` on both engines.
 */
export interface RollupKey { day: number; queueId: number; agentId: number; channel: string; inboxId: number }

export interface RollupDelta {
  key: RollupKey;
  counts: Record<CountMeasure, number>;
  durations: Record<DurationMeasure, { n: number; sum: number; hist: Histogram }>;
}

export type FactRow = StoredFact & { day: number };

export function factOfRow(r: StoredFact, conversationId = 0): ConversationFact {
  return {
    conversationId, createdAt: r.created_at, queueId: r.queue_id, agentId: r.agent_id, channel: r.channel, inboxId: r.inbox_id, contactId: r.contact_id,
    linked: !!r.linked, resolved: !!r.resolved, abandoned: !!r.abandoned, callback: !!r.callback, reopened: r.reopened,
    firstResponseMs: r.first_response_ms, resolutionMs: r.resolution_ms, handleMs: r.handle_ms, wrapUpMs: r.wrap_up_ms, waitMs: r.wait_ms,
    offersDeclined: r.offers_declined, offersTimedOut: r.offers_timed_out, repliesDue: r.replies_due, repliesBreached: r.replies_breached,
  };
}

export function rollupKeyOf(r: FactRow): RollupKey {
  return { day: r.day, queueId: r.queue_id ?? 0, agentId: r.agent_id ?? 0, channel: r.channel, inboxId: r.inbox_id ?? 0 };
}

export const rollupKeyString = (k: RollupKey) => `${k.day}|${k.queueId}|${k.agentId}|${k.channel}|${k.inboxId}`;

export function emptyDelta(key: RollupKey): RollupDelta {
  return {
    key,
    counts: Object.fromEntries(COUNT_MEASURES.map((m) => [m, 0])) as Record<CountMeasure, number>,
    durations: Object.fromEntries(DURATION_MEASURES.map((m) => [m, { n: 0, sum: 0, hist: new Map() }])) as RollupDelta['durations'],
  };
}

/** Adds (sign 1) or takes out (sign −1) one fact's contribution. */
export function addFactTo(d: RollupDelta, r: FactRow, sign: 1 | -1): void {
  const c = contributionOf(factOfRow(r));
  for (const m of COUNT_MEASURES) d.counts[m] += sign * c.counts[m];
  for (const m of DURATION_MEASURES) {
    const v = c.durations[m];
    if (v == null) continue;
    const x = d.durations[m];
    x.n += sign;
    x.sum += sign * v;
    addToHistogram(x.hist, v, sign);
  }
}

export function isEmptyDelta(d: RollupDelta): boolean {
  return COUNT_MEASURES.every((m) => d.counts[m] === 0) && DURATION_MEASURES.every((m) => d.durations[m].n === 0 && d.durations[m].sum === 0 && d.durations[m].hist.size === 0);
}

/** How a fact's change moves the rollups: one delta per cell touched, nothing when no figure moved. */
export function rollupDeltas(before: FactRow | null, after: FactRow | null): RollupDelta[] {
  const cells = new Map<string, RollupDelta>();
  const cell = (r: FactRow) => {
    const key = rollupKeyOf(r);
    const s = rollupKeyString(key);
    let d = cells.get(s);
    if (!d) cells.set(s, (d = emptyDelta(key)));
    return d;
  };
  if (before) addFactTo(cell(before), before, -1);
  if (after) addFactTo(cell(after), after, 1);
  // In key order, so two transactions moving facts between the same two cells lock them alike.
  return [...cells].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, d]) => d).filter((d) => !isEmptyDelta(d));
}

/**
 * Rollups per tag, label or customer tag (and "all"): keyed by local day and queue only, so a year
 * of a dimension is a few thousand cells. A fact's key there keeps its day and queue; the agent,
 * channel and inbox are left out (0 / ""), so reports narrowed by those read the facts instead.
 */
export function queueCellOf<T extends FactRow>(r: T): T {
  return { ...r, agent_id: null, inbox_id: null, channel: '' };
}

/** How a fact's change moves one dimension's cells (before null: it enters; after null: it leaves). */
export function queueCellDeltas(before: FactRow | null, after: FactRow | null): RollupDelta[] {
  return rollupDeltas(before && queueCellOf(before), after && queueCellOf(after));
}
