/**
 * `npm run bench:reads` (also part of `npm run bench`): reads at scale (issue 18, aim 3), on SQLite
 * and PostgreSQL.
 *
 * Fills a fresh database with BENCH_CONVERSATIONS (100,000) conversations of BENCH_MESSAGES_PER (10)
 * messages and one of 2,000 (`readsData.ts`, generated inside the database), starts the real server
 * on it (in this process; requests go through Fastify's inject, so auth, the route and its
 * presenter all run), and times as an administrator and as an agent (two queues, ~2,000 assigned):
 * the conversation list for each sort × filter on page 1 and page 50 (keyset cursor found first),
 * search by content (a rare order number, a topic word in ~1,000 messages), name, email, phone and
 * #id, the unread total and a history page of 200 messages (the API's largest; 5 pages make 1,000).
 * Then inbound messages at a fixed offered rate for a few seconds, alone and while a search loop
 * runs, p99 measured from each message's due time. Prints p50 / p99 and this process's CPU per call
 * (the work, on a loaded machine, where the wall time is mostly waiting for a core). Goal: p99 ≤ 50 ms.
 *
 * Environment: BENCH_CONVERSATIONS  BENCH_MESSAGES_PER  BENCH_ROUNDS (20)  BENCH_ENGINES sqlite,postgres
 *              BENCH_PG_URL (or DATABASE_URL)  BENCH_KEEP=1 keeps the database  BENCH_REUSE=<schema | directory>
 *              BENCH_ONLY=search,unread (only timings whose name holds one of these)
 *              BENCH_INBOUND_RATE (20/s)  BENCH_INBOUND_SECONDS (5)  BENCH_PLANS=1 prints each query's plan
 *              SB_QUERY_STATS=<file> the statements' summed times, costliest first
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { createServer, type Server } from '../apps/server/src/server.ts';
import { openStore } from '../apps/server/src/store/db.ts';
import { hashToken, newToken } from '../apps/server/src/auth/secrets.ts';
import { ensureBuiltins } from '../apps/server/src/demo/seed.ts';
import { fillReadsDatabase } from './readsData.ts';
import { pct, sample } from './timing.ts';
import { PG_URL } from './engines.ts';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 100_000);
const MESSAGES_PER = Number(process.env.BENCH_MESSAGES_PER ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const ONLY = process.env.BENCH_ONLY?.split(',');
const RATE = Number(process.env.BENCH_INBOUND_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_INBOUND_SECONDS ?? 5);
const GOAL = 50;

const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');

interface Who { name: string; token: string }

async function get(server: Server, who: Who, url: string): Promise<any> {
  const r = await server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${who.token}` } });
  if (r.statusCode !== 200) throw new Error(`${url} as ${who.name}: ${r.statusCode} ${r.body.slice(0, 200)}`);
  return r.json();
}

const results: Array<{ name: string; p50: number; p99: number }> = [];

async function time(name: string, fn: () => Promise<unknown>): Promise<void> {
  if (ONLY && !ONLY.some((o) => name.includes(o))) return;
  const { ms, cpu } = await sample(ROUNDS, fn);
  const p99 = pct(ms, 0.99);
  results.push({ name, p50: pct(ms, 0.5), p99 });
  console.log(`    ${name.padEnd(58)} p50 ${pct(ms, 0.5).toFixed(1).padStart(6)} ms  p99 ${p99.toFixed(1).padStart(6)} ms  cpu p50 ${pct(cpu, 0.5).toFixed(1).padStart(5)} ms${p99 > GOAL ? '  (over 50 ms)' : ''}`);
}

/** The cursor of page `page` (1-based) of a list, walking there once; null when the list is shorter. */
async function cursorOf(server: Server, who: Who, query: string, page: number): Promise<string | null> {
  let cursor: string | null = null;
  for (let p = 1; p < page; p++) {
    const body: { nextCursor: string | null } = await get(server, who, `/api/v1/conversations?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    if (!body.nextCursor) return null;
    cursor = body.nextCursor;
  }
  return cursor;
}

const FILTERS: Array<[string, string]> = [
  ['all', ''],
  ['view=mine', 'view=mine'],
  ['view=queued', 'view=queued'],
  ['view=unassigned', 'view=unassigned'],
  ['status=resolved', 'status=resolved'],
  ['status=active,pending', 'status=active,pending'],
  ['channel=web', 'channel=web'],
  ['queueId=2', 'queueId=2'],
  ['tagId=3', 'tagId=3'],
  ['labelId', 'labelId=LABEL'],
  ['customerTagId=22', 'customerTagId=22'],
  ['unread', 'unread=true'],
  ['bot=false', 'bot=false'],
];

async function inbound(server: Server, admin: Who, label: string, background?: () => Promise<void>): Promise<void> {
  if (ONLY && !ONLY.some((o) => 'inbound'.includes(o) || label.includes(o))) return;
  let stop = false;
  let loops = 0;
  // The loop stands for a client searching back to back: each search a request of its own (a turn of the event loop).
  const bg = background ? (async () => { while (!stop) { await background(); loops++; await new Promise((r) => setImmediate(r)); } })() : Promise.resolve();
  const n = RATE * SECONDS;
  const t0 = performance.now() + 100;
  const lat: number[] = [];
  const tag = crypto.randomBytes(3).toString('hex');
  let failed = 0;
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    const due = t0 + (i * 1000) / RATE;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    const r = await server.app.inject({ method: 'POST', url: '/api/v1/inbound/messages', headers: { authorization: `Bearer ${admin.token}` },
      payload: { channel: 'api', externalId: `ext-${1 + ((i * 7919) % (CONVERSATIONS / 2))}`, contact: { name: 'x' }, body: `Inbound ${i} ${tag}`, messageId: `bench-${tag}-${i}` } });
    if (r.statusCode !== 201) failed++;
    lat.push(performance.now() - due);
  })).finally(() => { stop = true; });
  await bg;
  console.log(`    inbound ${RATE}/s for ${SECONDS} s, ${label.padEnd(30)} p50 ${pct(lat, 0.5).toFixed(1).padStart(6)} ms  p99 ${pct(lat, 0.99).toFixed(1).padStart(6)} ms${background ? `  (${loops} searches meanwhile)` : ''}${failed ? `  ${failed} not stored` : ''}`);
  results.push({ name: `inbound (${label})`, p50: pct(lat, 0.5), p99: pct(lat, 0.99) });
}

async function run(engine: string): Promise<void> {
  const reuse = process.env.BENCH_REUSE;
  const schema = reuse && engine === 'postgres' ? reuse : `bench_reads_${crypto.randomBytes(3).toString('hex')}`;
  const dir = reuse && engine === 'sqlite' ? reuse : fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-reads-'));
  const storeConfig = engine === 'postgres' ? { databaseUrl: PG_URL, pgSchema: schema } : { dataDir: dir, sqliteFile: 'switchboard.db' };
  const end = Date.now();
  if (!reuse) {
    console.log(`${engine}: filling ${CONVERSATIONS.toLocaleString()} conversations, ${(CONVERSATIONS * MESSAGES_PER).toLocaleString()} messages (load average ${load()})`);
    const store = await openStore(storeConfig);
    const t0 = performance.now();
    await fillReadsDatabase(store, engine === 'postgres' ? { pgUrl: PG_URL, pgSchema: schema } : { sqliteDir: dir, sqliteFile: 'switchboard.db' },
      { conversations: CONVERSATIONS, messagesPer: MESSAGES_PER, longMessages: 2000 }, end, (s) => console.log(s));
    console.log(`  filled in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    await store.close();
  }
  const server = await createServer({ store: storeConfig, logger: pino({ level: 'silent' }),
    config: { demo: false, redisUrl: undefined, loadLimits: { maxInFlight: 10_000, maxEventLoopDelayMs: 60_000, maxQueueDepth: 10_000, maxIngestLatencyMs: 60_000 } } });
  const db = server.services.store.db;
  await ensureBuiltins(server.services.store);
  const tokenOf = async (userId: number) => {
    const token = newToken('sbt');
    await db.insertInto('api_tokens').values({ user_id: userId, name: 'bench', token_hash: hashToken(token), created_at: Date.now(), last_used_at: null }).execute();
    return token;
  };
  const admin: Who = { name: 'admin', token: await tokenOf(1) };
  const agent: Who = { name: 'agent', token: await tokenOf(2) }; // agent 1: queues 2 and 5, conversations n ≡ 0 (mod 50)
  const label = (await db.selectFrom('labels').select('id').where('name', '=', 'bench-label-1').executeTakeFirstOrThrow()).id;
  const N = CONVERSATIONS;
  const agentsOwn = N - 50 * 7; // assigned to agent 1 (n ≡ 0 mod 50, not n ≡ 7 mod 20)
  if (process.env.BENCH_PLANS) await (await import('./readsPlans.ts')).explainReads(server, { admin: { id: 1, role: 'admin', queueIds: new Set() }, agent: { id: 2, role: 'agent', queueIds: new Set([2, 5]) } }, { order: `ORD-${100000 + agentsOwn}` });

  console.log(`  ${engine} (load average ${load()}):`);
  for (const who of [admin, agent]) {
    for (const sort of ['last_activity', 'created', 'processing_order']) {
      for (const [name, f] of FILTERS) {
        const query = `sort=${sort}${f ? `&${f.replace('LABEL', String(label))}` : ''}`;
        if (ONLY && !ONLY.some((o) => `list ${sort} ${name}`.includes(o))) continue;
        await time(`list ${sort} ${name} p1 (${who.name})`, () => get(server, who, `/api/v1/conversations?${query}`));
        const c50 = await cursorOf(server, who, query, 50);
        if (c50) await time(`list ${sort} ${name} p50 (${who.name})`, () => get(server, who, `/api/v1/conversations?${query}&cursor=${c50}`));
      }
    }
    const searches: Array<[string, string]> = [
      ['content, one order', `ORD-${100000 + agentsOwn}`],
      ['content, topic in ~1,000 messages', 'topic123 '],
      ['content, in every conversation', 'has not arrived'],
      ['name', `Customer ${1 + (agentsOwn % (N / 2))}`],
      ['email', `c${1 + (agentsOwn % (N / 2))}@bench.test`],
      ['phone digits', String(70000000 + 1 + (agentsOwn % (N / 2))).slice(1)],
      ['#id', `#${agentsOwn}`],
      ['no match', 'zzqx nothing'],
    ];
    for (const [name, q] of searches) await time(`search ${name} (${who.name})`, () => get(server, who, `/api/v1/conversations?q=${encodeURIComponent(q)}`));
    await time(`unread total (${who.name})`, () => get(server, who, '/api/v1/conversations/unread'));
    await time(`history 200 of 2,000 messages (${who.name})`, () => get(server, who, `/api/v1/conversations/${who === admin ? N : agentsOwn}/messages?limit=200`));
    if (who === admin) await time(`history 5 × 200 = 1,000 messages (admin)`, async () => {
      let before: number | undefined;
      for (let p = 0; p < 5; p++) {
        const body: { items: Array<{ id: number }> } = await get(server, who, `/api/v1/conversations/${N}/messages?limit=200${before ? `&before=${before}` : ''}`);
        before = body.items[0]!.id;
      }
    });
  }
  await inbound(server, admin, 'alone');
  await inbound(server, admin, 'with a search loop', async () => { await get(server, admin, `/api/v1/conversations?q=${encodeURIComponent('topic123 ')}`); });
  const worst = results.reduce((a, r) => (r.name.startsWith('inbound') ? a : Math.max(a, r.p99)), 0);
  console.log(`  ${engine}: worst read p99 ${worst.toFixed(1)} ms, ${results.filter((r) => !r.name.startsWith('inbound') && r.p99 > GOAL).length} of ${results.filter((r) => !r.name.startsWith('inbound')).length} over ${GOAL} ms (load average ${load()})`);
  results.length = 0;
  await server.close();
  if (process.env.BENCH_KEEP || reuse) return console.log(`  kept: ${engine === 'postgres' ? schema : dir}`);
  if (engine === 'postgres') {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  } else fs.rmSync(dir, { recursive: true, force: true });
}

for (const engine of ENGINES) await run(engine);
