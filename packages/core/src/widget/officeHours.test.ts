import { describe, expect, it } from 'vitest';
import { isOpenAt, localTime, type OfficeHoursRule } from './officeHours.ts';

const weekdays: OfficeHoursRule = {
  timezone: 'Europe/Paris',
  days: { mon: [{ open: '09:00', close: '17:00' }], tue: [{ open: '09:00', close: '12:00' }, { open: '14:00', close: '18:00' }], fri: [{ open: '22:00', close: '02:00' }] },
};
// Monday 5 January 2026; Paris is UTC+1 in winter.
const at = (iso: string) => Date.parse(iso);

describe('office hours', () => {
  it.each([
    ['2026-01-05T07:59:00Z', false, 'Monday 08:59 in Paris, before opening'],
    ['2026-01-05T08:00:00Z', true, 'Monday 09:00 in Paris, opening time'],
    ['2026-01-05T15:59:00Z', true, 'Monday 16:59 in Paris'],
    ['2026-01-05T16:00:00Z', false, 'Monday 17:00 in Paris, closing time'],
    ['2026-01-06T12:00:00Z', false, 'Tuesday 13:00 in Paris, lunch break'],
    ['2026-01-06T13:30:00Z', true, 'Tuesday 14:30 in Paris'],
    ['2026-01-07T10:00:00Z', false, 'Wednesday: not listed, closed all day'],
    ['2026-01-09T21:30:00Z', true, 'Friday 22:30 in Paris, a late shift'],
    ['2026-01-10T00:30:00Z', true, 'Saturday 01:30 in Paris, the Friday shift runs past midnight'],
    ['2026-01-10T01:30:00Z', false, 'Saturday 02:30 in Paris, the late shift is over'],
  ])('at %s open is %s (%s)', (iso, open) => {
    expect(isOpenAt(weekdays, at(iso))).toBe(open);
  });

  it('reads the weekday and time in the office time zone, and falls back to UTC for an unknown zone', () => {
    expect(localTime(at('2026-01-05T23:30:00Z'), 'Asia/Tokyo')).toEqual({ day: 'tue', minutes: 8 * 60 + 30 });
    expect(localTime(at('2026-01-05T23:30:00Z'), 'Not/AZone')).toEqual({ day: 'mon', minutes: 23 * 60 + 30 });
  });
});

describe('office hours at the edges', () => {
  it.each([
    ['2026-01-09T21:00:00Z', true, 'Friday 22:00 in Paris, the late shift opens'],
    ['2026-01-10T01:00:00Z', false, 'Saturday 02:00 in Paris, the late shift closes'],
  ])('at %s open is %s (%s)', (iso, open) => {
    expect(isOpenAt(weekdays, at(iso))).toBe(open);
  });

  it('counts minutes, not only hours', () => {
    const rule: OfficeHoursRule = { timezone: 'UTC', days: { mon: [{ open: '09:30', close: '17:45' }] } };
    expect([at('2026-01-05T09:29:00Z'), at('2026-01-05T09:30:00Z'), at('2026-01-05T17:44:00Z'), at('2026-01-05T17:45:00Z')].map((t) => isOpenAt(rule, t))).toEqual([false, true, true, false]);
  });

  // Sunday 4 January 2026 onwards, one day at a time.
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
  it.each(days.map((d, i) => [d, i] as const))('a night shift that starts on %s runs into the next day only', (d, i) => {
    const rule: OfficeHoursRule = { timezone: 'UTC', days: { [d]: [{ open: '23:00', close: '01:00' }] } };
    const day = (n: number) => Date.UTC(2026, 0, 4 + n, 0, 30);
    expect(isOpenAt(rule, day(i + 1))).toBe(true);
    expect(isOpenAt(rule, day(i + 2))).toBe(false);
    expect(isOpenAt(rule, day(i))).toBe(false);
  });
});
