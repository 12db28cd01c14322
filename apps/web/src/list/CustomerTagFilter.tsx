import { useEffect, useState } from 'react';
import type { ConversationFilters } from '../types.ts';
import { api } from '../api.ts';
import { toggled } from '../ui.tsx';

/** Seed 002's tag filter: customer tags by how many conversations carry them, a search box, "No tags" and "Pinned". */
export function CustomerTagFilter({ filters, setFilters }: { filters: ConversationFilters; setFilters: (f: ConversationFilters) => void }) {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [counts, setCounts] = useState<{ items: Array<{ id: number; name: string; color: string; count: number }>; noTags: number } | null>(null);
  const pinned = Boolean(filters.pinnedCustomerTags);
  useEffect(() => {
    if (!open) return;
    api.customerTagCounts(pinned).then(setCounts, () => setCounts({ items: [], noTags: 0 }));
  }, [open, pinned]);
  const chosen = new Set(filters.customerTagId ?? []);
  const n = chosen.size + (filters.noCustomerTags ? 1 : 0);
  const shown = (counts?.items ?? []).filter((t) => t.name.toLowerCase().includes(q.trim().toLowerCase()));
  const set = (patch: Partial<ConversationFilters>) => setFilters({ ...filters, ...patch });
  return (
    <div className="menu-wrap">
      <button className={`btn small${n ? ' primary' : ''}`} aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        Customer tags{n ? ` (${n})` : ''}
      </button>
      {open && (
        <div className="tag-filter" role="group" aria-label="Filter by customer tags">
          <input type="search" aria-label="Search customer tags" placeholder="Search tags" value={q} onChange={(e) => setQ(e.target.value)} />
          <label className="check">
            <input type="checkbox" checked={pinned} onChange={(e) => set({ pinnedCustomerTags: e.target.checked || undefined })} />
            Pinned only
          </label>
          <ul>
            <li>
              <label className="check">
                <input type="checkbox" checked={Boolean(filters.noCustomerTags)} onChange={(e) => set({ noCustomerTags: e.target.checked || undefined, customerTagId: undefined })} />
                <span className="tag-name">No tags</span>
                <span className="muted count">{counts?.noTags ?? '…'}</span>
              </label>
            </li>
            {shown.map((t) => (
              <li key={t.id}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={chosen.has(t.id)}
                    onChange={(e) => {
                      const next = toggled(chosen, t.id, e.target.checked);
                      set({ customerTagId: next.size ? [...next] : undefined, noCustomerTags: undefined });
                    }}
                  />
                  <span className="chip-dot" style={{ background: t.color }} aria-hidden="true" />
                  <span className="tag-name">{t.name}</span>
                  <span className="muted count">{t.count}</span>
                </label>
              </li>
            ))}
            {counts && !shown.length && <li className="muted small">No customer tags match.</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
