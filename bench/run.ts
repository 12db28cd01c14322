/**
 * `npm run bench`: the customer → agent message path of the real Switchboard server against a bare
 * baseline (http + ws + one INSERT per message), on SQLite and on PostgreSQL, open loop: the server's
 * CPU per message at a light rate, ack and delivery latency at the aim's rate (1,000 msg/s), then
 * rising rates until a step does not keep up (the saturation throughput), and the ratios.
 *
 * Each target runs in its own child process (the server gets its own event loop, as in production);
 * this process is the load generator and the agents' WebSocket clients.
 *
 * Environment:
 *   BENCH_CUSTOMERS (100 conversations)  BENCH_AGENTS (20)  BENCH_SECONDS (4 per step)
 *   BENCH_RATE (1000: the aim's rate)  BENCH_COST_RATE (200: where CPU per message is measured)
 *   BENCH_SEARCH=0  no saturation search (diagnosis: profile one rate)
 *   BENCH_ENGINES   sqlite,postgres
 *   BENCH_TARGETS   baseline,switchboard
 *   BENCH_PG_URL    postgres://root@127.0.0.1:5432/test (or DATABASE_URL when it is postgres://)
 *   REDIS_URL       Redis fan-out for Switchboard; default redis://127.0.0.1:6379 when it answers;
 *                   REDIS_URL=off disables it
 *   BENCH_PROFILE   a directory: the targets run with --cpu-prof and write their profiles there
 *   BENCH_DEBUG=1   slow requests (client and server side), event-loop delay, frames per agent
 *   BENCH_SQLITE_SYNC=OFF  diagnosis only: SQLite without the fsync per commit (both targets)
 *   BENCH_NODE      the node binary for the targets (e.g. a wrapper running strace)
 *   SB_QUERY_STATS=<file>  Switchboard writes its statements' summed times, costliest first, there
 */
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Agents } from './load.ts';
import { driveAtRate, keptUp, type OpenLoopResult } from './openLoop.ts';
import type { CpuReport, TargetArgs } from './protocol.ts';
import { askTarget, exitWhenDone, spawnTarget, stopTarget, type Running } from './targetProcess.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function intEnv(name: string, fallback: number, max: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`${name} must be an integer in 1..${max}`);
  return v;
}

