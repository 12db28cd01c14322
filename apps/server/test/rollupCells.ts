import { parseHistogram } from '@switchboard/core';

/**
 * Stored rollup cells as tests compare them: numbers as numbers, histograms as objects, and each
 * cell the sum of its shards (migration 027: concurrent transactions write different shards of a
 * cell, and a shard may hold a negative move; only the sum means anything). Emptied cells are left out.
 */
export type Cells = Map<string, Record<string, unknown>>;
const KEY = new Set(['day', 'queue_id', 'agent_id', 'channel', 'inbox_id', 'dim', 'dim_id']);

export function storedCells(rows: Record<string, unknown>[], keyOf: (r: Record<string, unknown>) => string): Cells {
  const out: Cells = new Map();
  for (const r of rows) {
    const k = keyOf(r);
    const o = normal(r);
    const into = out.get(k);
    if (!into) {
      out.set(k, o);
      continue;
    }
    for (const [c, v] of Object.entries(o)) {
      if (KEY.has(c)) continue;
      if (!c.endsWith('_hist')) {
        into[c] = (into[c] as number) + (v as number);
        continue;
      }
      const h = into[c] as Record<string, number>;
      for (const [b, n] of Object.entries(v as Record<string, number>)) {
        h[b] = (h[b] ?? 0) + n;
        if (h[b] === 0) delete h[b];
      }
    }
  }
  return new Map([...out].filter(([, r]) => r.created !== 0));
}

function normal(r: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k !== 'shard') o[k] = k.endsWith('_hist') ? Object.fromEntries(parseHistogram(v as string)) : k === 'channel' || k === 'dim' ? v : Number(v);
  }
  return o;
}
