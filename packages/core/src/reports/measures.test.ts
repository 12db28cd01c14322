import { describe, expect, it } from 'vitest';
import { addConversation, changeFrom, conversationFigures, emptyAggregate, figuresOf, mergeAggregate, type ConversationFact } from './measures.ts';
import { addDuration, durationStats, emptyDuration, mergeDuration, percentile, statsOf, type DurationAggregate } from './stats.ts';
import { outcomeOf, requestFigures, type RequestFact } from './requests.ts';
import { agentStatusTime, occupancy } from './agents.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const fact = (id: number, over: Partial<ConversationFact> = {}): ConversationFact => ({
  conversationId: id, createdAt: 0, queueId: 1, agentId: 10, channel: 'web', inboxId: null, contactId: id, linked: false,
  resolved: false, abandoned: false, callback: false, reopened: 0, firstResponseMs: null, resolutionMs: null, handleMs: null,
  wrapUpMs: null, waitMs: null, offersDeclined: 0, offersTimedOut: 0, repliesDue: 0, repliesBreached: 0, ...over,
});

describe('percentiles (the lower value at p × (n − 1))', () => {
  const rows: [string, number[], number | null, number | null, number | null][] = [
    // values (s)            mean     median  p90
    ['nothing measured', [], null, null, null],
    ['one value', [30], 30, 30, 30],
    ['odd count: the middle one; p90 of three is the second', [10, 30, 20], 20, 20, 20],
    ['even count: the lower middle one', [10, 20, 30, 40], 25, 20, 30],
    ['ten values: p90 is the ninth', [1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 14.5, 5, 9],
  ];
  it.each(rows)('%s', (_name, seconds, mean, median, p90) => {
    const s = statsOf(seconds.map((x) => x * S));
    expect(s).toEqual({ count: seconds.length, mean: mean === null ? null : mean * S, median: median === null ? null : median * S, p90: p90 === null ? null : p90 * S });
  });

  it('a merged set keeps its mean but no percentiles it cannot know', () => {
    const a: DurationAggregate = { count: 2, sum: 40 * S, median: 10 * S, p90: 30 * S };
    const b = emptyDuration();
    addDuration(b, 20 * S);
    mergeDuration(a, b);
    expect(durationStats(a)).toEqual({ count: 3, mean: 20 * S, median: null, p90: null });
  });
});

describe('conversation figures of a hand-computed day', () => {
  // Six conversations of one queue:
  //  1 resolved: replied after 1 min (in time), waited 30 s, handled 10 min, wrap-up 2 min, resolved after 15 min
  //  2 resolved: replied after 5 min (late), waited 4 min after a declined offer, handled 20 min, resolved after 40 min
  //  3 abandoned after an offer timed out, never answered
  //  4 callback requested
  //  5 linked follow-up of an earlier one, reopened once, replied after 2 min, waited 1 min, handled 6 min
  //  6 resolved, reopened and resolved again: replied after 3 min, waited 2 min, handled 30 min, resolved after 2 h
  const day: ConversationFact[] = [
    fact(1, { resolved: true, firstResponseMs: 1 * M, waitMs: 30 * S, handleMs: 10 * M, wrapUpMs: 2 * M, resolutionMs: 15 * M, repliesDue: 1 }),
    fact(2, { resolved: true, firstResponseMs: 5 * M, waitMs: 4 * M, handleMs: 20 * M, resolutionMs: 40 * M, offersDeclined: 1, repliesDue: 2, repliesBreached: 1 }),
    fact(3, { abandoned: true, offersTimedOut: 1, agentId: null }),
    fact(4, { callback: true, agentId: null }),
    fact(5, { linked: true, reopened: 1, firstResponseMs: 2 * M, waitMs: 1 * M, handleMs: 6 * M, repliesDue: 1 }),
    fact(6, { resolved: true, reopened: 1, firstResponseMs: 3 * M, waitMs: 2 * M, handleMs: 30 * M, resolutionMs: 2 * H, repliesDue: 1 }),
  ];
  const f = conversationFigures(day);

  it.each([
    ['created', 6], ['resolved', 3], ['abandoned', 1], ['callback', 1], ['reopened', 2], ['linked', 1],
    ['offersDeclined', 1], ['offersTimedOut', 1], ['repliesDue', 5], ['repliesBreached', 1],
  ] as const)('counts %s = %i', (m, n) => expect(f.counts[m]).toBe(n));

  it('answered within the limit: 4 of 5 awaited replies', () => expect(f.answeredInTime).toBe(0.8));

  it.each([
    // measure       n   mean                 median   p90
    ['firstResponse', 4, (1 + 5 + 2 + 3) / 4 * M, 2 * M, 3 * M],
    ['wait', 4, (30 * S + 4 * M + 1 * M + 2 * M) / 4, 1 * M, 2 * M],
    ['handle', 4, (10 + 20 + 6 + 30) / 4 * M, 10 * M, 20 * M],
    ['wrapUp', 1, 2 * M, 2 * M, 2 * M],
    ['resolution', 3, (15 * M + 40 * M + 2 * H) / 3, 40 * M, 40 * M],
  ] as const)('%s: %i measured, mean, median and 90th percentile', (m, count, mean, median, p90) => {
    expect(f.durations[m]).toEqual({ count, mean: Math.round(mean), median, p90 });
  });

  it('a conversation reopened after resolving is not counted resolved, nor its resolution time', () => {
    const g = conversationFigures([fact(1, { resolved: false, reopened: 1, resolutionMs: 5 * M })]);
    expect(g.counts.resolved).toBe(0);
    expect(g.durations.resolution.count).toBe(0);
  });

  it('no awaited reply: no share', () => expect(conversationFigures([fact(1)]).answeredInTime).toBeNull());

  it.each([
    [100, 120, 0.2], [100, 50, -0.5], [0, 5, null], [null, 5, null],
  ] as const)('change from %s to %s is %s', (a, b, c) => expect(changeFrom(a, b)).toBe(c));
});

describe('assign and discuss requests by outcome (seed 000)', () => {
  const r = (type: 'assign' | 'discuss', status: string, answerS: number | null, resolved: number | null = null): RequestFact =>
    ({ type, status, requestedAt: 1000 * S, answeredAt: answerS == null ? null : 1000 * S + answerS * S, resolved });
  const rows = [
    r('assign', 'accepted', 20), r('assign', 'rejected', 40), r('assign', 'timed_out', null), r('assign', 'withdrawn', null),
    r('discuss', 'ended', 10, 1), r('discuss', 'left', 30, null), r('discuss', 'ended', 50, 0), r('discuss', 'pending', null), r('discuss', 'cancelled', null),
  ];
  it('counts assign requests by outcome, time to answer over the answered ones', () => {
    expect(requestFigures('assign', rows)).toEqual({
      type: 'assign', total: 4, byOutcome: { accepted: 1, rejected: 1, withdrawn: 1, timed_out: 1, cancelled: 0, pending: 0 },
      timeToAnswer: { count: 2, mean: 30 * S, median: 20 * S, p90: 20 * S }, resolvedYes: 0, resolvedNo: 0,
    });
  });
  it('counts an ended or left discussion as accepted, with resolved yes/no', () => {
    expect(requestFigures('discuss', rows)).toEqual({
      type: 'discuss', total: 5, byOutcome: { accepted: 3, rejected: 0, withdrawn: 0, timed_out: 0, cancelled: 1, pending: 1 },
      timeToAnswer: { count: 3, mean: 30 * S, median: 30 * S, p90: 30 * S }, resolvedYes: 1, resolvedNo: 1,
    });
  });
});

describe('agent time per status and occupancy', () => {
  const day = [
    { userId: 1, status: 'offline', startedAt: 0, endedAt: 8 * H },
    { userId: 1, status: 'available', startedAt: 8 * H, endedAt: 12 * H },
    { userId: 1, status: 'away', startedAt: 12 * H, endedAt: 13 * H },
    { userId: 1, status: 'busy', startedAt: 13 * H, endedAt: 15 * H },
    { userId: 1, status: 'do_not_respond', startedAt: 15 * H, endedAt: 16 * H },
    { userId: 1, status: 'available', startedAt: 16 * H, endedAt: null },
  ];
  it('clips each stretch to the range and an open one to now', () => {
    const t = agentStatusTime(day, 6 * H, 24 * H, 18 * H);
    expect(t.byStatus).toEqual({ available: 6 * H, busy: 2 * H, do_not_respond: 1 * H, away: 1 * H, offline: 2 * H });
    expect(t.workingMs).toBe(8 * H);
  });
  it('occupancy: conversation time over capacity × working time', () => {
    expect(occupancy(12 * H, 3, 8 * H)).toBe(0.5);
    expect(occupancy(5 * H, 3, 0)).toBeNull();
  });
});

describe('durations as a report row shows them, at the edges', () => {
  it('uses the percentiles a database computed when it gave both, even without the values', () => {
    expect(durationStats({ count: 3, sum: 90 * S, median: 20 * S, p90: 50 * S })).toEqual({ count: 3, mean: 30 * S, median: 20 * S, p90: 50 * S });
    expect(durationStats({ count: 2, sum: 10 * S, median: null, p90: null })).toEqual({ count: 2, mean: 5 * S, median: null, p90: null });
  });
  it('computes them from the values when the database gave only one, and shows none when neither is known', () => {
    expect(durationStats({ count: 2, sum: 40 * S, values: [10 * S, 30 * S], median: 99 })).toEqual({ count: 2, mean: 20 * S, median: 10 * S, p90: 10 * S });
    expect(durationStats({ count: 2, sum: 40 * S, values: [10 * S, 30 * S], p90: 99 })).toMatchObject({ median: 10 * S, p90: 10 * S });
    expect(durationStats({ count: 2, sum: 40 * S })).toEqual({ count: 2, mean: 20 * S, median: null, p90: null });
  });
  it('days merged into a month keep every value when both kept theirs, else only the mean', () => {
    const a = emptyDuration();
    addDuration(a, 1 * S);
    addDuration(a, 2 * S);
    const b = emptyDuration();
    for (const v of [3, 4, 5]) addDuration(b, v * S);
    mergeDuration(a, b);
    expect(durationStats(a)).toEqual({ count: 5, mean: 3 * S, median: 3 * S, p90: 4 * S });
    const fromDb: DurationAggregate = { count: 2, sum: 10 * S, median: 4 * S, p90: 6 * S };
    mergeDuration(fromDb, b);
    expect(durationStats(fromDb)).toEqual({ count: 5, mean: 4.4 * S, median: null, p90: null });
  });
  it('a database aggregate (no values) still counts what is added to it', () => {
    const a: DurationAggregate = { count: 1, sum: 10 * S };
    addDuration(a, 20 * S);
    expect(durationStats(a)).toEqual({ count: 2, mean: 15 * S, median: null, p90: null });
  });
  it('nothing measured has no percentile', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(durationStats(emptyDuration())).toEqual({ count: 0, mean: null, median: null, p90: null });
  });
});

