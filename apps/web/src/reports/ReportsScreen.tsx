import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ConversationFilters } from '@switchboard/client';
import type { AgentReport, ReportDimension, ReportOverview, ReportSeries, ReportTable } from '@switchboard/protocol';
import { api, messageOf } from '../api.ts';
import { Chart } from './Chart.tsx';
import { Live } from './Live.tsx';
import { Table, type Row } from './Table.tsx';
import { duration, MEASURES, percent, show } from './format.ts';
import './reports.css';

const DAY = 24 * 3600 * 1000;
const RANGES = [
  { key: 'today', label: 'Today', days: 1 },
  { key: '7d', label: 'Last 7 days', days: 7 },
  { key: '30d', label: 'Last 30 days', days: 30 },
  { key: '90d', label: 'Last 90 days', days: 90 },
  { key: '365d', label: 'Last year', days: 365 },
] as const;
const DIMENSIONS: { key: ReportDimension; label: string }[] = [
  { key: 'queue', label: 'Queue' }, { key: 'agent', label: 'Agent' }, { key: 'channel', label: 'Channel' }, { key: 'inbox', label: 'Inbox' },
  { key: 'tag', label: 'Tag' }, { key: 'label', label: 'Label' }, { key: 'customerTag', label: 'Customer tag' },
];

/**
 * A table row as the conversation list's filter (drill-down): the conversations that arrived in the
 * range, of that queue, agent, channel, inbox, tag, label or customer tag — the ones behind the
 * figures. "No queue" and "No inbox" have no list filter (null).
 */
function drillFilters(dimension: ReportDimension, key: string, range: { from: number; to: number }): ConversationFilters | null {
  const id = key === 'none' ? null : Number(key);
  const base: ConversationFilters = { view: 'all', createdSince: range.from, createdBefore: range.to };
  switch (dimension) {
    case 'queue': return id == null ? null : { ...base, queueId: [id] };
    case 'agent': return id == null ? { ...base, view: 'unassigned' } : { ...base, assigneeId: [id] };
    case 'channel': return { ...base, channel: [key] as ConversationFilters['channel'] };
    case 'inbox': return id == null ? null : { ...base, inboxId: [id] };
    case 'tag': return id == null ? null : { ...base, tagId: [id] };
    case 'label': return id == null ? null : { ...base, labelId: [id] };
    case 'customerTag': return id == null ? null : { ...base, customerTagId: [id] };
  }
}