const sizes = {
  customers: intEnv('BENCH_CUSTOMERS', 100, 10_000),
  agents: intEnv('BENCH_AGENTS', 20, 500),
  seconds: intEnv('BENCH_SECONDS', 4, 120),
  aimRate: intEnv('BENCH_RATE', 1000, 100_000),
  costRate: intEnv('BENCH_COST_RATE', 200, 100_000),
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

function startTarget(kind: 'baseline' | 'switchboard', args: TargetArgs): Promise<Running> {
  const flags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return spawnTarget(kind, [...flags, '--import', 'tsx', path.join(here, 'targets', `${kind}.ts`), JSON.stringify(args)], 60_000, process.env.BENCH_NODE);
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');

/** A target's CPU time so far (ms): all, and the kernel's part. */
const cpuOf = (r: Running) => askTarget<CpuReport>(r, 'cpu');

function stepLine(label: string, x: OpenLoopResult): string {
  return (
    `  ${label.padEnd(22)} offered ${x.offered} delivered ${x.delivered} (${x.deliveredRate.toFixed(0)}/s)` +
    `  ack p50/p99 ${ms(x.ack.p50)}/${ms(x.ack.p99)} ms  delivery p50/p99 ${ms(x.delivery.p50)}/${ms(x.delivery.p99)} ms` +
    (x.rejected ? `  rejected ${x.rejected}` : '') +
    (x.timeouts ? `  timeouts ${x.timeouts}` : '') +
    (x.lateSends ? `  generator late ${x.lateSends}` : '') +
    `  generator CPU ${x.generatorCpuMs.toFixed(2)} ms/msg` +
    (x.duplicates ? `  DUPLICATES ${x.duplicates}` : '') +
    (keptUp(x) ? '' : '  — did not keep up')
  );
}

interface TargetFigures {
  /** Server process CPU per message at the cost rate. */
  cpuMsPerMsg: number;
  /** The step at the aim's rate. */
  atAim: OpenLoopResult;
  /** Highest delivered rate of a step that kept up (0 if none did). */
  saturation: number;
}

async function runOne(kind: 'baseline' | 'switchboard', engine: 'sqlite' | 'postgres', redisUrl: string | undefined): Promise<TargetFigures> {
  const schema = `sbbench_${process.pid}_${kind === 'baseline' ? 'base' : 'sb'}`;
  const args: TargetArgs = { engine, agents: sizes.agents, pgUrl, pgSchema: schema, redisUrl: kind === 'switchboard' ? redisUrl : undefined };
  const running = await startTarget(kind, args);
  const agents = new Agents();
  const step = (tag: string, rate: number, seconds: number) => driveAtRate(agents, running.ready, tag, { rate, seconds, customers: sizes.customers });
  try {
    console.log(`  ${kind}: ${running.ready.notes.join('; ')}`);
    await agents.connect(running.ready);
    // Warm-up (JIT, pools, statement caches, the conversations themselves); not counted.
    await step('warm', Math.min(sizes.costRate, 100), 2);
    const cpu0 = await cpuOf(running);
    const cost = await step('cost', sizes.costRate, sizes.seconds);
    const cpu1 = await cpuOf(running);
    const cpuMsPerMsg = (cpu1.cpuMs - cpu0.cpuMs) / Math.max(1, cost.delivered);
    const systemPerMsg = (cpu1.systemMs - cpu0.systemMs) / Math.max(1, cost.delivered);
    console.log(stepLine(`${sizes.costRate}/s (cost)`, cost) + `  server CPU ${cpuMsPerMsg.toFixed(2)} ms/msg (kernel ${systemPerMsg.toFixed(2)})`);
    const atAim = await step('aim', sizes.aimRate, sizes.seconds);
    console.log(stepLine(`${sizes.aimRate}/s (aim)`, atAim));
    // Saturation: rising offered rates until one does not keep up.
    let saturation = keptUp(atAim) ? atAim.deliveredRate : 0;
    const search = process.env.BENCH_SEARCH !== '0';
    for (let i = 0, rate = sizes.aimRate; search && keptUp(atAim) && i < 8; i++) {
      rate = Math.round(rate * 1.3);
      const x = await step(`sat${i}`, rate, sizes.seconds);
      console.log(stepLine(`${rate}/s`, x));
      if (!keptUp(x)) break;
      saturation = Math.max(saturation, x.deliveredRate);
    }
    if (search && !keptUp(atAim)) {
      for (let rate = Math.round(sizes.aimRate * 0.7); rate >= 50; rate = Math.round(rate * 0.7)) {
        const x = await step(`low${rate}`, rate, sizes.seconds);
        console.log(stepLine(`${rate}/s`, x));
        if (keptUp(x)) {
          saturation = x.deliveredRate;
          break;
        }
      }
    }
    if (process.env.BENCH_DEBUG) console.error(`  agent 0 got ${agents.frames0} frames, ${(agents.bytes0 / 1e6).toFixed(1)} MB: ${[...agents.types0].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    return { cpuMsPerMsg, atAim, saturation: search ? saturation : NaN };
  } finally {
    agents.close();
    await stopTarget(running);
    if (engine === 'postgres') await dropSchema(schema);
  }
}

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

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
    `Switchboard message path, open loop: ${sizes.customers} conversations, ${sizes.agents} agents on the stream, ` +
      `${sizes.seconds} s per step; Redis fan-out ${redisUrl ? `ON (${redisUrl})` : 'OFF'}`,
  );

  const results: Array<{ engine: string; baseline?: TargetFigures; switchboard?: TargetFigures; skipped?: string }> = [];
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

  console.log(`\nResults (latency from each message's due time; delivery = the last of ${sizes.agents} agents got it)`);
  const header = ['engine', 'target', 'CPU ms/msg', `ack p99 @${sizes.aimRate}`, `delivery p99 @${sizes.aimRate}`, 'saturates at msg/s', 'ratio'];
  const rows: string[][] = [];
  const aims: string[] = [];
  for (const r of results) {
    if (r.skipped) {
      rows.push([r.engine, 'skipped', '-', '-', '-', '-', '-']);
      continue;
    }
    for (const kind of targets) {
      const x = r[kind]!;
      const ratio = kind === 'switchboard' && r.baseline ? (x.saturation / r.baseline.saturation).toFixed(2) : '';
      rows.push([r.engine, kind, x.cpuMsPerMsg.toFixed(2), ms(x.atAim.ack.p99), ms(x.atAim.delivery.p99), x.saturation.toFixed(0), ratio]);
    }
    const sb = r.switchboard;
    if (!sb) continue;
    aims.push(`  ${r.engine}: ack p99 ≤ 20 ms at ${sizes.aimRate}/s: ${ms(sb.atAim.ack.p99)} ms ${verdict(keptUp(sb.atAim) && sb.atAim.ack.p99 <= 20)}`);
    aims.push(`  ${r.engine}: delivery to every agent p99 ≤ 50 ms at ${sizes.aimRate}/s: ${ms(sb.atAim.delivery.p99)} ms ${verdict(keptUp(sb.atAim) && sb.atAim.delivery.p99 <= 50)}`);
    if (r.baseline) {
      const sat = sb.saturation / r.baseline.saturation;
      const cost = sb.cpuMsPerMsg / r.baseline.cpuMsPerMsg;
      aims.push(`  ${r.engine}: saturation ≥ 0.8 × bare: ` + (Number.isFinite(sat) ? `${sb.saturation.toFixed(0)} / ${r.baseline.saturation.toFixed(0)} msg/s = ${sat.toFixed(2)} ${verdict(sat >= 0.8)}` : 'not searched (BENCH_SEARCH=0)'));
      aims.push(`  ${r.engine}: CPU per message ≤ 3 × bare: ${sb.cpuMsPerMsg.toFixed(2)} / ${r.baseline.cpuMsPerMsg.toFixed(2)} ms = ${cost.toFixed(1)}× ${verdict(cost <= 3)}`);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  console.log(fmt(header));
  console.log('|' + widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const row of rows) console.log(fmt(row));
  console.log(`(CPU at ${sizes.costRate}/s offered; saturation = the highest delivered rate of a step that kept up; ratio = switchboard ÷ baseline)`);
  console.log('Aims (issue 18, message path):');
  for (const a of aims) console.log(a);
}

exitWhenDone(main);
