/**
 * `npm run bench:sockets`: issue 18's sockets aim — 10,000 open agent streams per node at ≤ 16 KB
 * each, one message delivered to all of them in ≤ 200 ms p99 — and what the idle server holds, for
 * the real Switchboard server against the bare baseline (bench/targets/*.ts), on SQLite and PostgreSQL.
 *
 * Each target runs in its own child process (node --expose-gc, with bench/socketsProbe.ts loaded
 * first to report its memory after a full collection); this process holds the N client sockets.
 * The targets run as esbuild bundles, as `npm start` runs the server: under tsx each process would
 * also carry tsx's loader thread (a second V8 isolate, about 37 MB of RSS). BENCH_SOCKETS_TSX=1 runs
 * them under tsx instead.
 *   1. idle: a target started with one agent, its memory right after start;
 *   2. a target with the agents set up: memory before and after N streams are open (batches, each
 *      socket says hello until `ready`) → KB per socket;
 *   3. fan-out: one customer message at a time (the next once the previous reached every socket),
 *      timed from its POST to the `message.created` frame at each socket.
 *      A POST the server sheds (503 `overloaded`: a fan-out keeps its event loop busy) is retried
 *      after its Retry-After and timed from the accepted attempt; the shed count and reason print.
 * Receipts are timed in this process, which also reads every frame of N sockets on the same cores:
 * the baseline's figures are the floor of this measurement. Each target's CPU time per message
 * (bench/protocol.ts `cpu`) and this client's print too: they depend less on the machine's load.
 *
 * Environment:
 *   BENCH_SOCKETS (10000)  BENCH_SOCKETS_PER_USER (1: N agents, each with its own token; k: N/k
 *   agents × k sockets)  BENCH_SOCKETS_BATCH (200)  BENCH_FANOUT (20 messages)
 *   BENCH_ENGINES sqlite,postgres  BENCH_TARGETS baseline,switchboard  BENCH_PG_URL
 *   BENCH_PROFILE a directory: the targets run with --cpu-prof and write their profiles there
 */
import os from 'node:os';
import type { MemoryReport } from './socketsProbe.ts';
import { Streams, type FanOutResult, type Spread } from './socketsClients.ts';
import { start, memory, cpuMs, stop, TSX, type Kind } from './socketsTargets.ts';
import { PG_URL, pgAnswers, dropBenchSchema } from './engines.ts';
import { exitWhenDone } from './targetProcess.ts';

function intEnv(name: string, fallback: number, max: number): number {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`${name} must be an integer in 1..${max}`);
  return v;
}

const SOCKETS = intEnv('BENCH_SOCKETS', 10_000, 15_000);
const PER_USER = intEnv('BENCH_SOCKETS_PER_USER', 1, SOCKETS);
const BATCH = intEnv('BENCH_SOCKETS_BATCH', 200, 5_000);
const FANOUT = intEnv('BENCH_FANOUT', 20, 1_000);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean) as Array<'sqlite' | 'postgres'>;
const TARGETS = (process.env.BENCH_TARGETS ?? 'baseline,switchboard').split(',').map((s) => s.trim()).filter(Boolean) as Kind[];
const AIM_KB = 16;
const AIM_MS = 200;
if (SOCKETS % PER_USER) throw new Error('BENCH_SOCKETS must be a multiple of BENCH_SOCKETS_PER_USER');
if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(PG_URL).hostname)) throw new Error('BENCH_PG_URL must be on loopback');

const MB = (b: number) => (b / 1048576).toFixed(1);
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');
const load = () => os.loadavg()[0]!.toFixed(2);
const fmtSpread = (s: Spread) => `${ms(s.p50)}/${ms(s.p99)}/${ms(s.max)}`;

interface Result {
  idle: MemoryReport;
  idleLoad: string;
  kbPerSocket: number;
  heapKbPerSocket: number;
  openS: number;
  fan: FanOutResult;
  fanLoad: string;
  /** The target's CPU time per fanned-out message, ms. */
  serverCpu: number;
}

