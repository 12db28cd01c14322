/**
 * `npm run bench:webhooks`: outgoing webhook deliveries to a loopback receiver, on SQLite and PostgreSQL.
 *
 * A real server (real clock: the webhook's outbox worker runs as in production, woken after each
 * commit) with one webhook on `message_created`; BENCH_WEBHOOK_EVENTS messages over 50
 * conversations are committed in transactions of 50. The receiver verifies each signature with the
 * `standardwebhooks` package and answers 204. Prints deliveries per second and the time from
 * commit to receipt (median, 95th percentile). Deliveries of one conversation go one after another
 * (order), conversations four side by side (the consumer's concurrency).
 *
 * Environment: BENCH_WEBHOOK_EVENTS (1000)  BENCH_ENGINES sqlite,postgres  BENCH_PG_URL (or DATABASE_URL)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { createServer } from '../apps/server/src/server.ts';
import { runAction } from '../apps/server/src/actions/context.ts';
import { createWebhook } from '../apps/server/src/actions/webhooks.ts';
import { insertUser } from '../apps/server/src/store/users.ts';
import { PG_URL } from './engines.ts';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 1000);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');

const pct = (xs: number[], p: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? 0;

async function run(engine: string): Promise<void> {
  const schema = `bench_webhooks_${crypto.randomBytes(3).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-webhooks-'));
  const server = await createServer({
    logger: pino({ level: 'silent' }),
    config: { demo: false, redisUrl: undefined, webhooksAllowPrivate: true },
    store: engine === 'postgres' ? { databaseUrl: PG_URL, pgSchema: schema } : { dataDir: dir, sqliteFile: 'switchboard.db' },
  });
  const committedAt = new Map<number, number>();
  const latencies: number[] = [];
  let bad = 0;
  let verifier: Webhook | null = null;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        verifier!.verify(body, req.headers as Record<string, string>);
      } catch {
        bad++;
      }
      const n = (JSON.parse(body) as { data: { message: { id: number } } }).data.message.id;
      latencies.push(performance.now() - committedAt.get(n)!);
      res.writeHead(204).end();
      if (latencies.length === EVENTS) done();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const { actions, secrets, webhooks } = server.services;
  const adminId = await insertUser(server.services.store.db, { email: 'bench@example.test', name: 'Bench Admin', role: 'admin', passwordHash: 'x', now: Date.now() });
  const { secret } = await createWebhook(actions, secrets, { id: adminId, role: 'admin', queueIds: new Set() }, { url, description: '', events: ['message_created'], includeInternal: false }, webhooks.policy);
  verifier = new Webhook(secret);
  await webhooks.sync();

  const start = performance.now();
  for (let i = 0; i < EVENTS; i += 50) {
    const batch: number[] = [];
    await runAction(actions, async (_tx, emit) => {
      for (let j = i; j < Math.min(EVENTS, i + 50); j++) {
        batch.push(j);
        emit({ type: 'message.created', conversationId: (j % 50) + 1, scope: {}, data: { message: { id: j, conversationId: (j % 50) + 1, internal: false, body: `message ${j}` } } as never, at: Date.now() }); // only what the webhook reads
      }
    });
    const now = performance.now();
    for (const j of batch) committedAt.set(j, now);
  }
  await all;
  const ms = performance.now() - start;
  console.log(
    `${engine.padEnd(8)} ${EVENTS} deliveries in ${ms.toFixed(0)} ms: ${(EVENTS / (ms / 1000)).toFixed(0)}/s; commit → receipt median ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms; ${bad} signatures refused`,
  );
  await server.close();
  receiver.closeAllConnections();
  await new Promise<void>((r) => receiver.close(() => r()));
  if (engine === 'postgres') {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

for (const engine of ENGINES) await run(engine);
