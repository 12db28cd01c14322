/**
 * Fixed-bucket histograms of durations, so daily rollups can answer medians and 90th percentiles
 * (percentiles of several days cannot be summed; bucket counts can). Buckets split every doubling
 * from 1 s upwards into 16, so a bucket spans 1/16 of its lower bound: a percentile answered from
 * buckets is the bucket's middle, within ±3.2 % of the value it stands for (below 1 s: one bucket,
 * answered as 0.5 s). The bucket of a duration is integer arithmetic, the same on every engine.
 */
export type Histogram = Map<number, number>;

/** Relative precision of a percentile answered from buckets: half a bucket (1/32) and the rounding to a millisecond. */
export const HISTOGRAM_PRECISION = 0.032;
const SUB = 16;

export function bucketOf(ms: number): number {
  if (ms < 1000) return 0;
  let e = 0;
  let base = 1000;
  while (base * 2 <= ms) {
    base *= 2;
    e++;
  }
  return 1 + e * SUB + Math.floor((SUB * (ms - base)) / base);
}

/** The value a bucket answers: its middle (0.5 s for the first). */
export function bucketValue(b: number): number {
  if (b === 0) return 500;
  const e = Math.floor((b - 1) / SUB);
  const sub = (b - 1) % SUB;
  const base = 1000 * 2 ** e;
  return Math.round(base + ((sub + 0.5) * base) / SUB);
}

export function addToHistogram(h: Histogram, ms: number, n = 1): void {
  const b = bucketOf(ms);
  const c = (h.get(b) ?? 0) + n;
  if (c === 0) h.delete(b);
  else h.set(b, c);
}

export function mergeHistogram(into: Histogram, from: Histogram): void {
  for (const [b, n] of from) {
    const c = (into.get(b) ?? 0) + n;
    if (c === 0) into.delete(b);
    else into.set(b, c);
  }
}

/** Stored as text "bucket:count" pairs in bucket order, e.g. "17:3,40:1"; empty for none. */
export function formatHistogram(h: Histogram): string {
  return [...h].filter(([, n]) => n !== 0).sort((a, b) => a[0] - b[0]).map(([b, n]) => `${b}:${n}`).join(',');
}

/**
 * Adds a stored histogram into `into` (a hand-rolled scan: a year's rollups parse thousands). A
 * count may be negative: one shard of a cell (migration 027) can hold a fact's move out of a bucket
 * that another shard holds its move into; the sum over the shards is never negative.
 */
export function parseHistogramInto(into: Histogram, text: string | null | undefined): void {
  if (!text) return;
  let b = 0, n = 0, inCount = false, sign = 1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 44;
    if (c === 58) inCount = true; // ':'
    else if (c === 44) { // ','
      into.set(b, (into.get(b) ?? 0) + sign * n);
      b = 0; n = 0; inCount = false; sign = 1;
    } else if (c === 45) sign = -1; // '-'
    else if (inCount) n = n * 10 + (c - 48);
    else b = b * 10 + (c - 48);
  }
}

export function parseHistogram(text: string | null | undefined): Histogram {
  const h: Histogram = new Map();
  parseHistogramInto(h, text);
  return h;
}

/** The lower percentile (rank floor(p × (n − 1)), the core's definition) answered from buckets. */
export function histogramPercentile(h: Histogram, p: number): number | null {
  return histogramPercentiles(h, [p])[0]!;
}

/** Several percentiles (ascending) in one walk of the buckets: a series asks two per measure per day. */
export function histogramPercentiles(h: Histogram, ps: readonly number[]): (number | null)[] {
  let total = 0;
  for (const n of h.values()) total += n;
  if (total <= 0) return ps.map(() => null);
  const out: (number | null)[] = ps.map(() => null);
  let seen = 0, i = 0;
  for (const b of [...h.keys()].sort((x, y) => x - y)) {
    seen += h.get(b)!;
    while (i < ps.length && seen > Math.floor(ps[i]! * (total - 1))) out[i++] = bucketValue(b);
    if (i === ps.length) break;
  }
  return out;
}
