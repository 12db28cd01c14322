import { describe, expect, it } from 'vitest';
import { bucketOf, bucketValue, formatHistogram, HISTOGRAM_PRECISION, histogramPercentile, histogramPercentiles, parseHistogram, type Histogram } from './histogram.ts';
import { addDuration, durationStats, emptyDuration, mergeDuration } from './stats.ts';
import { rollupDeltas, type FactRow } from './rollups.ts';

describe('duration buckets', () => {
  it.each([
    [0, 0], [999, 0], [1000, 1], [1062, 1], [1063, 2], [2000, 17], [60_000, 1 + 5 * 16 + 14], [3_600_000, 1 + 11 * 16 + 12],
  ])('%i ms is in bucket %i', (ms, b) => expect(bucketOf(ms)).toBe(b));

  it('answers every duration from 1 s to 30 days within the stated precision', () => {
    for (let ms = 1000; ms < 30 * 24 * 3600 * 1000; ms = Math.ceil(ms * 1.013) + 7) {
      expect(Math.abs(bucketValue(bucketOf(ms)) - ms) / ms).toBeLessThanOrEqual(HISTOGRAM_PRECISION + 1e-9);
    }
  });

  it('stores as text and reads back', () => {
    const h: Histogram = new Map([[40, 1], [17, 3]]);
    expect(formatHistogram(h)).toBe('17:3,40:1');
    expect(parseHistogram('17:3,40:1')).toEqual(new Map([[17, 3], [40, 1]]));
    expect(parseHistogram('')).toEqual(new Map());
    // One shard of a cell can hold a move out of a bucket (migration 027): negative counts read back.
    expect(parseHistogram(formatHistogram(new Map([[17, -1], [40, 2]])))).toEqual(new Map([[17, -1], [40, 2]]));
  });

  it('the lower percentile of the buckets: rank floor(p × (n − 1))', () => {
    const h = parseHistogram(`${bucketOf(10_000)}:2,${bucketOf(60_000)}:1,${bucketOf(600_000)}:1`); // 10 s, 10 s, 1 min, 10 min
    expect(histogramPercentile(h, 0.5)).toBe(bucketValue(bucketOf(10_000)));
    expect(histogramPercentile(h, 0.9)).toBe(bucketValue(bucketOf(60_000)));
    expect(histogramPercentile(new Map(), 0.5)).toBeNull();
  });

  it('several percentiles in one walk answer what each alone does; shards joined as one text add up', () => {
    const h = parseHistogram(`${bucketOf(500)}:3,${bucketOf(4_000)}:5,${bucketOf(90_000)}:1,${bucketOf(3_600_000)}:2`);
    const ps = [0, 0.25, 0.5, 0.9, 0.99, 1];
    expect(histogramPercentiles(h, ps)).toEqual(ps.map((p) => histogramPercentile(h, p)));
    expect(histogramPercentiles(h, [0.5, 0.9])).toEqual([bucketValue(bucketOf(4_000)), bucketValue(bucketOf(3_600_000))]);
    expect(histogramPercentiles(new Map(), [0.5, 0.9])).toEqual([null, null]);
    // The rollup read joins a group's cells with commas (SQL group_concat); a bucket in two cells sums.
    expect(parseHistogram('17:3,40:1,17:-1,52:2')).toEqual(new Map([[17, 2], [40, 1], [52, 2]]));
  });

  it('values meeting a histogram merge into buckets; mean and count stay exact', () => {
    const a = emptyDuration();
    addDuration(a, 30_000);
    const b = { count: 2, sum: 130_000, hist: parseHistogram(`${bucketOf(10_000)}:1,${bucketOf(120_000)}:1`) };
    mergeDuration(a, b);
    expect(durationStats(a)).toEqual({ count: 3, mean: 53_333, median: bucketValue(bucketOf(30_000)), p90: bucketValue(bucketOf(30_000)) });
  });
});

describe('rollup moves', () => {
  const fact = (over: Partial<FactRow> = {}): FactRow => ({
    day: 20_000, created_at: 0, queue_id: 1, agent_id: 10, channel: 'web', inbox_id: null, contact_id: 5, linked: 0, resolved: 0, abandoned: 0, callback: 0, reopened: 0,
    first_response_ms: null, resolution_ms: null, handle_ms: null, wrap_up_ms: null, wait_ms: 20_000, offers_declined: 0, offers_timed_out: 0, replies_due: 0, replies_breached: 0,
    handling_since: null, wrap_up_since: null, ...over,
  });
  it('resolving moves counts and durations within one cell', () => {
    const [d, ...rest] = rollupDeltas(fact(), fact({ resolved: 1, resolution_ms: 600_000 }));
    expect(rest).toEqual([]);
    expect(d!.counts.resolved).toBe(1);
    expect(d!.counts.created).toBe(0);
    expect(d!.durations.resolution).toEqual({ n: 1, sum: 600_000, hist: new Map([[bucketOf(600_000), 1]]) });
  });
  it('a transfer to another agent takes the whole contribution from one cell to the other', () => {
    const ds = rollupDeltas(fact(), fact({ agent_id: 11 }));
    expect(ds.map((d) => [d.key.agentId, d.counts.created, d.durations.wait.n])).toEqual([[10, -1, -1], [11, 1, 1]]);
  });
  it('a change no figure sees moves nothing', () => expect(rollupDeltas(fact(), fact({ handling_since: 5, contact_id: null }))).toEqual([]));
});
