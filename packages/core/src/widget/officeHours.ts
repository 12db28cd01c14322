/** Office hours (seed 003: "office hours will be displayed … in case there is no one to respond"). */
export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
export interface OfficeHoursRule {
  timezone: string;
  days: Partial<Record<Weekday, ReadonlyArray<{ open: string; close: string }>>>;
}

const DAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Weekday and minutes since midnight of an instant, in a time zone (UTC when the zone is unknown). */
export function localTime(now: number, timezone: string): { day: Weekday; minutes: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  } catch {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  }
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = get('weekday').slice(0, 3).toLowerCase() as Weekday;
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Is the office open at `now`? An interval is [open, close); close before open runs past midnight. */
export function isOpenAt(rule: OfficeHoursRule, now: number): boolean {
  const { day, minutes } = localTime(now, rule.timezone);
  const today = rule.days[day] ?? [];
  for (const iv of today) {
    const o = toMinutes(iv.open);
    const c = toMinutes(iv.close);
    if (o < c ? minutes >= o && minutes < c : minutes >= o) return true;
  }
  // An interval of yesterday that runs past midnight.
  const yesterday = rule.days[DAYS[(DAYS.indexOf(day) + 6) % 7]!] ?? [];
  return yesterday.some((iv) => toMinutes(iv.close) < toMinutes(iv.open) && minutes < toMinutes(iv.close));
}
