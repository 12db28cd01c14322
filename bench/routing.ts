/**
 * `npm run bench:routing`: the routing engine under load, on SQLite and on PostgreSQL.
 *
 * 10,000 conversations queue up while nobody is available; then 200 agents come online and work
 * the line: each accepts every offer it gets and resolves the conversation at once, which frees the
 * place and routes the next one. Agents hear about offers the way the stream does (the dispatcher).
 * Then a live phase: with the line empty and agents free, conversations arrive one at a time.
 *
 * Prints assignments/s, and enqueue → offer latency (p50/p99): for the backlog (offer time minus
 * enqueue time: mostly waiting for a free agent) and live (from the enqueue call until the offered
 * agent hears of the offer through the dispatcher, with free agents: the routing cost itself).
 *
 * Environment:
 *   BENCH_CONVERSATIONS (10000)  BENCH_AGENTS (200)  BENCH_LIVE (500)
 *   BENCH_ENGINES   sqlite,postgres
 *   BENCH_PG_URL    postgres://root@127.0.0.1:5432/test (or DATABASE_URL when it is postgres://)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import pg from 'pg';
import { createServer, type Server } from '../apps/server/src/server.ts';
import { hashPassword } from '../apps/server/src/auth/secrets.ts';
import { runAction } from '../apps/server/src/actions/context.ts';
import { openConversation } from '../apps/server/src/actions/opening.ts';
import { changeConversationStatus } from '../apps/server/src/actions/lifecycle.ts';
import { acceptOffer } from '../apps/server/src/actions/routing/offers.ts';
import { setPresence } from '../apps/server/src/actions/routing/presence.ts';
import { insertUser } from '../apps/server/src/store/users.ts';
import type { Clock } from '../apps/server/src/clock.ts';

function intEnv(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
}
const CONVERSATIONS = intEnv('BENCH_CONVERSATIONS', 10_000);
const AGENTS = intEnv('BENCH_AGENTS', 200);
const LIVE = intEnv('BENCH_LIVE', 500);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const PG_URL = process.env.BENCH_PG_URL ?? (process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://root@127.0.0.1:5432/test');

/** Wall time, but not `systemClock` itself: the server then leaves the timer loop to us (none needed). */
const wallClock: Clock = { now: () => Date.now() };

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

interface Result {
  engine: string;
  enqueuePerSec: number;
  assignmentsPerSec: number;
  backlogP50: number;
  backlogP99: number;
  liveP50: number;
  liveP99: number;
}