describe('conversation figures merged across periods', () => {
  it('adds counts and durations of two days, as the month shows them', () => {
    const day1 = emptyAggregate();
    addConversation(day1, fact(1, { resolved: true, resolutionMs: 10 * M, repliesDue: 2, repliesBreached: 1 }));
    const day2 = emptyAggregate();
    addConversation(day2, fact(2, { abandoned: true, waitMs: 4 * M, repliesDue: 2 }));
    addConversation(day2, fact(3, { resolved: true, resolutionMs: 20 * M }));
    mergeAggregate(day1, day2);
    const f = figuresOf(day1);
    expect(f.counts).toMatchObject({ created: 3, resolved: 2, abandoned: 1, repliesDue: 4, repliesBreached: 1 });
    expect(f.answeredInTime).toBe(0.75);
    expect(f.durations.resolution).toEqual({ count: 2, mean: 15 * M, median: 10 * M, p90: 10 * M });
    expect(figuresOf(emptyAggregate()).durations.wait).toEqual({ count: 0, mean: null, median: null, p90: null });
  });
  it('shows no change against a period with nothing in it', () => {
    expect(changeFrom(0, 5)).toBeNull();
    expect(changeFrom(4, 5)).toBe(0.25);
  });
});

describe('request outcomes and answer times, at the edges', () => {
  it('an accepted discussion that ended or was left still counts as accepted; an unknown status as pending', () => {
    expect(['accepted', 'ended', 'left', 'rejected', 'cancelled', 'bogus'].map(outcomeOf)).toEqual(['accepted', 'accepted', 'accepted', 'rejected', 'cancelled', 'pending']);
  });
  it('times only the answers (accept or reject), not a withdrawal or a time-out', () => {
    const rows: RequestFact[] = [
      { type: 'assign', status: 'accepted', requestedAt: 0, answeredAt: 10 * S, resolved: null },
      { type: 'assign', status: 'withdrawn', requestedAt: 0, answeredAt: 50 * S, resolved: null },
      { type: 'assign', status: 'timed_out', requestedAt: 0, answeredAt: 90 * S, resolved: null },
      { type: 'assign', status: 'rejected', requestedAt: 0, answeredAt: null, resolved: null },
    ];
    expect(requestFigures('assign', rows).timeToAnswer).toEqual({ count: 1, mean: 10 * S, median: 10 * S, p90: 10 * S });
  });
});

describe('agent time, at the edges', () => {
  it('counts an open stretch up to now only, skips stretches outside the range, and calls an unknown status offline', () => {
    const t = agentStatusTime(
      [
        { userId: 1, status: 'available', startedAt: 0, endedAt: null },
        { userId: 1, status: 'busy', startedAt: -5 * H, endedAt: -H },
        { userId: 1, status: 'on_a_break', startedAt: 0, endedAt: H },
      ],
      0, 10 * H, 2 * H,
    );
    expect(t.byStatus).toEqual({ available: 2 * H, busy: 0, do_not_respond: 0, away: 0, offline: H });
    expect(t.workingMs).toBe(2 * H);
  });
  it('has no occupancy without places or without working time', () => {
    expect(occupancy(H, 0, H)).toBeNull();
    expect(occupancy(H, 2, 0)).toBeNull();
    expect(occupancy(H, 2, H)).toBe(0.5);
  });
});
