/**
 * bench/sockets.ts's target processes: bench/targets/<kind>.ts with bench/socketsProbe.ts loaded
 * first, in a child process run with --expose-gc; started, asked for its memory, stopped over IPC.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import * as esbuild from 'esbuild';
import type { CpuReport, TargetArgs, TargetReady } from './protocol.ts';
import type { MemoryReport } from './socketsProbe.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

export type Kind = 'baseline' | 'switchboard';

export interface Running {
  child: ChildProcess;
  ready: TargetReady;
}

/**
 * The probe and a target as one ES module, npm packages left to node_modules (so the bundle lives
 * under it) and each module's `import.meta.url` kept pointing at its source (as scripts/build-if-stale.mjs).
 */
async function bundle(kind: Kind): Promise<string> {
  const outfile = path.join(root, 'node_modules/.cache/sbbench', `sockets-${kind}.mjs`);
  await esbuild.build({
    stdin: { contents: `import './socketsProbe.ts';\nimport './targets/${kind}.ts';\n`, resolveDir: here, loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        name: 'bench-target',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (a) => (a.path.startsWith('@switchboard/') || path.isAbsolute(a.path) ? undefined : { path: a.path, external: true }));
          b.onLoad({ filter: /\.ts$/ }, async (a) => {
            const rel = path.relative(path.dirname(outfile), a.path).split(path.sep).join('/');
            const text = await fs.promises.readFile(a.path, 'utf8');
            return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
          });
        },
      },
    ],
  });
  return outfile;
}

/** BENCH_SOCKETS_TSX=1: run the targets under tsx instead of as bundles. */
export const TSX = process.env.BENCH_SOCKETS_TSX === '1';
const bundles = new Map<Kind, string>();

export async function start(kind: Kind, args: TargetArgs & { socketsPerAgent?: number }): Promise<Running> {
  if (!TSX && !bundles.has(kind)) bundles.set(kind, await bundle(kind));
  const entry = TSX ? ['--import', 'tsx', '--import', pathToFileURL(path.join(here, 'socketsProbe.ts')).href, path.join(here, 'targets', `${kind}.ts`)] : [bundles.get(kind)!];
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
  const child = spawn(process.execPath, ['--expose-gc', ...profile, ...entry, JSON.stringify(args)], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind} did not start within 180 s`));
    }, 180_000);
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

/** Asks the target over IPC and waits for its answer of the same type. */
function ask<T extends { type: string }>(r: Running, type: T['type']): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} report within 30 s`)), 30_000);
    const on = (m: T) => {
      if (m?.type !== type) return;
      clearTimeout(timer);
      r.child.off('message', on);
      resolve(m);
    };
    r.child.on('message', on);
    r.child.send({ type });
  });
}

/** The target's memory after a full collection (bench/socketsProbe.ts). */
export const memory = (r: Running) => ask<MemoryReport>(r, 'memory');
/** The target's CPU time so far (bench/protocol.ts). */
export const cpuMs = (r: Running) => ask<CpuReport>(r, 'cpu').then((c) => c.cpuMs);

export async function stop(r: Running): Promise<void> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => r.child.kill('SIGKILL'), 30_000);
    r.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (r.child.connected) r.child.send({ type: 'stop' });
    else r.child.kill('SIGTERM');
  });
}