async function runOn(engine: 'sqlite' | 'postgres'): Promise<Result> {
  const schema = `bench_routing_${crypto.randomBytes(4).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-routing-'));
  const server: Server = await createServer({
    clock: wallClock,
    logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
    config: { demo: false, redisUrl: undefined },
    store: engine === 'postgres' ? { databaseUrl: PG_URL, pgSchema: schema } : { dataDir, sqliteFile: 'bench.db' },
  });
  const { store } = server.services;
  const ctx = server.services.actions;
  try {
    const now = Date.now();
    const queue = await store.db
      .insertInto('queues')
      .values({ name: 'Bench', routing_mode: 'auto_assign', settings: JSON.stringify({ capacity: 5, offerTimeoutMs: 10 * 60_000 }), created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const contact = await store.db
      .insertInto('contacts')
      .values({ name: 'Bench customer', email: null, phone: null, attributes: '{}', source: '{}', blocked: 0, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const passwordHash = await hashPassword('bench-password');
    const agents: { id: number; name: string }[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const id = await insertUser(store.db, { email: `agent${i}@bench.test`, name: `Agent ${i}`, role: 'agent', passwordHash, capacity: null, now });
      agents.push({ id, name: `Agent ${i}` });
    }
    await store.db.insertInto('queue_members').values(agents.map((a) => ({ queue_id: queue.id, user_id: a.id }))).execute();

    // Phase 1: the line fills up while nobody is available.
    let t0 = performance.now();
    for (let i = 0; i < CONVERSATIONS; i++) {
      await runAction(ctx, (tx, emit) => openConversation(tx, emit, { contactId: contact.id, channel: 'api', queueId: queue.id, now: Date.now() }));
    }
    const enqueueSecs = (performance.now() - t0) / 1000;

    // Phase 2: agents come online and work the line, hearing of offers as the stream would.
    const inbox = new Map<number, number[]>(agents.map((a) => [a.id, []]));
    const wake = new Map<number, () => void>();
    let assigned = 0;
    let allDone: () => void = () => {};
    const finished = new Promise<void>((r) => (allDone = r));
    const target = CONVERSATIONS + LIVE;
    const heardAt = new Map<number, number>();
    server.services.dispatcher.subscribe((rows) => {
      for (const r of rows) {
        if (r.type !== 'offer.created' || r.user_id == null) continue;
        if (!heardAt.has(r.conversation_id!)) heardAt.set(r.conversation_id!, performance.now());
        inbox.get(r.user_id)?.push(JSON.parse(r.data).offer.id);
        wake.get(r.user_id)?.();
      }
    });
    let stop = false;
    const viewerOf = (a: { id: number; name: string }) => ({ id: a.id, role: 'agent' as const, queueIds: new Set([queue.id]), name: a.name });
    const work = async (a: { id: number; name: string }) => {
      const viewer = viewerOf(a);
      while (!stop) {
        const offerId = inbox.get(a.id)!.shift();
        if (offerId === undefined) {
          await new Promise<void>((r) => wake.set(a.id, r));
          wake.delete(a.id);
          continue;
        }
        const conversationId = await acceptOffer(ctx, viewer, offerId);
        if (++assigned === target) allDone();
        await changeConversationStatus(ctx, viewer, conversationId, { kind: 'resolve' });
      }
    };
    t0 = performance.now();
    // One after the other, as sign-ins arrive: 200 at once would wait on PostgreSQL's pool past its
    // 2-second limit (a 503 a browser would retry), which is not what this bench measures.
    for (const a of agents) await setPresence(ctx, viewerOf(a), 'available');
    const workers = agents.map(work);
    while (assigned < CONVERSATIONS) await new Promise((r) => setTimeout(r, 20));
    const assignSecs = (performance.now() - t0) / 1000;

    // Phase 3: live arrivals with free agents.
    const liveIds: number[] = [];
    const enqueuedAt = new Map<number, number>();
    for (let i = 0; i < LIVE; i++) {
      const start = performance.now();
      const c = await runAction(ctx, (tx, emit) => openConversation(tx, emit, { contactId: contact.id, channel: 'api', queueId: queue.id, now: Date.now() }));
      enqueuedAt.set(c.id, start);
      liveIds.push(c.id);
      while (!heardAt.has(c.id)) await new Promise((r) => setImmediate(r));
    }
    await finished;
    stop = true;
    for (const w of wake.values()) w();
    await Promise.all(workers);

    const firstOffers = await store.db
      .selectFrom('offers as o')
      .innerJoin('conversations as c', 'c.id', 'o.conversation_id')
      .select(['c.id', 'c.created_at', (eb) => eb.fn.min('o.created_at').as('offered_at')])
      .where('c.queue_id', '=', queue.id)
      .groupBy(['c.id', 'c.created_at'])
      .execute();
    const live = new Set(liveIds);
    const backlog = firstOffers.filter((r) => !live.has(r.id)).map((r) => Number(r.offered_at) - r.created_at).sort((a, b) => a - b);
    // Live: from the enqueue call to the offered agent hearing of it (commit + dispatch), in ms.
    void live;
    const liveLat = liveIds.map((id) => heardAt.get(id)! - enqueuedAt.get(id)!).sort((a, b) => a - b);
    return {
      engine,
      enqueuePerSec: CONVERSATIONS / enqueueSecs,
      assignmentsPerSec: CONVERSATIONS / assignSecs,
      backlogP50: quantile(backlog, 0.5),
      backlogP99: quantile(backlog, 0.99),
      liveP50: quantile(liveLat, 0.5),
      liveP99: quantile(liveLat, 0.99),
    };
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (engine === 'postgres') {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    }
  }
}

async function pgAnswers(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

const results: Result[] = [];
for (const engine of ENGINES) {
  if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`unknown engine ${engine}`);
  if (engine === 'postgres' && !(await pgAnswers())) {
    process.stdout.write(`routing bench: PostgreSQL at ${PG_URL} does not answer; skipped\n`);
    continue;
  }
  process.stdout.write(`routing bench: ${engine}, ${CONVERSATIONS} queued conversations, ${AGENTS} agents, ${LIVE} live arrivals…\n`);
  results.push(await runOn(engine));
}
const f = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');
process.stdout.write('\nengine     enqueue/s  assignments/s  backlog enqueue→offer p50 / p99 (ms)  live enqueue→offer p50 / p99 (ms)\n');
for (const r of results) {
  const g = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
  process.stdout.write(
    `${r.engine.padEnd(10)} ${f(r.enqueuePerSec).padStart(9)}  ${f(r.assignmentsPerSec).padStart(13)}  ${`${f(r.backlogP50)} / ${f(r.backlogP99)}`.padStart(36)}  ${`${g(r.liveP50)} / ${g(r.liveP99)}`.padStart(33)}\n`,
  );
}
