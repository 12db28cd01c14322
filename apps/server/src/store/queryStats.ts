import fs from 'node:fs';
import type { LogEvent } from 'kysely';

/**
 * Diagnosis for benchmarks: with SB_QUERY_STATS=<file>, every statement's time is summed by its SQL
 * text and the 40 costliest are written to that file when the process exits. Off by default.
 */
export function queryStatsLog(): { log?: (e: LogEvent) => void } {
  const file = process.env.SB_QUERY_STATS;
  if (!file) return {};
  const stats = new Map<string, { n: number; ms: number }>();
  process.on('exit', () => {
    const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40);
    const line = ([text, v]: [string, { n: number; ms: number }]) =>
      `${v.ms.toFixed(0).padStart(6)} ms ${String(v.n).padStart(6)}x ${((v.ms / v.n) * 1000).toFixed(0).padStart(6)}us  ${text.slice(0, 220)}`;
    fs.writeFileSync(file, rows.map(line).join('\n') + '\n');
  });
  return {
    log(e) {
      const text = e.query.sql.replace(/\s+/g, ' ');
      const s = stats.get(text) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += e.queryDurationMillis;
      stats.set(text, s);
    },
  };
}
