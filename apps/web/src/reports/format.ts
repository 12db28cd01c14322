import type { ReportFigures } from '@switchboard/protocol';

/** How figures read on screen: durations as 1 h 05 m / 4 m 30 s / 45 s, shares as percentages. */
export function duration(ms: number | null | undefined): string {
  if (ms == null) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} m`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
export const percent = (x: number | null | undefined) => (x == null ? '—' : `${(x * 100).toFixed(1)} %`);
// The browser's own locale, unless it has none the platform accepts (a headless shell may say
// "en-US@posix", which toLocaleString refuses with a RangeError).
const numbers = (() => {
  try {
    return new Intl.NumberFormat();
  } catch {
    return new Intl.NumberFormat('en');
  }
})();
export const count = (n: number) => numbers.format(n);

export type Measure = {
  key: string;
  label: string;
  /** What it means, shown under the figure: figures are explained, not just shown. */
  help: string;
  kind: 'count' | 'duration' | 'share';
  /** Lower is better (times, abandons): a rise is shown as a worsening. */
  lowerIsBetter?: boolean;
  value(f: ReportFigures): number | null;
  /** For durations: the median and 90th percentile beside the mean. */
  detail?(f: ReportFigures): string;
};

const d = (k: keyof ReportFigures['durations'], label: string, help: string): Measure => ({
  key: k,
  label,
  help,
  kind: 'duration',
  lowerIsBetter: true,
  value: (f) => f.durations[k].mean,
  detail: (f) => `median ${duration(f.durations[k].median)} · 90th ${duration(f.durations[k].p90)} · ${count(f.durations[k].count)} measured`,
});
const c = (k: keyof ReportFigures['counts'], label: string, help: string, lowerIsBetter = false): Measure => ({
  key: k, label, help, kind: 'count', lowerIsBetter, value: (f) => f.counts[k],
});

export const MEASURES: Measure[] = [
  c('created', 'Conversations', 'Arrived in the range; every figure here is about these conversations'),
  c('resolved', 'Resolved', 'Resolved (handled) and not reopened since'),
  c('abandoned', 'Abandoned', 'The customer left before anyone joined', true),
  c('callback', 'Callbacks', 'The customer asked to be called back instead of waiting', true),
  c('reopened', 'Reopened', 'Closed or resolved, then opened again', true),
  c('linked', 'Follow-ups', 'New conversations started by writing to a resolved one'),
  { key: 'answeredInTime', label: 'Answered in time', help: 'Replies sent within the queue’s reply time limit', kind: 'share', value: (f) => f.answeredInTime, detail: (f) => `${count(f.counts.repliesBreached)} of ${count(f.counts.repliesDue)} late` },
  d('firstResponse', 'First response', 'Arrival to the first agent reply (mean)'),
  d('wait', 'Wait in queue', 'Arrival to the first accept (mean)'),
  d('handle', 'Handle time', 'Active or pending with an agent in charge (mean)'),
  d('wrapUp', 'Wrap-up time', 'Time in wrap-up after the chat ended (mean)'),
  d('resolution', 'Resolution time', 'Arrival to resolution (mean)'),
  c('offersDeclined', 'Offers declined', 'Offers an agent declined', true),
  c('offersTimedOut', 'Offers timed out', 'Offers nobody answered in time', true),
];

export function show(m: Measure, v: number | null): string {
  return m.kind === 'duration' ? duration(v) : m.kind === 'share' ? percent(v) : v == null ? '—' : count(v);
}
