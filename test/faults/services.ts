/**
 * Fault-test helpers: a PostgreSQL cluster and a Redis server of the test's own, on loopback ports of
 * the resilience range (41500-41599), in temporary folders removed afterwards, so a test may kill,
 * freeze and restart them without touching the machine's shared services on 5432 and 6379.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { untilListening } from '../listening.ts';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface OwnPostgres {
  url: string;
  port: number;
  /** kill -9 the postmaster (its backends notice and exit). */
  kill(): void;
  /** SIGSTOP / SIGCONT the postmaster and its backends: a frozen database. */
  freeze(): void;
  thaw(): void;
  start(): Promise<void>;
  remove(): Promise<void>;
}

/** initdb refuses to run as root: as root, the cluster belongs to the `postgres` user. */
function asPostgres(cmd: string, args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', cmd, ...args] : [cmd, ...args];
}

function run(cmd: string, args: string[]): string {
  const [c, ...a] = asPostgres(cmd, args);
  return execFileSync(c!, a, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

export async function startOwnPostgres(port: number): Promise<OwnPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-fault-pg-'));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  fs.mkdirSync(data);
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  run(path.join(PG_BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'root', '--no-sync', '-E', 'UTF8']);
  const pgCtl = path.join(PG_BIN, 'pg_ctl');
  const postmasterPid = () => Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = (pid: number) =>
    execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)]).toString().split(/\s+/).filter(Boolean).map(Number);
  let pids: number[] = [];
  const self: OwnPostgres = {
    url: `postgres://root@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
      // After a kill -9 the old backends may still hold the shared memory for a moment, and the new
      // postmaster refuses to start until they are gone: try again for a while.
      const until = Date.now() + 30_000;
      for (;;) {
        try {
          run(pgCtl, ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start']);
          break;
        } catch (err) {
          if (Date.now() > until) throw err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      await untilListening(port);
    },
    kill() {
      process.kill(postmasterPid(), 'SIGKILL');
    },
    freeze() {
      const pm = postmasterPid();
      pids = [pm, ...children(pm)];
      for (const p of pids) process.kill(p, 'SIGSTOP');
    },
    thaw() {
      for (const p of pids) {
        try {
          process.kill(p, 'SIGCONT');
        } catch {
          // gone already
        }
      }
    },
    async remove() {
      self.thaw();
      try {
        run(pgCtl, ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // not running
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}

export interface OwnRedis {
  url: string;
  /** kill -9, resolved once the process is gone (its port is free). */
  kill(): Promise<void>;
  start(): Promise<void>;
  remove(): Promise<void>;
}

export async function startOwnRedis(port: number): Promise<OwnRedis> {
  let child: ChildProcess | null = null;
  const self: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      child = c;
      await untilListening(port, 15_000, () => c.exitCode !== null);
    },
    async kill() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      await new Promise((resolve) => {
        c.once('exit', resolve);
        c.kill('SIGKILL');
      });
    },
    async remove() {
      await self.kill();
    },
  };
  await self.start();
  return self;
}

export interface Node {
  server: import('../../apps/server/src/server.ts').Server;
  url: string;
  close(): Promise<void>;
}

/**
 * A real server (listening on loopback) on the given database and Redis, with the real clock so its
 * timers, polls and reconnects run as in production. No database URL: SQLite in memory.
 */
export async function startNode(opts: { databaseUrl?: string; pgSchema?: string; redisUrl?: string; config?: Record<string, unknown> } = {}): Promise<Node> {
  const pino = (await import('pino')).default;
  const { createServer } = await import('../../apps/server/src/server.ts');
  const { ensureBuiltins } = await import('../../apps/server/src/demo/seed.ts');
  const server = await createServer({
    logger: pino({ level: process.env.TEST_LOG ?? 'silent' }),
    // The tests speak for many addresses through X-Forwarded-For, as a proxy on loopback would.
    config: { demo: false, redisUrl: opts.redisUrl, trustProxy: '127.0.0.1', ...opts.config },
    store: opts.databaseUrl ? { databaseUrl: opts.databaseUrl, pgSchema: opts.pgSchema } : { sqliteFile: ':memory:' },
  });
  await ensureBuiltins(server.services.store);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = server.app.server.address();
  return { server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, close: () => server.close() };
}

/** Reads one sample of a Prometheus metric from /metrics (undefined when absent). */
export async function metric(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : undefined;
}

/** An admin with an API token on a node, for integration-style calls (inbound messages). */
export async function adminToken(node: Node): Promise<string> {
  const { hashPassword, hashToken, newToken } = await import('../../apps/server/src/auth/secrets.ts');
  const { insertUser } = await import('../../apps/server/src/store/users.ts');
  const db = node.server.services.store.db;
  const id = await insertUser(db, { email: `admin.${Date.now()}@example.test`, name: 'Ada Admin', role: 'admin', passwordHash: await hashPassword('correct horse battery'), capacity: 5, now: Date.now() });
  const token = newToken('sbt');
  await db.insertInto('api_tokens').values({ user_id: id, name: 'faults', token_hash: hashToken(token), created_at: Date.now(), last_used_at: null }).execute();
  return token;
}

export interface Answer {
  id: string;
  status: number;
  ms: number;
  retryAfter: string | null;
}

/** One inbound customer message with a provider id; a request that takes over `hangMs` is a hang (status 0). */
export async function inbound(url: string, token: string, id: string, hangMs = 20_000): Promise<Answer> {
  const started = Date.now();
  try {
    const r = await fetch(`${url}/api/v1/inbound/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ channel: 'api', externalId: `cust-${id.split('-')[0]}`, contact: { name: 'Load' }, body: `message ${id}`, messageId: id }),
      signal: AbortSignal.timeout(hangMs),
    });
    await r.arrayBuffer();
    return { id, status: r.status, ms: Date.now() - started, retryAfter: r.headers.get('retry-after') };
  } catch {
    return { id, status: 0, ms: Date.now() - started, retryAfter: null };
  }
}

/** Keeps `workers` senders posting inbound messages until stopped; each retries nothing (the test judges). */
export function load(url: string, token: string, workers = 4, pauseMs = 20): { answers: Answer[]; stop(): Promise<void> } {
  const answers: Answer[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; running; i++) {
      answers.push(await inbound(url, token, `${w}-${i}`));
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  });
  return {
    answers,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - started };
}

export async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<number> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}

export const readyz = (url: string) => fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 0);
