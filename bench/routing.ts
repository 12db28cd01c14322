/**
 * `npm run bench:routing`: the routing engine under a real backlog, on SQLite and on PostgreSQL
 * (issue 18, aim 2).
 *
 * - fill: 10,000 conversations wait while nobody is available; then 200 agents (capacity 5) sign in,
 *   ten at a time, and accept every offer as they hear of it (through the dispatcher, as the stream
 *   does). Prints offers/s and assignments/s until the agents are full (1,000 places).
 * - cycle: each agent then resolves what it holds and accepts the next offer, and so on: a freed
 *   place is routed one at a time. Prints assignments/s.
 * - live: another queue with free agents; conversations arrive open-loop at a fixed rate. Prints
 *   arrival → offer heard by the agent, p50/p99, measured from each arrival's due time.
 * - two nodes (PostgreSQL): the fill again on a fresh queue, its agents split over this process and
 *   a second server process on the same database. Prints assignments/s beside the one-node figure.
 * Every phase checks no conversation has two open offers and no agent is past capacity.
 *
 * Environment:
 *   BENCH_CONVERSATIONS (10000)  BENCH_AGENTS (200)  BENCH_CYCLE (2000)  BENCH_LIVE (500)  BENCH_LIVE_RATE (50/s)
 *   BENCH_ENGINES   sqlite,postgres
 *   BENCH_PG_URL    postgres://root@127.0.0.1:5432/test (or DATABASE_URL when it is postgres://)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { createServer, type Server } from '../apps/server/src/server.ts';
import { hashPassword } from '../apps/server/src/auth/secrets.ts';
import { runAction } from '../apps/server/src/actions/context.ts';
import { openConversation } from '../apps/server/src/actions/opening.ts';
import { changeConversationStatus } from '../apps/server/src/actions/lifecycle.ts';
import type { Clock } from '../apps/server/src/clock.ts';
import { agentCrew, createAgents, enqueue, inParallel, retried, routingViolations, startSecondNode, wallMs } from './routingAgents.ts';
import { pct } from './timing.ts';
import { PG_URL, pgAnswers, dropBenchSchema } from './engines.ts';

function intEnv(name: string, fallback: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
}
const CONVERSATIONS = intEnv('BENCH_CONVERSATIONS', 10_000);
const AGENTS = intEnv('BENCH_AGENTS', 200);
const CYCLE = intEnv('BENCH_CYCLE', 2000);
const LIVE = intEnv('BENCH_LIVE', 500);
const LIVE_RATE = intEnv('BENCH_LIVE_RATE', 50);
const LIVE_AGENTS = 20;
const CAPACITY = 5;
const SIGN_IN_CONCURRENCY = 10;
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((s) => s.trim());

/** Wall time, but not `systemClock` itself: the server then leaves the timer loop to us (none needed). */
const wallClock: Clock = { now: () => Date.now() };

