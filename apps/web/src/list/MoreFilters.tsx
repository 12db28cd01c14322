import { useEffect, useRef, useState } from 'react';
import type { ConversationFilters } from '../types.ts';
import type { Directory } from '../stores/directory.ts';

const DAY = 86_400_000;
const RANGES: Array<{ value: string; label: string; ms?: number }> = [
  { value: '', label: 'Any time' },
  { value: '24h', label: 'Last 24 hours', ms: DAY },
  { value: '7d', label: 'Last 7 days', ms: 7 * DAY },
  { value: '30d', label: 'Last 30 days', ms: 30 * DAY },
  { value: 'custom', label: 'Custom range' },
];

/** A local calendar day as epoch ms: its first millisecond, or its last with `end`. */
function dayToMs(day: string, end: boolean): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const t = new Date(`${day}T00:00:00`).getTime();
  return Number.isNaN(t) ? undefined : end ? t + DAY - 1 : t;
}

/**
 * Seed 002's "Filters and sorting" and seed 004's advanced filters in one small popover: sort, agent,
 * queue, workflow label, bots, and the date range of last activity. All combine with AND.
 */
export function MoreFilters({ filters, setFilters, dir }: { filters: ConversationFilters; setFilters: (f: ConversationFilters) => void; dir: Directory }) {
  const [open, setOpen] = useState(false);
  const [range, setRange] = useState(filters.since !== undefined || filters.until !== undefined ? 'custom' : '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const wrap = useRef<HTMLDivElement>(null);
  const set = (patch: Partial<ConversationFilters>) => setFilters({ ...filters, ...patch });
  const n =
    (filters.assigneeId?.length ? 1 : 0) +
    (filters.queueId?.length ? 1 : 0) +
    (filters.labelId?.length ? 1 : 0) +
    (filters.bot !== undefined ? 1 : 0) +
    (filters.since !== undefined || filters.until !== undefined ? 1 : 0) +
    (filters.sort === 'processing_order' ? 1 : 0);

  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  function chooseRange(value: string) {
    setRange(value);
    const preset = RANGES.find((r) => r.value === value);
    if (value === 'custom') set({ since: dayToMs(from, false), until: dayToMs(to, true) });
    else set({ since: preset?.ms ? Date.now() - preset.ms : undefined, until: undefined });
  }
  const agents = dir.users.filter((u) => (u as { active?: boolean }).active !== false);

  return (
    <div
      className="menu-wrap"
      ref={wrap}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || !open) return;
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
        wrap.current?.querySelector<HTMLElement>('.more-filters-btn')?.focus();
      }}
    >
      <button
        type="button"
        className={`btn small more-filters-btn${n ? ' primary' : ''}`}
        aria-expanded={open}
        aria-controls="more-filters"
        onClick={() => setOpen((v) => !v)}
      >
        Filters{n ? ` (${n})` : ''}
      </button>
      {open && (
        <div
          id="more-filters"
          className="more-filters"
          role="group"
          aria-label="Filters and sorting"
        >
          <div className="mf-row">
            <span aria-hidden="true">Sort by</span>
            <select aria-label="Sort by" value={filters.sort ?? 'last_activity'} onChange={(e) => set({ sort: e.target.value === 'processing_order' ? 'processing_order' : undefined })}>
              <option value="last_activity">Last activity</option>
              <option value="processing_order">Processing order</option>
            </select>
          </div>
          <div className="mf-row">
            <span aria-hidden="true">Agent</span>
            <select aria-label="Agent" value={filters.assigneeId?.[0] ?? ''} onChange={(e) => set({ assigneeId: e.target.value ? [Number(e.target.value)] : undefined })}>
              <option value="">Any agent</option>
              {agents.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </div>
          <div className="mf-row">
            <span aria-hidden="true">Queue</span>
            <select aria-label="Queue" value={filters.queueId?.[0] ?? ''} onChange={(e) => set({ queueId: e.target.value ? [Number(e.target.value)] : undefined })}>
              <option value="">Any queue</option>
              {dir.queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
          </div>
          <div className="mf-row">
            <span aria-hidden="true">Label</span>
            <select aria-label="Label" value={filters.labelId?.[0] ?? ''} onChange={(e) => set({ labelId: e.target.value ? [Number(e.target.value)] : undefined })}>
              <option value="">Any label</option>
              {dir.labels.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
            </select>
          </div>
          <div className="mf-row">
            <span aria-hidden="true">Bots</span>
            <select aria-label="Bots" value={filters.bot === undefined ? '' : String(filters.bot)} onChange={(e) => set({ bot: e.target.value === '' ? undefined : e.target.value === 'true' })}>
              <option value="">With or without a bot</option>
              <option value="true">A bot holds it or took part</option>
              <option value="false">No bot</option>
            </select>
          </div>
          <div className="mf-row">
            <span aria-hidden="true">Last activity</span>
            <select aria-label="Last activity" value={range} onChange={(e) => chooseRange(e.target.value)}>
              {RANGES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          </div>
          {range === 'custom' && (
            <div className="date-range">
              <div className="mf-row">
                <span aria-hidden="true">From</span>
                <input
                  type="date"
                  aria-label="From"
                  value={from}
                  onChange={(e) => {
                    setFrom(e.target.value);
                    set({ since: dayToMs(e.target.value, false) });
                  }}
                />
              </div>
              <div className="mf-row">
                <span aria-hidden="true">To</span>
                <input
                  type="date"
                  aria-label="To"
                  value={to}
                  onChange={(e) => {
                    setTo(e.target.value);
                    set({ until: dayToMs(e.target.value, true) });
                  }}
                />
              </div>
            </div>
          )}
          <div className="more-filters-foot">
            <button
              type="button"
              className="btn ghost small"
              disabled={!n}
              onClick={() => {
                setRange('');
                setFrom('');
                setTo('');
                set({ sort: undefined, assigneeId: undefined, queueId: undefined, labelId: undefined, bot: undefined, since: undefined, until: undefined });
              }}
            >
              Clear
            </button>
            <button type="button" className="btn small" onClick={() => setOpen(false)}>
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
