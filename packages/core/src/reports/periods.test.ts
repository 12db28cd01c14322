import { describe, expect, it } from 'vitest';
import { localMidnight, periodKey, periodKeys, previousPeriod, startOfLocalDay } from './periods.ts';

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
