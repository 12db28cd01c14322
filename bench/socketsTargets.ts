/**
 * bench/sockets.ts's target processes: bench/targets/<kind>.ts with bench/socketsProbe.ts loaded
 * first, in a child process run with --expose-gc; started, asked for its memory, stopped over IPC.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import type { CpuReport, TargetArgs } from './protocol.ts';
import { askTarget, spawnTarget, stopTarget, type Running } from './targetProcess.ts';
import type { MemoryReport } from './socketsProbe.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

export type Kind = 'baseline' | 'switchboard';


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
  return spawnTarget(kind, ['--expose-gc', ...profile, ...entry, JSON.stringify(args)], 180_000);
}

/** The target's memory after a full collection (bench/socketsProbe.ts). */
export const memory = (r: Running) => askTarget<MemoryReport>(r, 'memory');
/** The target's CPU time so far (bench/protocol.ts). */
export const cpuMs = (r: Running) => askTarget<CpuReport>(r, 'cpu').then((c) => c.cpuMs);

export const stop = (r: Running) => stopTarget(r, 30_000);