interface Result {
  engine: string;
  enqueuePerSec: number;
  fillOffersPerSec: number;
  fillAssignPerSec: number;
  cyclePerSec: number;
  liveP50: number;
  liveP99: number;
  twoNodeAssignPerSec: number;
  violations: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(done: () => boolean | Promise<boolean>, what: string, limitMs = 600_000): Promise<void> {
  const start = Date.now();
  while (!(await done())) {
    if (Date.now() - start > limitMs) throw new Error(`routing bench: ${what} did not finish in ${limitMs / 1000} s`);
    await sleep(10);
  }
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
  const places = Math.min(CONVERSATIONS, AGENTS * CAPACITY);
  let violations = 0;
  const check = async (queueId: number) => {
    const v = await routingViolations(server, queueId, CAPACITY);
    violations += v.doubleOffers + v.overCapacity;
    if (v.doubleOffers || v.overCapacity) process.stdout.write(`  VIOLATION in queue ${queueId}: ${JSON.stringify(v)}\n`);
  };
  try {
    const now = Date.now();
    const newQueue = async (name: string) =>
      (
        await store.db
          .insertInto('queues')
          .values({ name, routing_mode: 'auto_assign', settings: JSON.stringify({ capacity: CAPACITY, offerTimeoutMs: 10 * 60_000 }), created_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const contact = await store.db
      .insertInto('contacts')
      .values({ name: 'Bench customer', email: null, phone: null, attributes: '{}', source: '{}', blocked: 0, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const passwordHash = await hashPassword('bench-password');

    // Fill: the line waits, then the agents sign in and take it until they are full.
    const queue = await newQueue('Backlog');
    const agents = await createAgents(server, queue, AGENTS, 'Agent', passwordHash);
    let t0 = performance.now();
    await enqueue(server, queue, contact.id, CONVERSATIONS);
    const enqueueSecs = (performance.now() - t0) / 1000;
    const fill = agentCrew(server, queue, agents, { resolve: false });
    t0 = performance.now();
    let offersSecs = NaN;
    void fill.signIn(SIGN_IN_CONCURRENCY);
    await until(() => {
      if (Number.isNaN(offersSecs) && fill.heardAt.size >= places) offersSecs = (performance.now() - t0) / 1000;
      return fill.accepted >= places;
    }, 'the fill');
    if (Number.isNaN(offersSecs)) offersSecs = (performance.now() - t0) / 1000;
    const fillSecs = (performance.now() - t0) / 1000;
    await fill.stop();
    await check(queue);

    // Cycle: resolving frees a place, routing offers the next, the agent accepts and resolves it.
    const cycle = agentCrew(server, queue, agents, { resolve: true });
    t0 = performance.now();
    await inParallel(agents, SIGN_IN_CONCURRENCY, async (a) => {
      const held = await retried(() => store.db.selectFrom('conversations').select('id').where('assignee_id', '=', a.id).where('status', '=', 'active').execute());
      const viewer = { id: a.id, role: 'agent' as const, queueIds: new Set([queue]), name: a.name };
      for (const c of held) await retried(() => changeConversationStatus(ctx, viewer, c.id, { kind: 'resolve' }));
    });
    await until(() => cycle.accepted >= Math.min(CYCLE, CONVERSATIONS - places), 'the cycle');
    const cycleSecs = (performance.now() - t0) / 1000;
    await cycle.stop();
    await check(queue);

    // Live: free agents in a queue of their own, arrivals open-loop at a fixed rate.
    const liveQueue = await newQueue('Live');
    const liveCrew = agentCrew(server, liveQueue, await createAgents(server, liveQueue, LIVE_AGENTS, 'Live agent', passwordHash), { resolve: true });
    await liveCrew.signIn(SIGN_IN_CONCURRENCY);
    const dueAt = new Map<number, number>();
    const start = wallMs() + 50;
    const arrivals: Promise<unknown>[] = [];
    for (let i = 0; i < LIVE; i++) {
      const due = start + (i * 1000) / LIVE_RATE;
      const wait = due - wallMs();
      if (wait > 0) await sleep(wait);
      arrivals.push(runAction(ctx, (tx, emit) => openConversation(tx, emit, { contactId: contact.id, channel: 'api', queueId: liveQueue, now: Date.now() })).then((c) => dueAt.set(c.id, due)));
    }
    await Promise.all(arrivals);
    await until(() => [...dueAt.keys()].every((id) => liveCrew.heardAt.has(id)), 'the live arrivals');
    await liveCrew.stop();
    await check(liveQueue);
    const live = [...dueAt].map(([id, due]) => liveCrew.heardAt.get(id)! - due).sort((a, b) => a - b);

    // Two nodes: the fill again, half the agents on a second server process on the same database.
    let twoNodeAssignPerSec = NaN;
    if (engine === 'postgres') {
      const two = await newQueue('Two nodes');
      const twoAgents = await createAgents(server, two, AGENTS, 'Node agent', passwordHash);
      await enqueue(server, two, contact.id, CONVERSATIONS);
      const node = await startSecondNode(PG_URL, schema, { timers: false });
      try {
        const half = Math.floor(AGENTS / 2);
        const mine = agentCrew(server, two, twoAgents.slice(0, half), { resolve: false });
        t0 = performance.now();
        void mine.signIn(SIGN_IN_CONCURRENCY / 2);
        void node.call({ cmd: 'crew', queueId: two, agents: twoAgents.slice(half), resolve: false, concurrency: SIGN_IN_CONCURRENCY / 2 });
        // Retried: under load the poll can wait past the pool's limit behind the crew's transactions.
        const acceptedInQueue = async () =>
          Number(
            (await retried(() => sql<{ n: number }>`select count(*) as n from offers o join conversations c on c.id = o.conversation_id where c.queue_id = ${two} and o.status = 'accepted'`.execute(store.db))).rows[0]!.n,
          );
        await until(async () => (await acceptedInQueue()) >= places, 'the two-node fill');
        twoNodeAssignPerSec = places / ((performance.now() - t0) / 1000);
        await mine.stop();
        await node.call({ cmd: 'stopCrew' });
      } finally {
        await node.close();
      }
      await check(two);
    }

    return {
      engine,
      enqueuePerSec: CONVERSATIONS / enqueueSecs,
      fillOffersPerSec: places / offersSecs,
      fillAssignPerSec: places / fillSecs,
      cyclePerSec: Math.min(CYCLE, CONVERSATIONS - places) / cycleSecs,
      liveP50: pct(live, 0.5),
      liveP99: pct(live, 0.99),
      twoNodeAssignPerSec,
      violations,
    };
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (engine === 'postgres') await dropBenchSchema(schema);
  }
}

const results: Result[] = [];
for (const engine of ENGINES) {
  if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`unknown engine ${engine}`);
  if (engine === 'postgres' && !(await pgAnswers())) {
    process.stdout.write(`routing bench: PostgreSQL at ${PG_URL} does not answer; skipped\n`);
    continue;
  }
  process.stdout.write(`routing bench: ${engine}, ${CONVERSATIONS} waiting, ${AGENTS} agents x ${CAPACITY}, cycle ${CYCLE}, ${LIVE} live arrivals at ${LIVE_RATE}/s…\n`);
  results.push(await runOn(engine));
}
const f = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');
const g = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
process.stdout.write(`\nload average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores (aim: ≥ 200 assignments/s until full, live p99 ≤ 100 ms, two nodes ≥ one)\n`);
process.stdout.write('engine     enqueue/s  fill offers/s  fill assignments/s  cycle assignments/s  live arrival→offer p50 / p99 ms  two nodes assignments/s (ratio)  violations\n');
for (const r of results) {
  const ratio = Number.isFinite(r.twoNodeAssignPerSec) ? `${f(r.twoNodeAssignPerSec)} (${(r.twoNodeAssignPerSec / r.fillAssignPerSec).toFixed(2)}x)` : '-';
  process.stdout.write(
    `${r.engine.padEnd(10)} ${f(r.enqueuePerSec).padStart(9)}  ${f(r.fillOffersPerSec).padStart(13)}  ${f(r.fillAssignPerSec).padStart(18)}  ${f(r.cyclePerSec).padStart(19)}  ${`${g(r.liveP50)} / ${g(r.liveP99)}`.padStart(31)}  ${ratio.padStart(31)}  ${String(r.violations).padStart(10)}\n`,
  );
}
if (results.some((r) => r.violations > 0)) process.exitCode = 1;
