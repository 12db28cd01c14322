/**
 * `npm run bench`: customer → agent message throughput and latency of the real Switchboard server,
 * against a bare baseline (http + ws + one INSERT per message), on SQLite and on PostgreSQL.
 *
 * Each target runs in its own child process (the server gets its own event loop, as in production);
 * this process is the load generator and the agents' WebSocket clients.
 *
 * Environment:
 *   BENCH_CUSTOMERS (50)  BENCH_MESSAGES (40)  BENCH_AGENTS (20)
 *   BENCH_ENGINES   sqlite,postgres
 *   BENCH_TARGETS   baseline,switchboard
 *   BENCH_PG_URL    postgres://root@127.0.0.1:5432/test (or DATABASE_URL when it is postgres://)
 *   REDIS_URL       Redis fan-out for Switchboard; default redis://127.0.0.1:6379 when it answers;
 *                   REDIS_URL=off disables it
 *   BENCH_PROFILE   a directory: the targets run with --cpu-prof and write their profiles there
 *   BENCH_DEBUG=1   slow requests (client and server side), event-loop delay, frames per agent
 *   BENCH_CLIENT=fetch   post with fetch (undici) instead of a keep-alive node:http agent
 *   BENCH_SQLITE_SYNC=OFF  diagnosis only: SQLite without the fsync per commit (both targets)
 *   BENCH_NODE      the node binary for the targets (e.g. a wrapper running strace)
 *   SB_QUERY_STATS=<file>  Switchboard writes its statements' summed times, costliest first, there
 */
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { Agents, type LoadResult } from './load.ts';
import type { TargetArgs, TargetReady } from './protocol.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

function intEnv(name: string, fallback: number, max: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`${name} must be an integer in 1..${max}`);
  return v;
}

const sizes = {
  customers: intEnv('BENCH_CUSTOMERS', 50, 1000),
  messages: intEnv('BENCH_MESSAGES', 40, 10_000),
  agents: intEnv('BENCH_AGENTS', 20, 500),
};
const engines = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean) as Array<'sqlite' | 'postgres'>;
const targets = (process.env.BENCH_TARGETS ?? 'baseline,switchboard').split(',').map((s) => s.trim()).filter(Boolean) as Array<'baseline' | 'switchboard'>;
const pgUrl = process.env.BENCH_PG_URL ?? (process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://root@127.0.0.1:5432/test');
const profileDir = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : null;

/** Only loopback: refuse anything else so the bench never talks to a remote host. */
function assertLoopback(url: string, what: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) throw new Error(`${what} must be on 127.0.0.1, got ${host}`);
}

async function redisAnswers(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const sock = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => done(d.toString().startsWith('+PONG') || d.toString().startsWith('-NOAUTH')));
  });
}

async function pgAnswers(url: string): Promise<string | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
  } catch {
    // best effort: the target normally drops its own schema
  } finally {
    await c.end().catch(() => undefined);
  }
}

interface Running {
  child: ChildProcess;
  ready: TargetReady;
}

function startTarget(kind: 'baseline' | 'switchboard', args: TargetArgs): Promise<Running> {
  const file = path.join(here, 'targets', `${kind}.ts`);
  const flags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.env.BENCH_NODE ?? process.execPath, [...flags, '--import', 'tsx', file, JSON.stringify(args)], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind} did not start within 60 s`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited during start-up (code ${code})`));
    });
    child.on('message', (m: TargetReady) => {
      if (m?.type !== 'ready') return;
      clearTimeout(timer);
      resolve({ child, ready: m });
    });
  });
}

async function stopTarget(r: Running): Promise<void> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      console.error('  ! target did not stop within 15 s; killing it');
      r.child.kill('SIGKILL');
    }, 15_000);
    r.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (r.child.connected) r.child.send({ type: 'stop' });
    else r.child.kill('SIGTERM');
  });
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');

function line(label: string, r: LoadResult): string {
  return (
    `  ${label.padEnd(12)} ${r.rate.toFixed(0).padStart(7)} msg/s  wall ${(r.wallMs / 1000).toFixed(2)} s  delivered ${r.delivered}/${r.sent}` +
    `  first p50/p99 ${ms(r.first.p50)}/${ms(r.first.p99)} ms  last-agent p50/p99 ${ms(r.last.p50)}/${ms(r.last.p99)} ms  ack p50/p99 ${ms(r.ack.p50)}/${ms(r.ack.p99)} ms` +
    (r.errors ? `  errors ${r.errors}` : '') +
    (r.duplicates ? `  DUPLICATES ${r.duplicates}` : '')
  );
}

