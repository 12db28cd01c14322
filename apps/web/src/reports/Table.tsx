import { useMemo, useState } from 'react';
import type { ReportFigures } from '@switchboard/protocol';
import { MEASURES, show } from './format.ts';

export interface Row { key: string; name: string; figures: ReportFigures }

/**
 * A table of one dimension: sortable by any column (click its header), and every cell drills down
 * to the conversations behind it.
 */
export function Table({ label, rows, onDrill }: { label: string; rows: Row[]; onDrill?: (row: Row) => void }) {
  const [sort, setSort] = useState<{ by: string; desc: boolean }>({ by: 'created', desc: true });
  const sorted = useMemo(() => {
    const m = MEASURES.find((x) => x.key === sort.by);
    const val = (r: Row) => (m ? (m.value(r.figures) ?? -1) : r.name);
    return [...rows].sort((a, b) => {
      const x = val(a), y = val(b);
      const c = typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y)) : x - y;
      return sort.desc ? -c : c;
    });
  }, [rows, sort]);
  const header = (key: string, text: string) => (
    <th scope="col" aria-sort={sort.by === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button className="th-sort" onClick={() => setSort((s) => ({ by: key, desc: s.by === key ? !s.desc : true }))}>
        {text}
        {sort.by === key ? (sort.desc ? ' ↓' : ' ↑') : ''}
      </button>
    </th>
  );
  if (!rows.length) return <p className="muted">No conversations in this range.</p>;
  return (
    <div className="report-table-wrap">
      <table className="report-table" aria-label={label}>
        <thead>
          <tr>
            {header('name', label)}
            {MEASURES.map((m) => (
              <th key={m.key} scope="col" aria-sort={sort.by === m.key ? (sort.desc ? 'descending' : 'ascending') : 'none'} title={m.help}>
                <button className="th-sort" onClick={() => setSort((s) => ({ by: m.key, desc: s.by === m.key ? !s.desc : true }))}>
                  {m.label}
                  {sort.by === m.key ? (sort.desc ? ' ↓' : ' ↑') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.name}</th>
              {MEASURES.map((m) => (
                <td key={m.key} title={m.detail?.(r.figures)}>
                  {onDrill ? (
                    <button className="cell-drill" onClick={() => onDrill(r)} aria-label={`${r.name}: ${m.label} ${show(m, m.value(r.figures))} — show conversations`}>
                      {show(m, m.value(r.figures))}
                    </button>
                  ) : (
                    show(m, m.value(r.figures))
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
