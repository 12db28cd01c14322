/**
 * Child process: the real Switchboard server (createServer) on SQLite (temp DATA_DIR, the server's own
 * WAL + synchronous=FULL settings) or PostgreSQL (a fresh schema, dropped on stop), Redis fan-out when
 * a Redis URL is given. Sets up one admin with an API token, one queue and M supervisors of that queue
 * (each with an API token, sent as a Bearer header on the stream), then listens on 127.0.0.1:0.
 * `socketsPerAgent` (default 1): that many stream URLs per supervisor (one user, many sockets).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import pg from 'pg';
import { sql } from 'kysely';
import { createServer } from '../../apps/server/src/server.ts';
import { hashToken, newToken } from '../../apps/server/src/auth/secrets.ts';
import { insertUser, setQueueMembers } from '../../apps/server/src/store/users.ts';
import type { Db, Tx } from '../../apps/server/src/store/db.ts';
import { ensureBuiltins } from '../../apps/server/src/demo/seed.ts';
import { serveUntilStopped, targetArgs, type TargetArgs } from '../protocol.ts';

const args: TargetArgs & { socketsPerAgent?: number } = targetArgs();
const socketsPerAgent = args.socketsPerAgent ?? 1;
const dataDir = args.engine === 'sqlite' ? fs.mkdtempSync(path.join(os.tmpdir(), 'sbbench-')) : null;

const server = await createServer({
  logger: pino({ level: 'silent' }),
  config: { demo: false, logLevel: 'silent', redisUrl: args.redisUrl, dataDir: dataDir ?? undefined },
  store: args.engine === 'postgres' ? { databaseUrl: args.pgUrl, pgSchema: args.pgSchema } : { dataDir: dataDir!, sqliteFile: 'switchboard.db' },
});
const { store, clock } = server.services;
await ensureBuiltins(store);
// Diagnosis only: how fast is it without the fsync per commit? (Not the server's setting.)
if (process.env.BENCH_SQLITE_SYNC && store.dialect === 'sqlite') await sql.raw(`pragma synchronous = ${process.env.BENCH_SQLITE_SYNC}`).execute(store.db);

// A password hash is never checked here (everyone uses API tokens); a fixed, well-formed one skips scrypt.
const passwordHash = `scrypt$16384$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;
async function userWithToken(role: 'admin' | 'supervisor', name: string, db: Db | Tx = store.db): Promise<{ id: number; token: string }> {
  const id = await insertUser(db, { email: `${name}@bench.test`, name, role, passwordHash, capacity: 5, now: clock.now() });
  const token = newToken('sbt');
  await db.insertInto('api_tokens').values({ user_id: id, name: 'bench', token_hash: hashToken(token), created_at: clock.now(), last_used_at: null }).execute();
  return { id, token };
}

const admin = await userWithToken('admin', 'bench-admin');
const queue = await store.db.insertInto('queues').values({ name: 'Bench', routing_mode: 'pick_list', settings: '{}', created_at: clock.now() }).returning('id').executeTakeFirstOrThrow();
const agents: Array<{ id: number; token: string }> = [];
// One transaction (one commit, not two per agent): thousands of agents are set up in seconds.
await store.db.transaction().execute(async (tx) => {
  for (let i = 0; i < args.agents; i++) agents.push(await userWithToken('supervisor', `bench-agent-${i}`, tx));
  await setQueueMembers(tx, queue.id, agents.map((a) => a.id));
});

// BENCH_DEBUG: how long requests spend before and inside their handler, server-side.
const slowRequests: string[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
if (process.env.BENCH_DEBUG) {
  loopDelay.enable();
  const t0 = performance.now();
  const marks = new WeakMap<object, number[]>();
  server.app.server.on('request', (raw: object) => void marks.set(raw, [performance.now()]));
  server.app.addHook('onRequest', async (req) => void marks.get(req.raw)?.push(performance.now()));
  server.app.addHook('preHandler', async (req) => void marks.get(req.raw)?.push(performance.now()));
  server.app.addHook('onResponse', async (req) => {
    const m = marks.get(req.raw);
    if (!m || m.length < 3) return;
    const end = performance.now();
    if (end - m[0]! > 1000) slowRequests.push(`@${(m[0]! - t0).toFixed(0)} auth+${(m[1]! - m[0]!).toFixed(0)} pre+${(m[2]! - m[1]!).toFixed(0)} handler+${(end - m[2]!).toFixed(0)}`);
  });
}

await server.app.listen({ port: 0, host: '127.0.0.1' });
const addr = server.app.server.address();
const port = typeof addr === 'object' && addr ? addr.port : 0;
const url = `http://127.0.0.1:${port}`;

serveUntilStopped(
  {
    type: 'ready',
    url,
    inboundPath: '/api/v1/inbound/messages',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    streamUrls: agents.flatMap(() => Array<string>(socketsPerAgent).fill(`ws://127.0.0.1:${port}/api/v1/stream`)),
    streamHeaders: agents.flatMap((a) => Array.from({ length: socketsPerAgent }, () => ({ authorization: `Bearer ${a.token}` }))),
    notes: [
      `engine ${store.dialect}${dataDir ? ` (${path.join(dataDir, 'switchboard.db')}, WAL, synchronous=FULL)` : ` (schema ${args.pgSchema})`}`,
      `redis fan-out ${args.redisUrl ? `on (${args.redisUrl})` : 'off'}`,
      `queue ${queue.id} with ${agents.length} supervisors${socketsPerAgent > 1 ? ` × ${socketsPerAgent} sockets each` : ''}`,
    ],
  },
  async () => {
    if (process.env.BENCH_DEBUG) console.error(`  event loop delay p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} max ${(loopDelay.max / 1e6).toFixed(1)} ms`);
    if (process.env.BENCH_DEBUG) console.error(`  server-side slow requests: ${slowRequests.length}: ${slowRequests.slice(0, 20).join(' ')}`);
    await server.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (args.engine === 'postgres') {
      const c = new pg.Client({ connectionString: args.pgUrl });
      await c.connect();
      await c.query(`drop schema if exists "${args.pgSchema}" cascade`);
      await c.end();
    }
  },
);
