import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { until } from './services.ts';
import { untilListening } from '../listening.ts';

/**
 * Issue 10.7: `npm start`, then SIGTERM to npm (what a process manager or `docker stop` does) must
 * stop the server, not leave it running as an orphan: the signal has to get through npm and the shell
 * of the script (which `exec`s node on the compiled server) to the process that serves. Runs the real
 * `npm start` (with its build-if-stale step)
 * on a port of our range, without demo data, in a temporary data folder.
 */
const PORT = 41530;
const root = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-fault-start-'));
let npm: ChildProcess | null = null;

/** Every process below `pid`, by walking the parent links. */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=']).toString().trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of rows) {
      if (parent !== p) continue;
      out.push(child!);
      walk(child!);
    }
  };
  walk(pid);
  return out;
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped) counts as gone.
    return !/^Z/.test(execFileSync('ps', ['-o', 'stat=', '-p', String(pid)]).toString().trim());
  } catch {
    return false;
  }
};
const healthz = () => fetch(`http://127.0.0.1:${PORT}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);

afterAll(() => {
  // Whatever this test started and is still running goes (its own process group).
  if (npm?.pid) {
    try {
      process.kill(-npm.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start, then SIGTERM', () => {
  it('stops the server through npm and sh, and frees the port', async () => {
    // Its output goes to a file, shown when it does not serve (CI keeps nothing else of it).
    const logFile = path.join(dataDir, 'npm-start.log');
    const log = fs.openSync(logFile, 'w');
    npm = spawn('npm', ['start'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DEMO_DATA: '0', DATA_DIR: dataDir, SMTP_PORT: '', DATABASE_URL: '', REDIS_URL: '', SHUTDOWN_GRACE_MS: '200' },
    });
    fs.closeSync(log); // npm holds its own copy of the descriptor
    const exited = new Promise<number | null>((resolve) => npm!.once('exit', (code) => resolve(code)));
    // Not by polling /healthz until it answers: connecting to a port nobody listens on yet can take it
    // (see test/listening.ts), and then the server cannot bind it.
    const started = untilListening(PORT, 200_000, () => npm!.exitCode !== null).then(() =>
      until('npm start to serve', async () => (await healthz()) === 200, 20_000),
    );
    await started.catch((err: Error) => {
      throw new Error(`${err.message}; npm start said:\n${fs.readFileSync(logFile, 'utf8').slice(-4000)}`, { cause: err });
    });
    const below = descendants(npm.pid!);
    expect(below.length).toBeGreaterThan(0);

    process.kill(npm.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    await until('every process npm started to end', async () => below.every((p) => !alive(p)), 15_000);
    expect(await healthz()).toBe(0);
  }, 240_000);
});
