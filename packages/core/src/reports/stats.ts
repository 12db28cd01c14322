/**
 * Durations in reports: the mean, and the median and 90th percentile as a value that occurred —
 * the one at position floor(p × (n − 1)) in ascending order ("lower" percentile: the median of
 * 1, 2, 3, 4 is 2, the 90th percentile of ten values is the ninth). That is SQLite's
 * `percentile_disc`, and on PostgreSQL one array index, so both databases compute the same figure
 * without handing over every value.
 */
export interface DurationStats {
  count: number;
  /** Milliseconds; null when nothing was measured. */
  mean: number | null;
  median: number | null;
  p90: number | null;
}

/**
 * What a set of durations adds up to: count and sum, and either the values themselves (the core's
 * own computation) or the percentiles a database computed over them. Counts and sums merge across
 * sets (days into months); percentiles do not, so a merged set keeps only the mean.
 */
export interface DurationAggregate {
  count: number;
  sum: number;
  values?: number[];
  median?: number | null;
  p90?: number | null;
}

export function emptyDuration(): DurationAggregate {
  return { count: 0, sum: 0, values: [] };
}

export function addDuration(a: DurationAggregate, ms: number | null | undefined): void {
  if (ms == null) return;
  a.count++;
  a.sum += ms;
  a.values?.push(ms);
}

export function mergeDuration(into: DurationAggregate, from: DurationAggregate): void {
  into.count += from.count;
  into.sum += from.sum;
  into.values = into.values && from.values ? into.values.concat(from.values) : undefined;
  delete into.median;
  delete into.p90;
}

/** The lower percentile of some values (null for none). */
export function percentile(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(p * (sorted.length - 1))]!;
}

export function durationStats(a: DurationAggregate): DurationStats {
  if (a.count === 0) return { count: 0, mean: null, median: null, p90: null };
  const known = a.median !== undefined && a.p90 !== undefined;
  return {
    count: a.count,
    mean: Math.round(a.sum / a.count),
    median: known ? (a.median ?? null) : a.values ? percentile(a.values, 0.5) : null,
    p90: known ? (a.p90 ?? null) : a.values ? percentile(a.values, 0.9) : null,
  };
}

/** Stats straight from values. */
export function statsOf(values: readonly number[]): DurationStats {
  const a = emptyDuration();
  for (const v of values) addDuration(a, v);
  return durationStats(a);
}