async function runOne(kind: Kind, engine: 'sqlite' | 'postgres'): Promise<Result> {
  const schema = `sbsock_${process.pid}_${kind === 'baseline' ? 'base' : 'sb'}`;
  const base = { engine, pgUrl: PG_URL, pgSchema: schema };
  // 1. Idle: one agent, right after start.
  const small = await start(kind, { ...base, agents: 1 });
  let idle: MemoryReport;
  try {
    idle = await memory(small);
  } finally {
    await stop(small);
  }
  const idleLoad = load();
  console.log(`  ${kind}: idle rss ${MB(idle.rss)} MB, heap used ${MB(idle.heapUsed)} MB (external ${MB(idle.external)} MB)  [load ${idleLoad}]`);

  // 2. N sockets.
  const users = kind === 'switchboard' ? SOCKETS / PER_USER : SOCKETS;
  const t0 = performance.now();
  const big = await start(kind, { ...base, agents: users, socketsPerAgent: kind === 'switchboard' ? PER_USER : undefined });
  const streams = new Streams();
  try {
    console.log(`  ${kind}: ${big.ready.notes.join('; ')} (set up in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const before = await memory(big);
    const t1 = performance.now();
    await streams.open(big.ready, BATCH);
    const openS = (performance.now() - t1) / 1000;
    const after = await memory(big);
    const kbPerSocket = (after.rss - before.rss) / 1024 / SOCKETS;
    const heapKbPerSocket = (after.heapUsed - before.heapUsed) / 1024 / SOCKETS;
    const shape = kind === 'switchboard' ? `${users} users × ${PER_USER} socket${PER_USER > 1 ? 's' : ''}` : 'no users';
    console.log(
      `  ${kind}: ${SOCKETS} sockets (${shape}) open in ${openS.toFixed(1)} s: rss ${MB(before.rss)} → ${MB(after.rss)} MB, heap ${MB(before.heapUsed)} → ${MB(after.heapUsed)} MB` +
        ` = ${kbPerSocket.toFixed(1)} KB rss, ${heapKbPerSocket.toFixed(1)} KB heap per socket  [load ${load()}]`,
    );

    // 3. Fan-out: one warm-up message (it also opens the conversation), then FANOUT timed ones.
    await streams.fanOut(big.ready, 'warm', 1);
    const frames0 = streams.frames;
    const [cpu0, own0] = [await cpuMs(big), process.cpuUsage()];
    const fan = await streams.fanOut(big.ready, 'run', FANOUT);
    const serverCpu = ((await cpuMs(big)) - cpu0) / FANOUT;
    const own = process.cpuUsage(own0);
    const clientCpu = (own.user + own.system) / 1000 / FANOUT;
    const frames = (streams.frames - frames0) / SOCKETS / FANOUT;
    const fanLoad = load();
    console.log(
      `  ${kind}: CPU per message: server ${serverCpu.toFixed(0)} ms (${((serverCpu / SOCKETS) * 1000).toFixed(1)} µs per socket), this client ${clientCpu.toFixed(0)} ms; ` +
        `${frames.toFixed(1)} frames per socket per message; socket 0 got (warm-up included) ${[...streams.types0].map(([t, c]) => `${t} ${c}`).join(', ')}`,
    );
    if (streams.shed) console.log(`  ${kind}: ${streams.shed} inbound POSTs shed (503 overloaded, retried after 1 s): ${streams.shedWhy}`);
    console.log(
      `  ${kind}: fan-out of ${FANOUT} messages to ${SOCKETS} sockets (p50/p99/max ms): first message ${fmtSpread(fan.first)}, all receipts ${fmtSpread(fan.all)},` +
        ` last socket per message ${fmtSpread(fan.last)}, last − first socket ${fmtSpread(fan.width)}; ${fan.complete}/${FANOUT} reached all${fan.missing ? `, ${fan.missing} receipts MISSING` : ''}  [load ${fanLoad}]`,
    );
    return { idle, idleLoad, kbPerSocket, heapKbPerSocket, openS, fan, fanLoad, serverCpu };
  } finally {
    streams.close();
    await stop(big);
    if (engine === 'postgres') await dropBenchSchema(schema).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  console.log(
    `Sockets bench: ${SOCKETS} agent streams${PER_USER > 1 ? ` (${SOCKETS / PER_USER} users × ${PER_USER})` : ', one user each'}, opened ${BATCH} at a time; ` +
      `${FANOUT} messages fanned out to all; Redis off; targets ${TSX ? 'under tsx' : 'bundled (esbuild, as npm start)'}`,
  );
  const rows: string[][] = [];
  for (const engine of ENGINES) {
    console.log(`\n[${engine}]`);
    if (engine === 'postgres' && !(await pgAnswers())) {
      console.log(`  skipped: PostgreSQL at ${PG_URL} does not answer`);
      rows.push([engine, 'skipped', '-', '-', '-']);
      continue;
    }
    const r: Partial<Record<Kind, Result>> = {};
    for (const kind of TARGETS) r[kind] = await runOne(kind, engine);
    const sb = r.switchboard;
    const bl = r.baseline;
    const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
    if (sb && bl) rows.push([engine, 'idle rss (issue: 230 vs 55 MB)', `${MB(sb.idle.rss)} vs ${MB(bl.idle.rss)} MB (×${(sb.idle.rss / bl.idle.rss).toFixed(1)})`, `heap ${MB(sb.idle.heapUsed)} vs ${MB(bl.idle.heapUsed)} MB`, '-']);
    for (const [kind, x] of Object.entries(r) as Array<[Kind, Result]>) {
      const tag = `${kind}, load ${x.fanLoad}`;
      const fanTag = `${kind}, server CPU ${x.serverCpu.toFixed(0)} ms/message, load ${x.fanLoad}`;
      rows.push([engine, `${kind}: rss per socket ≤ ${AIM_KB} KB`, `${x.kbPerSocket.toFixed(1)} KB (heap ${x.heapKbPerSocket.toFixed(1)})`, tag, kind === 'switchboard' ? met(x.kbPerSocket <= AIM_KB) : '-']);
      rows.push([engine, `${kind}: fan-out p99, all receipts ≤ ${AIM_MS} ms`, `${ms(x.fan.all.p99)} ms (p50 ${ms(x.fan.all.p50)}, max ${ms(x.fan.all.max)})`, fanTag, kind === 'switchboard' ? met(x.fan.all.p99 <= AIM_MS && !x.fan.missing) : '-']);
      rows.push([engine, `${kind}: fan-out p99, last socket ≤ ${AIM_MS} ms`, `${ms(x.fan.last.p99)} ms (p50 ${ms(x.fan.last.p50)})`, fanTag, kind === 'switchboard' ? met(x.fan.last.p99 <= AIM_MS && !x.fan.missing) : '-']);
    }
  }
  console.log('\nResults (fan-out = customer POST → `message.created` at each socket; memory after a full gc)');
  const header = ['engine', 'aim', 'figure', 'note', 'aim met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(fmt(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of rows) console.log(fmt(row));
  console.log(`(${SOCKETS} sockets${PER_USER > 1 ? `, ${PER_USER} per user` : ''}; ${FANOUT} messages; load = 1-minute load average on ${os.cpus().length} cores)`);
}

exitWhenDone(main);
