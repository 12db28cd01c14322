/**
 * `npm run bench:timers`: 5,000 offer timeouts due in the same second (issue 18, aim 5), on SQLite
 * and on PostgreSQL, with two timer workers: on PostgreSQL two server processes on one database, on
 * SQLite (one writer, one process by design) two workers in this process.
 *
 * 200 agents (capacity 25) hold 5,000 offers of 5,000 waiting conversations, all running out at one
 * moment. The real timer loops fire them: each expired offer is counted and its conversation routed
 * again (to agents whose places the expiries freed). Prints timers fired/s, lateness p50/p99 (from
 * the due time until the expiry has committed, seen by polling the offers every 20 ms), and whether
 * each fired exactly once (one `offer.withdrawn` event per offer).
 *
 * Environment: BENCH_TIMERS (5000)  BENCH_ENGINES sqlite,postgres  BENCH_PG_URL
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createServer, type Server } from '../apps/server/src/server.ts';
import { hashPassword } from '../apps/server/src/auth/secrets.ts';
import { runAction } from '../apps/server/src/actions/context.ts';
import { routeQueues } from '../apps/server/src/routing/engine.ts';
import { startTimerLoop } from '../apps/server/src/jobs/worker.ts';
import type { Clock } from '../apps/server/src/clock.ts';
import { createAgents, enqueue, startSecondNode, wallMs, type SecondNode } from './routingAgents.ts';
import { pct } from './timing.ts';
import { PG_URL, pgAnswers, dropBenchSchema } from './engines.ts';

const TIMERS = Number(process.env.BENCH_TIMERS ?? 5000);
const AGENTS = 200;
const CAPACITY = Math.ceil(TIMERS / AGENTS);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
/** Wall time, but not `systemClock` itself: the server leaves the timer loop to us. */
const wallClock: Clock = { now: () => Date.now() };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Result {
  engine: string;
  firedPerSec: number;
  lateP50: number;
  lateP99: number;
  fired: number;
  twice: number;
  workers: string;
}

async function runOn(engine: 'sqlite' | 'postgres'): Promise<Result> {
  const schema = `bench_timers_${crypto.randomBytes(4).toString('hex')}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-timers-'));
  const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const server: Server = await createServer({
    clock: wallClock,
    logger: log,
    config: { demo: false, redisUrl: undefined },
    store: engine === 'postgres' ? { databaseUrl: PG_URL, pgSchema: schema } : { dataDir, sqliteFile: 'bench.db' },
  });
  const { db } = server.services.store;
  const ctx = server.services.actions;
  const stops: (() => void)[] = [];
  let node: SecondNode | undefined;
  try {
    const now = Date.now();
    const queue = (
      await db
        .insertInto('queues')
        .values({ name: 'Timers', routing_mode: 'auto_assign', settings: JSON.stringify({ capacity: CAPACITY, offerTimeoutMs: 10 * 60_000 }), created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const contact = await db
      .insertInto('contacts')
      .values({ name: 'Bench customer', email: null, phone: null, attributes: '{}', source: '{}', blocked: 0, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    const agents = await createAgents(server, queue, AGENTS, 'Agent', await hashPassword('bench-password'));
    await enqueue(server, queue, contact.id, TIMERS);
    // Everyone is there at once (set behind routing's back), and routing offers the whole line.
    await db.updateTable('users').set({ status: 'available' }).where('id', 'in', agents.map((a) => a.id)).execute();
    for (let open = 0; open < TIMERS; ) {
      await runAction(ctx, (tx, emit) => routeQueues(tx, emit, [queue], Date.now()));
      open = Number((await db.selectFrom('offers').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'offered').executeTakeFirstOrThrow()).n);
    }
    // The second process first: its start-up (seconds of CPU under load) must not count as lateness.
    if (engine === 'postgres') node = await startSecondNode(PG_URL, schema, { timers: true });
    // All of them run out at one moment, a little ahead.
    const due = Date.now() + 3000;
    await db.updateTable('offers').set({ expires_at: due }).where('status', '=', 'offered').execute();
    await db.updateTable('timers').set({ due_at: due }).where('kind', '=', 'offer_timeout').execute();
    const offerIds = new Set((await db.selectFrom('offers').select('id').where('status', '=', 'offered').execute()).map((o) => o.id));

    // Fired = its expiry committed (visible to a new statement), seen by polling the offers.
    const heard = new Map<number, number>();
    let twice = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const rows = await db.selectFrom('offers').select('id').where('expires_at', '=', due).where('status', '=', 'expired').execute();
        const at = wallMs();
        for (const r of rows) if (!heard.has(r.id)) heard.set(r.id, at);
        await sleep(20);
      }
    })();
    let workers: string;
    if (engine === 'postgres') {
      stops.push(startTimerLoop(ctx, log));
      workers = 'two processes';
    } else {
      stops.push(startTimerLoop(ctx, log, undefined, { workerId: 'worker-a' }), startTimerLoop(ctx, log, undefined, { workerId: 'worker-b' }));
      workers = 'two workers, one process';
    }
    const limit = Date.now() + 180_000;
    while (heard.size < offerIds.size && Date.now() < limit) await sleep(20);
    await sleep(1000); // a second firing would show up by now
    watching = false;
    await watch;
    // Exactly once, as stored: each offer expired once, one event each.
    const events = await db.selectFrom('events').select('data').where('type', '=', 'offer.withdrawn').execute();
    const perOffer = new Map<number, number>();
    for (const e of events) {
      const d = JSON.parse(e.data) as { offerId: number; reason: string };
      if (d.reason === 'expired' && offerIds.has(d.offerId)) perOffer.set(d.offerId, (perOffer.get(d.offerId) ?? 0) + 1);
    }
    twice += [...perOffer.values()].filter((n) => n > 1).length;
    const late = [...heard.values()].map((t) => t - due).sort((a, b) => a - b);
    const last = late[late.length - 1] ?? NaN;
    return { engine, firedPerSec: heard.size / Math.max(0.001, last / 1000), lateP50: pct(late, 0.5), lateP99: pct(late, 0.99), fired: perOffer.size, twice, workers };
  } finally {
    for (const s of stops) s();
    await node?.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (engine === 'postgres') await dropBenchSchema(schema);
  }
}

const results: Result[] = [];
for (const engine of ENGINES) {
  if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`unknown engine ${engine}`);
  if (engine === 'postgres' && !(await pgAnswers())) {
    process.stdout.write(`timers bench: PostgreSQL at ${PG_URL} does not answer; skipped\n`);
    continue;
  }
  process.stdout.write(`timers bench: ${engine}, ${TIMERS} offer timeouts due at one moment…\n`);
  results.push(await runOn(engine));
}
process.stdout.write(`\nload average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.cpus().length} cores (aim: all within 1 s p99 late, each exactly once)\n`);
process.stdout.write('engine     workers                     fired/s  late p50 / p99 ms  fired  fired twice\n');
for (const r of results) {
  process.stdout.write(
    `${r.engine.padEnd(10)} ${r.workers.padEnd(26)} ${r.firedPerSec.toFixed(0).padStart(8)}  ${`${r.lateP50.toFixed(0)} / ${r.lateP99.toFixed(0)}`.padStart(17)}  ${String(r.fired).padStart(5)}  ${String(r.twice).padStart(11)}\n`,
  );
}
if (results.some((r) => r.twice > 0 || r.fired < TIMERS)) process.exitCode = 1;
