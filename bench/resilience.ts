/**
 * `npm run bench` (last part), or `npm run bench:resilience`: figures for issue 10, printed, not asserted.
 *
 *  soak      messages accepted and lost across N kill -9 cycles each of the server, of PostgreSQL and
 *            of Redis, under steady load from senders that retry (same message id) until accepted,
 *            as a provider does. Lost = acknowledged (2xx) but not stored; duplicates = one provider
 *            id stored twice.
 *  overload  the node's capacity (closed loop), then an open-loop rate above it: how much is
 *            accepted, how much shed (429/503 with Retry-After), and how fast the accepted work is.
 *
 * The server is the real entry point (`apps/server/src/main.ts`) in a child process, on a PostgreSQL
 * cluster and a Redis of the bench's own (test/faults/services.ts: temporary folders, loopback ports
 * 41540-41542 of the resilience range), so they can be killed without touching shared services.
 *
 * Environment:
 *   BENCH_RESILIENCE        soak,overload (the parts to run)
 *   BENCH_SOAK_CYCLES (2)   kill -9 cycles per victim (server, postgres, redis)
 *   BENCH_SOAK_SENDERS (6)  concurrent senders during the soak
 *   BENCH_OVERLOAD_FACTOR (3)  open-loop rate = factor × measured capacity
 *   BENCH_OVERLOAD_SECONDS (8)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startOwnPostgres, startOwnRedis, type OwnPostgres, type OwnRedis } from '../test/faults/services.ts';
import { hashToken, newToken } from '../apps/server/src/auth/secrets.ts';
import { exitWhenDone } from './targetProcess.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PG_PORT = 41540;
const REDIS_PORT = 41541;
const SERVER_PORT = 41542;
const url = `http://127.0.0.1:${SERVER_PORT}`;

function intEnv(name: string, fallback: number, max: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`${name} must be an integer in 1..${max}`);
  return v;
}
const parts = (process.env.BENCH_RESILIENCE ?? 'soak,overload').split(',').map((s) => s.trim());
const cycles = intEnv('BENCH_SOAK_CYCLES', 2, 50);
const senders = intEnv('BENCH_SOAK_SENDERS', 6, 200);
const factor = intEnv('BENCH_OVERLOAD_FACTOR', 3, 20);
const overloadSeconds = intEnv('BENCH_OVERLOAD_SECONDS', 8, 600);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function pct(values: number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : '-');

// ------------------------------------------------------------------ the server, in a child process

let server: ChildProcess | null = null;
let db: OwnPostgres;
let redis: OwnRedis;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbbench-res-'));

async function ready(timeoutMs = 90_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const status = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status, () => 0);
    if (status === 200) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`server not ready after ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function startServer(): Promise<number> {
  const started = Date.now();
  server = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, PORT: String(SERVER_PORT), HOST: '127.0.0.1', DATABASE_URL: db.url, REDIS_URL: redis.url, DEMO_DATA: '0', DATA_DIR: dataDir, SMTP_PORT: '', LOG_LEVEL: 'silent', ADMIN_PASSWORD: 'bench-admin-password' },
  });
  await ready();
  return Date.now() - started;
}

async function killServer(): Promise<void> {
  const s = server;
  server = null;
  if (!s || s.exitCode !== null || s.signalCode !== null) return;
  await new Promise((resolve) => {
    s.once('exit', resolve);
    s.kill('SIGKILL');
  });
}

async function stopServer(): Promise<void> {
  const s = server;
  server = null;
  if (!s || s.exitCode !== null || s.signalCode !== null) return;
  await new Promise((resolve) => {
    const t = setTimeout(() => s.kill('SIGKILL'), 15_000);
    s.once('exit', () => (clearTimeout(t), resolve(undefined)));
    s.kill('SIGTERM');
  });
}

/** An API token for the admin main.ts created, written straight into the database. */
async function adminToken(): Promise<string> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const { rows } = await c.query<{ id: number }>("select id from users where role = 'admin' order by id limit 1");
    const token = newToken('sbt');
    await c.query('insert into api_tokens (user_id, name, token_hash, created_at, last_used_at) values ($1, $2, $3, $4, null)', [rows[0]!.id, 'bench', hashToken(token), Date.now()]);
    return token;
  } finally {
    await c.end();
  }
}

interface Answer {
  status: number;
  ms: number;
}

