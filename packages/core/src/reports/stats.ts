import { addToHistogram, histogramPercentiles, mergeHistogram, type Histogram } from './histogram.ts';

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
 * own computation), the percentiles a database computed over them, or a histogram (daily rollups,
 * see histogram.ts). Counts, sums, values and histograms merge across sets (days into months);
 * percentiles do not, so a merged set without values or histograms keeps only the mean.
 */
export interface DurationAggregate {
  count: number;
  sum: number;
  values?: number[];
  hist?: Histogram;
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
  if (a.values) a.values.push(ms);
  else if (a.hist) addToHistogram(a.hist, ms);
}

function toHistogram(a: DurationAggregate): Histogram | undefined {
  if (a.hist) return a.hist;
  if (!a.values) return undefined;
  const h: Histogram = new Map();
  for (const v of a.values) addToHistogram(h, v);
  return h;
}

export function mergeDuration(into: DurationAggregate, from: DurationAggregate): void {
  const known = (a: DurationAggregate) => a.count === 0 || a.values || a.hist;
  if (into.values && from.values) into.values = into.values.concat(from.values);
  else if (known(into) && known(from) && (into.hist || from.hist)) {
    // Values meeting a histogram: both become buckets (the precision of histogram.ts).
    const h = toHistogram(into) ?? new Map();
    const f = toHistogram(from);
    if (f) mergeHistogram(h, f);
    into.hist = h;
    delete into.values;
  } else if (from.count > 0 || !known(into)) {
    delete into.values;
    delete into.hist;
  }
  into.count += from.count;
  into.sum += from.sum;
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
  const mean = Math.round(a.sum / a.count);
  if (a.median !== undefined && a.p90 !== undefined) return { count: a.count, mean, median: a.median ?? null, p90: a.p90 ?? null };
  if (a.values) return { count: a.count, mean, median: percentile(a.values, 0.5), p90: percentile(a.values, 0.9) };
  const [median, p90] = a.hist ? histogramPercentiles(a.hist, [0.5, 0.9]) : [null, null];
  return { count: a.count, mean, median: median ?? null, p90: p90 ?? null };
}

/** Stats straight from values. */
export function statsOf(values: readonly number[]): DurationStats {
  const a = emptyDuration();
  for (const v of values) addDuration(a, v);
  return durationStats(a);
}