async function downloadCsv(path: string, query: Record<string, string | number>, name: string): Promise<void> {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  const res = await fetch(`/api/v1${path}?${qs}`, { headers: { accept: 'text/csv' }, credentials: 'same-origin' });
  if (!res.ok) throw new Error(`The server answered ${res.status}.`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export default function ReportsScreen({ onDrill, toast }: { onDrill: (f: ConversationFilters) => void; toast: (text: string) => void }) {
  const [rangeKey, setRangeKey] = useState<(typeof RANGES)[number]['key']>('30d');
  const [grain, setGrain] = useState<'day' | 'week' | 'month'>('day');
  const [dimension, setDimension] = useState<ReportDimension>('queue');
  const [overview, setOverview] = useState<ReportOverview | null>(null);
  const [series, setSeries] = useState<ReportSeries | null>(null);
  const [table, setTable] = useState<ReportTable | null>(null);
  const [agents, setAgents] = useState<AgentReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  // The range ends at the next local midnight, so "today" and "last 7 days" are whole days.
  const query = useMemo(() => {
    const end = new Date();
    end.setHours(24, 0, 0, 0);
    const days = RANGES.find((r) => r.key === rangeKey)!.days;
    return { from: end.getTime() - days * DAY, to: end.getTime() };
  }, [rangeKey]);

  useEffect(() => {
    let gone = false;
    setError(null);
    Promise.all([
      api.request<ReportOverview>('GET', '/reports/overview', undefined, query),
      api.request<ReportSeries>('GET', '/reports/series', undefined, { ...query, grain }),
      api.request<AgentReport>('GET', '/reports/agents', undefined, query),
    ]).then(
      ([o, s, a]) => {
        if (gone) return;
        setOverview(o);
        setSeries(s);
        setAgents(a);
      },
      (e) => !gone && setError(messageOf(e)),
    );
    return () => {
      gone = true;
    };
  }, [query, grain]);
  useEffect(() => {
    let gone = false;
    api.request<ReportTable>('GET', `/reports/tables/${dimension}`, undefined, query).then((t) => !gone && setTable(t), (e) => !gone && setError(messageOf(e)));
    return () => {
      gone = true;
    };
  }, [query, dimension]);

  const csv = useCallback(
    (path: string, name: string, extra: Record<string, string | number> = {}) => downloadCsv(path, { ...query, ...extra }, name).catch((e) => toast(e instanceof Error ? e.message : 'Export failed')),
    [query, toast],
  );
  const periods = useMemo(() => series?.items.map((i) => i.period) ?? [], [series]);

  return (
    <main className="reports" aria-label="Reports">
      <div className="reports-bar">
        <h1>Reports</h1>
        <label>
          Range{' '}
          <select aria-label="Range" value={rangeKey} onChange={(e) => setRangeKey(e.target.value as typeof rangeKey)}>
            {RANGES.map((r) => <option key={r.key} value={r.key}>{r.label}</option>)}
          </select>
        </label>
        <label>
          Chart by{' '}
          <select aria-label="Chart by" value={grain} onChange={(e) => setGrain(e.target.value as typeof grain)}>
            <option value="day">Day</option><option value="week">Week</option><option value="month">Month</option>
          </select>
        </label>
        <span className="muted">{overview ? `Times in ${overview.timeZone}; compared with the ${RANGES.find((r) => r.key === rangeKey)!.label.toLowerCase().replace('last ', 'previous ')}` : ''}</span>
        <div className="spacer" />
        <button className="btn" onClick={() => void csv('/reports/overview', 'overview')}>Export overview (CSV)</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <Live />
      {overview && (
        <section aria-label="Overview" className="report-cards">
          {MEASURES.map((m) => {
            const cur = m.value(overview.current);
            const prev = m.value(overview.previous);
            const change = cur != null && prev != null && prev !== 0 ? (cur - prev) / prev : null;
            const better = change == null || change === 0 ? null : (change < 0) === Boolean(m.lowerIsBetter);
            return (
              <article key={m.key} className="report-card" data-measure={m.key}>
                <h3>{m.label}</h3>
                <p className="report-value" data-testid={`figure-${m.key}`}>{show(m, cur)}</p>
                <p className={`report-change ${better == null ? '' : better ? 'better' : 'worse'}`}>
                  {change == null ? `previous ${show(m, prev)}` : `${change > 0 ? '▲' : '▼'} ${percent(Math.abs(change))} vs ${show(m, prev)}`}
                </p>
                {m.detail && <p className="muted small">{m.detail(overview.current)}</p>}
                <p className="muted small">{m.help}</p>
              </article>
            );
          })}
          <article className="report-card">
            <h3>Assign / discuss requests</h3>
            {(['assign', 'discuss'] as const).map((k) => {
              const r = overview.requests[k];
              return (
                <p key={k} className="small">
                  <strong>{k === 'assign' ? 'Assign' : 'Discuss'}</strong>: {r.total} sent · {r.byOutcome.accepted} accepted · {r.byOutcome.rejected} rejected · {r.byOutcome.timed_out} timed out ·{' '}
                  {r.byOutcome.withdrawn} withdrawn · answered in {duration(r.timeToAnswer.median)} (median){k === 'discuss' ? ` · resolved ${r.resolvedYes} yes / ${r.resolvedNo} no` : ''}
                </p>
              );
            })}
          </article>
        </section>
      )}
      {series && (
        <section aria-label="Over time" className="report-charts">
          <div className="reports-bar">
            <h2>Over time</h2>
            <div className="spacer" />
            <button className="btn" onClick={() => void csv('/reports/series', `series-${grain}`, { grain })}>Export (CSV)</button>
          </div>
          <div className="report-chart-grid">
            {MEASURES.map((m) => (
              <figure key={m.key} className="report-chart-card">
                <figcaption>{m.label}</figcaption>
                <Chart title={m.label} periods={periods} values={series.items.map((i) => m.value(i.figures))} format={(v) => show(m, v)} />
              </figure>
            ))}
          </div>
        </section>
      )}
      <section aria-label="By dimension">
        <div className="reports-bar">
          <h2>By</h2>
          <div role="tablist" aria-label="Dimension" className="report-tabs">
            {DIMENSIONS.map((d) => (
              <button key={d.key} role="tab" aria-selected={dimension === d.key} className={`btn ${dimension === d.key ? 'primary' : 'ghost'}`} onClick={() => setDimension(d.key)}>
                {d.label}
              </button>
            ))}
          </div>
          <div className="spacer" />
          <button className="btn" onClick={() => void csv(`/reports/tables/${dimension}`, `by-${dimension}`)}>Export table (CSV)</button>
        </div>
        {table && table.dimension === dimension && (
          <Table
            label={DIMENSIONS.find((d) => d.key === dimension)!.label}
            rows={table.items as Row[]}
            onDrill={(r) => {
              const f = drillFilters(dimension, r.key, query);
              if (f) onDrill(f);
              else toast('The conversation list cannot filter by this yet.');
            }}
          />
        )}
      </section>
      {agents && (
        <section aria-label="Agents">
          <h2>Agents: time per status</h2>
          <table className="report-table" aria-label="Agent time">
            <thead>
              <tr><th scope="col">Agent</th><th scope="col">Available</th><th scope="col">Busy</th><th scope="col">Do not respond</th><th scope="col">Away</th><th scope="col">Handle time</th><th scope="col">Occupancy</th></tr>
            </thead>
            <tbody>
              {agents.items.map((a) => (
                <tr key={a.userId}>
                  <th scope="row">{a.name}</th>
                  <td>{duration(a.byStatus.available)}</td><td>{duration(a.byStatus.busy)}</td><td>{duration(a.byStatus.do_not_respond)}</td><td>{duration(a.byStatus.away)}</td>
                  <td>{duration(a.handleMs)}</td><td title={`capacity ${a.capacity}`}>{percent(a.occupancy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}
