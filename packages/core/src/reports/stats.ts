/**
 * Durations in reports: means are exact; percentiles (median, 90th) are read from a histogram of
 * duration buckets, so the database can count them without handing over every value. Buckets are
 * one second wide under an hour, one minute under a day, ten minutes beyond: a percentile is exact
 * to the second for the times a support lead looks at most (first response, wait).
 */
export interface DurationStats {
  count: number;
  /** Milliseconds; null when nothing was measured. */
  mean: number | null;
  median: number | null;
  p90: number | null;
}

/** Sum, count and bucket counts of one duration measure: what SQL or `aggregateDurations` produce. */
export interface DurationAggregate {
  count: number;
  sum: number;
  /** bucket → how many values fell in it */
  histogram: Record<number, number>;
}

const HOUR_S = 3600;
const DAY_S = 86400;
const MINUTE_BUCKETS = (DAY_S - HOUR_S) / 60; // 1380

/** The bucket a duration falls in (negative durations count as zero). */
export function durationBucket(ms: number): number {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < HOUR_S) return s;
  if (s < DAY_S) return HOUR_S + Math.floor((s - HOUR_S) / 60);
  return HOUR_S + MINUTE_BUCKETS + Math.floor((s - DAY_S) / 600);
}

/** The duration a bucket stands for: its lower edge, in milliseconds. */
export function bucketValue(bucket: number): number {
  if (bucket < HOUR_S) return bucket * 1000;
  if (bucket < HOUR_S + MINUTE_BUCKETS) return (HOUR_S + (bucket - HOUR_S) * 60) * 1000;
  return (DAY_S + (bucket - HOUR_S - MINUTE_BUCKETS) * 600) * 1000;
}

export function emptyDuration(): DurationAggregate {
  return { count: 0, sum: 0, histogram: {} };
}

export function addDuration(a: DurationAggregate, ms: number | null | undefined): void {
  if (ms == null) return;
  a.count++;
  a.sum += ms;
  const b = durationBucket(ms);
  a.histogram[b] = (a.histogram[b] ?? 0) + 1;
}

export function mergeDuration(into: DurationAggregate, from: DurationAggregate): void {
  into.count += from.count;
  into.sum += from.sum;
  for (const [b, n] of Object.entries(from.histogram)) into.histogram[Number(b)] = (into.histogram[Number(b)] ?? 0) + n;
}

/**
 * Nearest-rank percentile: the smallest bucket value with at least p of the values at or below it.
 * (The median of 1, 2, 3, 4 is 2; of 1, 2, 3 it is 2.)
 */
export function histogramPercentile(histogram: Record<number, number>, p: number): number | null {
  const buckets = Object.keys(histogram).map(Number).sort((a, b) => a - b);
  const n = buckets.reduce((s, b) => s + histogram[b]!, 0);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (const b of buckets) {
    seen += histogram[b]!;
    if (seen >= rank) return bucketValue(b);
  }
  return bucketValue(buckets[buckets.length - 1]!);
}

export function durationStats(a: DurationAggregate): DurationStats {
  if (a.count === 0) return { count: 0, mean: null, median: null, p90: null };
  return { count: a.count, mean: Math.round(a.sum / a.count), median: histogramPercentile(a.histogram, 0.5), p90: histogramPercentile(a.histogram, 0.9) };
}

/** Stats straight from values (same definition): for callers holding the values themselves. */
export function statsOf(values: readonly number[]): DurationStats {
  const a = emptyDuration();
  for (const v of values) addDuration(a, v);
  return durationStats(a);
}