async function post(token: string, id: string, customer: number, timeoutMs = 15_000): Promise<Answer> {
  const started = performance.now();
  try {
    const r = await fetch(`${url}/api/v1/inbound/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ channel: 'api', externalId: `bench-${customer}`, contact: { name: `Customer ${customer}` }, body: `message ${id}`, messageId: id }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await r.arrayBuffer();
    return { status: r.status, ms: performance.now() - started };
  } catch {
    return { status: 0, ms: performance.now() - started };
  }
}

// ------------------------------------------------------------------ soak

async function soak(): Promise<void> {
  console.log(`\n[soak] ${cycles} kill -9 cycle(s) each of the server, PostgreSQL and Redis; ${senders} senders retrying until accepted`);
  await startServer();
  const token = await adminToken();
  const accepted = new Set<string>();
  const refused = new Map<number, number>();
  const ackMs: number[] = [];
  let attempts = 0;
  let lastAccept = Date.now();
  let running = true;
  const workers = Array.from({ length: senders }, async (_, w) => {
    for (let i = 0; running; i++) {
      const id = `soak-${w}-${i}`;
      // A provider retries until it gets an acknowledgement; this one gives up 60 s after the end.
      for (let stopAt = Infinity; Date.now() < stopAt; ) {
        attempts++;
        const a = await post(token, id, (w * 7 + i) % 40);
        if (a.status >= 200 && a.status < 300) {
          accepted.add(id);
          ackMs.push(a.ms);
          lastAccept = Date.now();
          break;
        }
        refused.set(a.status, (refused.get(a.status) ?? 0) + 1);
        if (!running && stopAt === Infinity) stopAt = Date.now() + 60_000;
        await sleep(200);
      }
      await sleep(10);
    }
  });

  const recovery: Record<string, number[]> = { server: [], postgres: [], redis: [] };
  /** From the kill to the first message accepted after it. */
  async function outage(kind: string, kill: () => Promise<void>, revive: () => Promise<unknown>): Promise<void> {
    await sleep(2000);
    const killedAt = Date.now();
    await kill();
    await sleep(1000);
    await revive();
    while (lastAccept < killedAt + 1000 && Date.now() - killedAt < 120_000) await sleep(50);
    recovery[kind]!.push(lastAccept - killedAt);
  }
  const started = Date.now();
  for (let c = 0; c < cycles; c++) {
    await outage('server', killServer, startServer);
    await outage('postgres', async () => db.kill(), () => db.start());
    await outage('redis', () => redis.kill(), () => redis.start());
  }
  await sleep(2000);
  running = false;
  await Promise.all(workers);
  const seconds = (Date.now() - started) / 1000;

  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  const { rows } = await c.query<{ client_id: string; n: string }>("select client_id, count(*) as n from messages where sender_kind = 'customer' and client_id like 'soak-%' group by client_id");
  await c.end();
  const stored = new Map(rows.map((r) => [r.client_id, Number(r.n)]));
  const lost = [...accepted].filter((id) => !stored.has(id));
  const doubled = [...stored.values()].filter((n) => n > 1).length;
  await stopServer();

  const refusedText = [...refused.entries()].map(([s, n]) => `${s === 0 ? 'no answer' : s} ×${n}`).join(', ') || 'none';
  const rec = (k: string) => `${k} ${recovery[k]!.map((v) => (v / 1000).toFixed(1)).join('/')} s`;
  console.log(`  ${seconds.toFixed(0)} s, ${attempts} attempts: ${accepted.size} messages accepted, ${lost.length} lost, ${doubled} stored twice; ${stored.size} stored`);
  console.log(`  refused attempts (retried): ${refusedText}`);
  console.log(`  kill → first accepted message again: ${rec('server')} (includes restarting node + tsx), ${rec('postgres')}, ${rec('redis')}`);
  console.log(`  ack latency of accepted messages p50 ${ms(pct(ackMs, 50))}, p99 ${ms(pct(ackMs, 99))}, max ${ms(pct(ackMs, 100))}`);
  if (lost.length) console.log(`  LOST: ${lost.slice(0, 20).join(' ')}`);
}

// ------------------------------------------------------------------ overload

async function overload(): Promise<void> {
  console.log(`\n[overload] PostgreSQL, Redis on; open-loop rate ${factor}× the measured capacity for ${overloadSeconds} s`);
  await startServer();
  const token = await adminToken();
  // Capacity: 32 senders back to back for 5 s (after 2 s of warm-up).
  const closed = async (seconds: number, tag: string) => {
    let n = 0;
    const until = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: 32 }, async (_, w) => {
        for (let i = 0; Date.now() < until; i++) if ((await post(token, `${tag}-${w}-${i}`, (w + i) % 40)).status === 201) n++;
      }),
    );
    return n / seconds;
  };
  await closed(2, 'warm');
  const capacity = await closed(5, 'cap');
  const rate = Math.max(10, Math.round(capacity * factor));
  console.log(`  capacity (32 senders back to back): ${capacity.toFixed(0)} msg/s; offering ${rate} msg/s`);

  const answers: Answer[] = [];
  const pending: Array<Promise<void>> = [];
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < overloadSeconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      const i = sent;
      pending.push(post(token, `over-${i}`, i % 40, 30_000).then((a) => void answers.push(a)));
    }
    await sleep(5);
  }
  const offeredFor = (performance.now() - started) / 1000;
  await Promise.all(pending);
  const drainedAfter = (performance.now() - started) / 1000 - offeredFor;
  await stopServer();

  const ok = answers.filter((a) => a.status === 201);
  const shed = answers.filter((a) => a.status === 503 || a.status === 429);
  const other = answers.length - ok.length - shed.length;
  console.log(`  offered ${sent} in ${offeredFor.toFixed(1)} s (${(sent / offeredFor).toFixed(0)}/s): accepted ${ok.length} (${(ok.length / offeredFor).toFixed(0)}/s), shed ${shed.length} (429/503 + Retry-After), other ${other}`);
  console.log(`  accepted latency p50 ${ms(pct(ok.map((a) => a.ms), 50))}, p99 ${ms(pct(ok.map((a) => a.ms), 99))}; shed answered in p50 ${ms(pct(shed.map((a) => a.ms), 50))}, p99 ${ms(pct(shed.map((a) => a.ms), 99))}`);
  console.log(`  last answer ${drainedAfter.toFixed(1)} s after the load stopped (no backlog left behind)`);
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  console.log('Resilience bench: own PostgreSQL (41540) and Redis (41541), the server (41542) as a child process');
  db = await startOwnPostgres(PG_PORT);
  redis = await startOwnRedis(REDIS_PORT);
  try {
    if (parts.includes('soak')) await soak();
    if (parts.includes('overload')) {
      // A fresh database, so the soak's rows do not weigh on the overload figures.
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query('drop schema public cascade; create schema public');
      await c.end();
      await overload();
    }
  } finally {
    await killServer();
    await redis.remove();
    await db.remove();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

exitWhenDone(main, 'resilience bench');
