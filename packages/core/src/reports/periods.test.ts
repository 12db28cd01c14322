import { describe, expect, it } from 'vitest';
import { dayKey, dayOfKey, isTimeZone, localDay, localMidnight, periodIndex, periodKey, periodKeys, periodStarts, previousPeriod, startOfLocalDay } from './periods.ts';

describe('periods in the workspace time zone', () => {
  const t = Date.UTC(2026, 2, 29, 23, 30); // Sunday 29 March 2026, 23:30 UTC
  it.each([
    ['UTC', 'day', '2026-03-29'],
    ['Europe/Paris', 'day', '2026-03-30'], // 01:30 local, after the spring-forward night
    ['America/New_York', 'day', '2026-03-29'],
    ['UTC', 'week', '2026-03-23'],
    ['Europe/Paris', 'week', '2026-03-30'],
    ['UTC', 'month', '2026-03-01'],
    ['Asia/Kathmandu', 'day', '2026-03-30'],
  ] as const)('%s %s → %s', (tz, grain, key) => expect(periodKey(t, tz, grain)).toBe(key));

  it('local midnight across a daylight-saving change', () => {
    expect(localMidnight(2026, 3, 29, 'Europe/Paris')).toBe(Date.UTC(2026, 2, 28, 23));
    expect(localMidnight(2026, 3, 30, 'Europe/Paris')).toBe(Date.UTC(2026, 2, 29, 22));
    expect(startOfLocalDay(t, 'Europe/Paris')).toBe(Date.UTC(2026, 2, 29, 22));
  });

  it('lists every period in a range, empty ones included', () => {
    expect(periodKeys(Date.UTC(2026, 0, 30), Date.UTC(2026, 1, 2), 'UTC', 'day')).toEqual(['2026-01-30', '2026-01-31', '2026-02-01']);
    expect(periodKeys(Date.UTC(2026, 0, 15), Date.UTC(2026, 2, 2), 'UTC', 'month')).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
    expect(periodKeys(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 15), 'UTC', 'week')).toEqual(['2025-12-29', '2026-01-05', '2026-01-12']);
  });

  it('the previous period has the same length and ends where this one starts', () => {
    expect(previousPeriod(1000, 1500)).toEqual({ from: 500, to: 1000 });
  });
});

describe('sorting instants into periods', () => {
  it('finds the local day an instant belongs to by its start', async () => {
    const { periodStarts, periodIndex } = await import('./periods.ts');
    const starts = periodStarts(Date.UTC(2026, 2, 28, 12), Date.UTC(2026, 2, 31), 'Europe/Paris', 'day');
    expect(starts.map((s) => s.key)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31']);
    expect(periodIndex(starts, Date.UTC(2026, 2, 29, 22, 30))).toBe(2); // 00:30 on the 30th in Paris
    expect(periodIndex(starts, Date.UTC(2026, 2, 29, 21, 59))).toBe(1);
    expect(periodIndex(starts, Date.UTC(2026, 2, 27))).toBe(-1);
  });
});

describe('ranges and time zones, at the edges', () => {
  it('an empty range has no periods; a range of one instant has its one period', () => {
    const t = Date.UTC(2026, 2, 10, 12);
    expect(periodKeys(t, t, 'UTC', 'day')).toEqual([]);
    expect(periodKeys(t, t - 1, 'UTC', 'day')).toEqual([]);
    expect(periodKeys(t, t + 1, 'UTC', 'day')).toEqual(['2026-03-10']);
  });
  it('sorts an instant into its period, an instant at a period’s first millisecond included', () => {
    const starts = periodStarts(Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 4), 'UTC', 'day');
    expect(starts.map((s) => s.key)).toEqual(['2026-03-01', '2026-03-02', '2026-03-03']);
    expect([Date.UTC(2026, 1, 28, 23), Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 2) - 1, Date.UTC(2026, 2, 2), Date.UTC(2026, 2, 3, 5), Date.UTC(2026, 2, 9)].map((ms) => periodIndex(starts, ms))).toEqual([-1, 0, 0, 1, 2, 2]);
    expect(periodIndex(starts.slice(0, 1), Date.UTC(2026, 2, 1))).toBe(0);
  });
  it('knows a time zone from a typo', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Europe/Pariss')).toBe(false);
  });
});

describe('day numbers and their keys', () => {
  it('a period key gives back the local day number of its first day, across a DST change', () => {
    const t = Date.UTC(2026, 2, 29, 23, 30); // 01:30 on 30 March in Paris
    const day = localDay(t, 'Europe/Paris');
    expect(dayKey(day)).toBe('2026-03-30');
    expect(dayOfKey(periodKey(t, 'Europe/Paris', 'day'))).toBe(day);
    expect(dayOfKey(dayKey(20_000))).toBe(20_000);
  });
});
