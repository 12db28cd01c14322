/**
 * `npm run bench:reports` (also part of `npm run bench`): reports at scale, on SQLite and PostgreSQL.
 *
 * Fills a fresh database with a year of BENCH_CONVERSATIONS (1,000,000) conversations and
 * BENCH_MESSAGES_PER (20) messages each (`reportsData.ts`: generated inside the database, facts
 * written as the projection would), then times what the Reports screen asks for — the overview
 * (with its previous period), the series by day and every table — as an administrator (all queues)
 * over the last 30 days and over the whole year, BENCH_ROUNDS (30) times each after one warm-up,
 * and prints p50 / p99 in milliseconds. The goal: p99 ≤ 300 ms on both engines.
 *
 * Environment: BENCH_CONVERSATIONS  BENCH_MESSAGES_PER  BENCH_ROUNDS  BENCH_RANGES 30,365  BENCH_ENGINES sqlite,postgres
 *              BENCH_PG_URL (or DATABASE_URL)  BENCH_KEEP=1 keeps the SQLite file / PG schema
 *              BENCH_REUSE=<schema | directory> times a kept database again without filling it
 *              BENCH_ONLY=overview,table (only timings whose name holds one of these)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore } from '../apps/server/src/store/db.ts';
import { reportOverview, reportSeries, reportTable } from '../apps/server/src/reports/figures.ts';
import { REPORT_DIMENSIONS } from '@switchboard/protocol';
import { fillReportsDatabase } from './reportsData.ts';
import { pct, sample } from './timing.ts';
import { PG_URL } from './engines.ts';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 1_000_000);
const MESSAGES_PER = Number(process.env.BENCH_MESSAGES_PER ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const DAY = 24 * 3600 * 1000;
/** The ranges timed, in days back from the end of the data: the screen's default and the longest. */
const ONLY = process.env.BENCH_ONLY?.split(',');
const RANGES = (process.env.BENCH_RANGES ?? '30,365').split(',').map(Number);


/**
 * Wall time p50 / p99, and this process's CPU time per call (p50): on a loaded machine the wall
 * time is mostly waiting for a core, the CPU time is the work (on SQLite all of it; on PostgreSQL
 * the server's share is not in it).
 */
async function time(name: string, fn: () => Promise<unknown>): Promise<number> {
  if (ONLY && !ONLY.some((o) => name.includes(o))) return 0;
  const { ms, cpu } = await sample(ROUNDS, fn);
  const p99 = pct(ms, 0.99);
  console.log(`    ${name.padEnd(32)} p50 ${pct(ms, 0.5).toFixed(1).padStart(7)} ms   p99 ${p99.toFixed(1).padStart(7)} ms   cpu p50 ${pct(cpu, 0.5).toFixed(1).padStart(6)} ms${p99 > 300 ? '   (over 300 ms)' : ''}`);
  return p99;
}

async function run(engine: string): Promise<void> {
  // BENCH_REUSE: the PG schema or SQLite directory a BENCH_KEEP run left, timed again without a fill.
  const reuse = process.env.BENCH_REUSE;
  const schema = reuse && engine === 'postgres' ? reuse : `bench_reports_${crypto.randomBytes(3).toString('hex')}`;
  const dir = reuse && engine === 'sqlite' ? reuse : fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-reports-'));
  const target = engine === 'postgres' ? { pgUrl: PG_URL, pgSchema: schema } : { sqliteDir: dir, sqliteFile: 'switchboard.db' };
  const store = await openStore(engine === 'postgres' ? { databaseUrl: PG_URL, pgSchema: schema } : { dataDir: dir, sqliteFile: 'switchboard.db' });
  const end = Date.UTC(2026, 11, 1);
  const tz = 'Europe/Paris';
  console.log(`${engine}: filling ${CONVERSATIONS.toLocaleString()} conversations, ${(CONVERSATIONS * MESSAGES_PER).toLocaleString()} messages`);
  const t0 = performance.now();
  if (!reuse) await fillReportsDatabase(store, target, { conversations: CONVERSATIONS, messagesPer: MESSAGES_PER, queues: 10, agents: 50, contacts: Math.max(10, Math.floor(CONVERSATIONS / 5)) }, end, tz, (s) => console.log(s));
  console.log(`  filled in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const admin = { id: 1, role: 'admin' as const, queueIds: new Set<number>() };
  const supervisor = { id: 2, role: 'supervisor' as const, queueIds: new Set([1, 2, 3]) };
  let worst = 0;
  for (const days of RANGES) {
    const [label, from] = [`last ${days} days`, end - days * DAY];
    const q = { from, to: end, tz };
    console.log(`  ${label} (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}):`);
    worst = Math.max(worst, await time('overview (admin)', () => reportOverview(store.db, admin, q)));
    worst = Math.max(worst, await time('overview (supervisor, 3 queues)', () => reportOverview(store.db, supervisor, q)));
    worst = Math.max(worst, await time('series by day', () => reportSeries(store.db, admin, { ...q, grain: 'day' })));
    worst = Math.max(worst, await time('overview (tag filter)', () => reportOverview(store.db, admin, { ...q, tagId: [3] })));
    for (const d of REPORT_DIMENSIONS) worst = Math.max(worst, await time(`table by ${d}`, () => reportTable(store.db, admin, d, q)));
  }
  console.log(`  ${engine}: worst p99 ${worst.toFixed(1)} ms (load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
  await store.close();
  if (process.env.BENCH_KEEP || reuse) return console.log(`  kept: ${engine === 'postgres' ? schema : dir}`);
  if (engine === 'postgres') {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  } else fs.rmSync(dir, { recursive: true, force: true });
}

for (const engine of ENGINES) await run(engine);
