/**
 * Calendar periods in the workspace's time zone, computed with the platform's time zone data (Intl),
 * so a day is a local day across daylight-saving changes. Weeks start on Monday (ISO 8601).
 */
export type Grain = 'day' | 'week' | 'month';

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(tz, f);
  }
  return f;
}

export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

interface Local { y: number; m: number; d: number; h: number; min: number; s: number }
function local(ms: number, tz: string): Local {
  const p = Object.fromEntries(formatter(tz).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour), min: Number(p.minute), s: Number(p.second) };
}

/** The zone's offset from UTC at an instant, in milliseconds. */
export function offsetAt(ms: number, tz: string): number {
  const l = local(ms, tz);
  return Date.UTC(l.y, l.m - 1, l.d, l.h, l.min, l.s) - Math.floor(ms / 1000) * 1000;
}

/** The instant a local date's midnight falls on. */
export function localMidnight(y: number, m: number, d: number, tz: string): number {
  const guess = Date.UTC(y, m - 1, d);
  let t = guess - offsetAt(guess, tz);
  t = guess - offsetAt(t, tz); // a second pass settles a DST change between guess and answer
  return t;
}

const pad = (n: number) => String(n).padStart(2, '0');
const dateKey = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;

/** The local date (YYYY-MM-DD) of the period an instant belongs to: the day, the Monday, the 1st. */
export function periodKey(ms: number, tz: string, grain: Grain): string {
  const l = local(ms, tz);
  if (grain === 'day') return dateKey(l.y, l.m, l.d);
  if (grain === 'month') return dateKey(l.y, l.m, 1);
  const dow = (new Date(Date.UTC(l.y, l.m - 1, l.d)).getUTCDay() + 6) % 7; // Monday 0
  const monday = new Date(Date.UTC(l.y, l.m - 1, l.d - dow));
  return dateKey(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate());
}

/** Every period key from the one holding `from` to the one holding `to - 1`, in order. */
export function periodKeys(from: number, to: number, tz: string, grain: Grain): string[] {
  const keys: string[] = [];
  if (to <= from) return keys;
  const last = periodKey(to - 1, tz, grain);
  let [y, m, d] = periodKey(from, tz, grain).split('-').map(Number) as [number, number, number];
  for (let i = 0; i < 1000; i++) {
    const k = dateKey(y, m, d);
    keys.push(k);
    if (k >= last) break;
    const next = new Date(Date.UTC(y, m - 1, d + (grain === 'day' ? 1 : grain === 'week' ? 7 : 0)));
    if (grain === 'month') next.setUTCMonth(next.getUTCMonth() + 1);
    [y, m, d] = [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()];
  }
  return keys;
}

/** The period of the same length just before [from, to): what the overview compares with. */
export function previousPeriod(from: number, to: number): { from: number; to: number } {
  return { from: from - (to - from), to: from };
}

/** Local midnight starting the day an instant falls in: "today so far" in the live view. */
export function startOfLocalDay(ms: number, tz: string): number {
  const l = local(ms, tz);
  return localMidnight(l.y, l.m, l.d, tz);
}

/** Each period of a range with the instant it starts, for sorting many instants into periods at once. */
export function periodStarts(from: number, to: number, tz: string, grain: Grain): { key: string; start: number }[] {
  return periodKeys(from, to, tz, grain).map((key) => {
    const [y, m, d] = key.split('-').map(Number) as [number, number, number];
    return { key, start: localMidnight(y, m, d, tz) };
  });
}

/** The index of the period an instant falls in (binary search over `periodStarts`), -1 before the first. */
export function periodIndex(starts: readonly { start: number }[], ms: number): number {
  let lo = 0, hi = starts.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]!.start <= ms) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const DAY_MS = 24 * 3600 * 1000;

/** The local date an instant falls on, as days since 1970-01-01: the day key of the daily rollups. */
export function localDay(ms: number, tz: string): number {
  return Math.floor((ms + offsetAt(ms, tz)) / DAY_MS);
}

/** A local day number as YYYY-MM-DD. */
export function dayKey(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The local day number of a YYYY-MM-DD key (a period's key): `dayKey`'s inverse. */
export function dayOfKey(key: string): number {
  return Date.parse(key) / DAY_MS;
}

/** The instant a local day number starts. */
export function dayStart(day: number, tz: string): number {
  const d = new Date(day * DAY_MS);
  return localMidnight(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), tz);
}

/**
 * The zone's offsets over [from, to): each stretch's start and offset, the first starting at
 * `from`. Sampled every 15 minutes (offset changes are at least that far apart) and each change
 * found to the millisecond, so SQL can compute local days as (t + offset) / day with a short CASE.
 */
export function offsetStretches(from: number, to: number, tz: string): { start: number; offset: number }[] {
  const out = [{ start: from, offset: offsetAt(from, tz) }];
  const STEP = 15 * 60 * 1000;
  for (let t = from; t < to; t += STEP) {
    const next = Math.min(t + STEP, to);
    const o = offsetAt(next, tz);
    if (o === out[out.length - 1]!.offset) continue;
    let lo = t, hi = next; // offset(lo) is the old one, offset(hi) the new
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid, tz) === o) hi = mid;
      else lo = mid;
    }
    out.push({ start: hi, offset: o });
  }
  return out;
}

/** The local day number of the 1st of the month a local day number falls in. */
export function monthOf(day: number): number {
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY_MS;
}

/** The local day number of the 1st of the next month. */
export function nextMonth(month: number): number {
  const d = new Date(month * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY_MS;
}
