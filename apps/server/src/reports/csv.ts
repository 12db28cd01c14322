import { COUNT_MEASURES, DURATION_MEASURES } from '@switchboard/core';
import type { ReportFigures, ReportOverview, ReportSeries, ReportTable } from '@switchboard/protocol';

/**
 * CSV of every report (`Accept: text/csv`): RFC 4180 quoting, durations in seconds, shares as
 * percentages; a cell starting with = + - @ is prefixed with ' so a spreadsheet never runs it.
 */
function cell(v: string | number | null): string {
  if (v == null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const line = (xs: (string | number | null)[]) => xs.map(cell).join(',');
const secs = (ms: number | null) => (ms == null ? null : Math.round(ms / 100) / 10);

const HEAD = [
  ...COUNT_MEASURES,
  'answeredInTimePercent',
  ...DURATION_MEASURES.flatMap((m) => [`${m}MeanSeconds`, `${m}MedianSeconds`, `${m}P90Seconds`]),
];
function values(f: ReportFigures): (number | null)[] {
  return [
    ...COUNT_MEASURES.map((m) => f.counts[m]),
    f.answeredInTime == null ? null : Math.round(f.answeredInTime * 1000) / 10,
    ...DURATION_MEASURES.flatMap((m) => [secs(f.durations[m].mean), secs(f.durations[m].median), secs(f.durations[m].p90)]),
  ];
}

export function tableCsv(t: ReportTable): string {
  return [line([t.dimension, ...HEAD]), ...t.items.map((r) => line([r.name, ...values(r.figures)]))].join('\r\n') + '\r\n';
}
export function seriesCsv(s: ReportSeries): string {
  return [line(['period', ...HEAD]), ...s.items.map((r) => line([r.period, ...values(r.figures)]))].join('\r\n') + '\r\n';
}
export function overviewCsv(o: ReportOverview): string {
  const cur = values(o.current);
  const prev = values(o.previous);
  return [line(['measure', 'current', 'previous']), ...HEAD.map((h, i) => line([h, cur[i] ?? null, prev[i] ?? null]))].join('\r\n') + '\r\n';
}