async function runOne(kind: 'baseline' | 'switchboard', engine: 'sqlite' | 'postgres', redisUrl: string | undefined): Promise<LoadResult> {
  const schema = `sbbench_${process.pid}_${kind === 'baseline' ? 'base' : 'sb'}`;
  const args: TargetArgs = { engine, agents: sizes.agents, pgUrl, pgSchema: schema, redisUrl: kind === 'switchboard' ? redisUrl : undefined };
  const running = await startTarget(kind, args);
  const agents = new Agents();
  try {
    console.log(`  ${kind}: ${running.ready.notes.join('; ')}`);
    await agents.connect(running.ready);
    // Warm-up (JIT, connection pools, statement caches) with other customers; not counted.
    await agents.drive(running.ready, 'warm', { customers: Math.min(sizes.customers, 10), messages: 5 });
    const r = await agents.drive(running.ready, 'run', sizes);
    console.log(line(kind, r));
    return r;
  } finally {
    agents.close();
    await stopTarget(running);
    if (engine === 'postgres') await dropSchema(schema);
  }
}

async function main(): Promise<void> {
  assertLoopback(pgUrl, 'BENCH_PG_URL');
  let redisUrl: string | undefined;
  const wanted = process.env.REDIS_URL;
  if (wanted !== 'off' && wanted !== '0') {
    const candidate = wanted || 'redis://127.0.0.1:6379';
    assertLoopback(candidate, 'REDIS_URL');
    if (await redisAnswers(candidate)) redisUrl = candidate;
    else console.log(`Redis at ${candidate} does not answer: fan-out off`);
  }
  console.log(
    `Switchboard bench: ${sizes.customers} customers × ${sizes.messages} messages, ${sizes.agents} agents on the stream; ` +
      `Redis fan-out ${redisUrl ? `ON (${redisUrl})` : 'OFF'}`,
  );

  const results: Array<{ engine: string; baseline?: LoadResult; switchboard?: LoadResult; skipped?: string }> = [];
  for (const engine of engines) {
    console.log(`\n[${engine}]`);
    if (engine === 'postgres') {
      const why = await pgAnswers(pgUrl);
      if (why) {
        console.log(`  skipped: PostgreSQL at ${pgUrl} does not answer (${why})`);
        results.push({ engine, skipped: why });
        continue;
      }
    }
    const row: (typeof results)[number] = { engine };
    for (const kind of targets) row[kind] = await runOne(kind, engine, redisUrl);
    results.push(row);
  }

  console.log('\nResults (msg/s = messages delivered to every agent ÷ wall time; latency = customer send → agent frame)');
  const header = ['engine', 'target', 'msg/s', 'first p50', 'first p99', 'last p50', 'last p99', 'ack p50', 'ack p99', 'ratio'];
  const rows: string[][] = [];
  for (const r of results) {
    if (r.skipped) {
      rows.push([r.engine, 'skipped', '-', '-', '-', '-', '-', '-', '-', '-']);
      continue;
    }
    for (const kind of targets) {
      const x = r[kind]!;
      const ratio = kind === 'switchboard' && r.baseline ? (x.rate / r.baseline.rate).toFixed(2) : '';
      rows.push([r.engine, kind, x.rate.toFixed(0), ms(x.first.p50), ms(x.first.p99), ms(x.last.p50), ms(x.last.p99), ms(x.ack.p50), ms(x.ack.p99), ratio]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  console.log(fmt(header));
  console.log('|' + widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const row of rows) console.log(fmt(row));
  console.log(`(${sizes.customers} customers × ${sizes.messages} messages, ${sizes.agents} agents; latencies in ms; ratio = switchboard ÷ baseline msg/s; aim ≥ 0.5)`);
}

const started = Date.now();
main().then(
  () => {
    console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    process.exit(0);
  },
  (err) => {
    console.error('bench failed:', err);
    process.exit(1);
  },
);
