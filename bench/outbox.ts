/**
 * `npm run bench:outbox`: the outbox consumer after a burst, on SQLite and on PostgreSQL.
 *
 * A real server (real clock, so the consumer loop runs as in production, woken by the dispatcher)
 * with one consumer of `reply_time.breached` (a small per-conversation event) whose handler does nothing but note the time. A burst of
 * BENCH_EVENTS events over 50 conversations is committed in transactions of 100; prints the lag
 * right after the burst, how long the consumer took to catch up, and items handled per second; then
 * how fast a new consumer starting from the beginning drains the same events (nothing else writing).
 *
 * Environment: BENCH_EVENTS (5000)  BENCH_ENGINES sqlite,postgres  BENCH_PG_URL (or DATABASE_URL)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import pg from 'pg';
import { createServer } from '../apps/server/src/server.ts';
import { runAction } from '../apps/server/src/actions/context.ts';
import { PG_URL } from './engines.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');

async function run(engine: string): Promise<void> {
  const schema = `bench_outbox_${crypto.randomBytes(3).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-outbox-'));
  const server = await createServer({
    logger: pino({ level: 'silent' }),
    config: { demo: false, redisUrl: undefined },
    store: engine === 'postgres' ? { databaseUrl: PG_URL, pgSchema: schema } : { dataDir: dir, sqliteFile: 'switchboard.db' },
  });
  const { outbox, actions } = server.services;
  let handled = 0;
  let lastAt = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  await outbox.register({
    name: 'bench.outbox',
    types: ['reply_time.breached'],
    async handle() {
      lastAt = performance.now();
      if (++handled === EVENTS) done();
    },
  });
  const start = performance.now();
  for (let i = 0; i < EVENTS; i += 100) {
    await runAction(actions, async (_tx, emit) => {
      for (let j = i; j < Math.min(EVENTS, i + 100); j++) emit({ type: 'reply_time.breached', conversationId: j % 50, scope: {}, data: { conversationId: (j % 50) + 1, queueId: null, assigneeId: null, dueAt: j }, at: Date.now() });
    });
  }
  const committed = performance.now();
  await server.services.dispatcher.flush();
  const lag = (await outbox.lags()).get('bench.outbox') ?? 0;
  await all;
  console.log(
    `${engine.padEnd(8)} ${EVENTS} events: burst committed in ${(committed - start).toFixed(0)} ms, lag then ${lag} events; ` +
      `caught up ${(lastAt - committed).toFixed(0)} ms after the burst; ${(EVENTS / ((lastAt - start) / 1000)).toFixed(0)} items/s end to end`,
  );
  // A consumer that starts from the beginning after the burst: pure drain speed, nothing else writing.
  let cold = 0;
  let coldDone!: () => void;
  const coldAll = new Promise<void>((r) => (coldDone = r));
  const coldStart = performance.now();
  await outbox.register({ name: 'bench.outbox.cold', types: ['reply_time.breached'], startAt: 'beginning', async handle() { if (++cold === EVENTS) coldDone(); } });
  await coldAll;
  const coldMs = performance.now() - coldStart;
  console.log(`${engine.padEnd(8)} a new consumer drained the ${EVENTS} from the beginning in ${coldMs.toFixed(0)} ms: ${(EVENTS / (coldMs / 1000)).toFixed(0)} items/s`);
  await server.close();
  if (engine === 'postgres') {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

for (const engine of ENGINES) await run(engine);
