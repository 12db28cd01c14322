/**
 * A bench target's child process, seen from the bench: started (resolves once it says `ready`),
 * asked over IPC (`cpu`, `memory`: an answer of the same type), stopped. The child's side is
 * bench/protocol.ts `serveUntilStopped`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import type { TargetReady } from './protocol.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Running {
  child: ChildProcess;
  ready: TargetReady;
}

/** Runs `node <argv>` from the repository root and waits for its `ready` (or fails after `timeoutMs`). */
export function spawnTarget(kind: string, argv: string[], timeoutMs: number, node = process.execPath): Promise<Running> {
  const child = spawn(node, argv, { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, LOG_LEVEL: 'silent' } });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind} did not start within ${timeoutMs / 1000} s`));
    }, timeoutMs);
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
export function askTarget<T extends { type: string }>(r: Running, type: T['type'], timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} report within ${timeoutMs / 1000} s`)), timeoutMs);
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

/** Asks the target to stop and waits for it to exit; kills it if it takes longer than `timeoutMs`. */
export async function stopTarget(r: Running, timeoutMs = 15_000): Promise<void> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      console.error(`  ! target did not stop within ${timeoutMs / 1000} s; killing it`);
      r.child.kill('SIGKILL');
    }, timeoutMs);
    r.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (r.child.connected) r.child.send({ type: 'stop' });
    else r.child.kill('SIGTERM');
  });
}

/** A bench's entry: runs `main`, prints how long it took, and exits 0, or 1 with the error. */
export function exitWhenDone(main: () => Promise<void>, name = 'bench'): void {
  const started = Date.now();
  main().then(
    () => {
      console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      process.exit(0);
    },
    (err) => {
      console.error(`${name} failed:`, err);
      process.exit(1);
    },
  );
}
