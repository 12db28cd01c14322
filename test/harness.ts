import crypto from 'node:crypto';
import pino from 'pino';
import WebSocket from 'ws';
import { createServer, type Server } from '../apps/server/src/server.ts';
import { ManualClock } from '../apps/server/src/clock.ts';
import type { Config } from '../apps/server/src/config.ts';
import { hashPassword, hashToken, newToken } from '../apps/server/src/auth/secrets.ts';
import { insertUser } from '../apps/server/src/store/users.ts';
import { ensureBuiltins } from '../apps/server/src/demo/seed.ts';
import { streamKindOf, verifyFrame } from './frames.ts';

export const PASSWORD = 'correct horse battery';

/** Which engine this run uses: PostgreSQL when DATABASE_URL is set, else SQLite. */
export const ENGINE = process.env.DATABASE_URL?.startsWith('postgres') ? 'postgres' : 'sqlite';

export interface TestServer {
  server: Server;
  clock: ManualClock;
  /** http://127.0.0.1:port when started with `listen: true`. */
  url: string;
  close(): Promise<void>;
}

import { redisPrefixFor } from './redisPrefix.ts';
export { redisPrefixFor };

/**
 * A real server on a fresh database: a SQLite file in memory, or its own PostgreSQL schema, so test
 * files never see each other's rows. Redis is used when REDIS_URL is set.
 */
export async function startTestServer(opts: { listen?: boolean; schema?: string; dataDir?: string; logger?: pino.Logger; config?: Partial<Config> } = {}): Promise<TestServer> {
  const clock = new ManualClock();
  const schema = opts.schema ?? `sbtest_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const server = await createServer({
    clock,
    logger: opts.logger ?? pino({ level: process.env.TEST_LOG ?? 'silent' }),
    // Tests jump the clock by hours: a session's idle timeout is tested on its own (security/passwords.test.ts).
    config: { demo: false, redisUrl: process.env.REDIS_URL || undefined, sessionIdleMs: 365 * 24 * 3600 * 1000,
      // Tests stand for many clients from one process: they name each client's address as a proxy would.
      trustProxy: '127.0.0.1',
      // CI machines are starved at times (two test files at once on two cores): shedding ingest on a slow
      // event loop is tested on its own (overload.test.ts), elsewhere it would only turn a slow run red.
      loadLimits: { maxInFlight: 10_000, maxEventLoopDelayMs: 60_000, maxQueueDepth: 10_000, maxIngestLatencyMs: 60_000 },
      // Test files run side by side on one Redis with the same ids in each database: each database gets its own names.
      redisPrefix: redisPrefixFor(opts.dataDir ?? schema),
      ...opts.config },
    store:
      ENGINE === 'postgres'
        ? { databaseUrl: process.env.DATABASE_URL, pgSchema: schema }
        : opts.dataDir
          ? { dataDir: opts.dataDir, sqliteFile: 'switchboard.db' }
          : { sqliteFile: ':memory:' },
  });
  await ensureBuiltins(server.services.store);
  let url = '';
  if (opts.listen) {
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = server.app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }
  return {
    server,
    clock,
    url,
    async close() {
      await server.close();
      if (ENGINE === 'postgres' && !opts.schema) {
        const pg = await import('pg');
        const c = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`drop schema if exists "${schema}" cascade`);
        await c.end();
      }
    },
  };
}

export interface Caller {
  id: number;
  email: string;
  name: string;
  cookie: string;
  csrf: string;
  /** Calls the API as this user through the real HTTP stack (inject), with cookie and CSRF header. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** Creates a user directly in the store (test setup), optionally in some queues. */
export async function createUser(t: TestServer, role: 'admin' | 'supervisor' | 'agent', name: string, queueIds: number[] = []): Promise<{ id: number; email: string }> {
  const db = t.server.services.store.db;
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${crypto.randomBytes(3).toString('hex')}@example.test`;
  const id = await insertUser(db, { email, name, role, passwordHash: await hashPassword(PASSWORD), capacity: 5, now: t.clock.now() });
  // One row per membership: reading the members and writing the list back lost a user whenever
  // tests created users in parallel (Promise.all), so a colleague was "not in the queue" at random.
  if (queueIds.length) await db.insertInto('queue_members').values(queueIds.map((queue_id) => ({ queue_id, user_id: id }))).execute();
  return { id, email };
}

export async function createQueue(t: TestServer, name: string): Promise<number> {
  const row = await t.server.services.store.db
    .insertInto('queues')
    .values({ name, routing_mode: 'auto_assign', settings: '{}', created_at: t.clock.now() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Signs in through the login route and returns a caller holding the session cookie. */
export async function signIn(t: TestServer, user: { id: number; email: string }, password = PASSWORD): Promise<Caller> {
  const res = await t.server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'sb_session')!.value;
  const body = res.json();
  const caller: Caller = {
    id: user.id,
    email: user.email,
    name: body.user.name,
    cookie,
    csrf: body.csrfToken,
    async api(method, path, payload) {
      const r = await t.server.app.inject({
        method: method as 'GET',
        url: path,
        cookies: { sb_session: cookie },
        headers: { 'x-csrf-token': caller.csrf },
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });
      return { status: r.statusCode, body: (r.body ? r.json() : undefined) as never };
    },
  };
  return caller;
}

/** A personal API token for a user, for Bearer calls. */
export async function tokenFor(t: TestServer, userId: number): Promise<string> {
  const token = newToken('sbt');
  await t.server.services.store.db
    .insertInto('api_tokens')
    .values({ user_id: userId, name: 'test', token_hash: hashToken(token), created_at: t.clock.now(), last_used_at: null })
    .execute();
  return token;
}

export async function bearer(t: TestServer, token: string, method: string, url: string, payload?: unknown) {
  const r = await t.server.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: r.statusCode, body: r.body ? r.json() : undefined };
}

/** A customer message arriving through the API channel, as an integration would deliver it. */
export async function customerWrites(t: TestServer, adminToken: string, opts: { externalId: string; name?: string; body: string; queueId?: number; messageId?: string }) {
  return bearer(t, adminToken, 'POST', '/api/v1/inbound/messages', {
    channel: 'api',
    externalId: opts.externalId,
    contact: { name: opts.name ?? `Customer ${opts.externalId}` },
    body: opts.body,
    ...(opts.queueId ? { queueId: opts.queueId } : {}),
    ...(opts.messageId ? { messageId: opts.messageId } : {}),
  });
}

export interface StreamClient {
  frames: any[];
  ws: WebSocket;
  /** Resolves with the first frame (already received or later) that matches. */
  next(pred: (f: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

/**
 * Connects a stream socket, keeps every frame, says hello and waits for the handshake's answer (one of
 * `answers`). Shared by the agents' and the visitors' stream tests. Every frame is checked against
 * its schema (test/frames.ts): a frame that breaks the contract fails the test.
 */
export async function connectStream(url: string, options: WebSocket.ClientOptions, lastSeq: number | undefined, answers: string[]): Promise<StreamClient> {
  const ws = new WebSocket(url, options);
  const kind = streamKindOf(url);
  const frames: any[] = [];
  let broken: string | null = null;
  const waiters: Array<{ pred: (f: any) => boolean; resolve: (f: any) => void; reject: (e: Error) => void }> = [];
  ws.on('message', (raw) => {
    const f = JSON.parse(String(raw));
    const problem = verifyFrame(kind, f);
    if (problem) {
      broken ??= problem;
      for (const w of waiters.splice(0)) w.reject(new Error(problem));
    }
    frames.push(f);
    for (const w of [...waiters]) if (w.pred(f)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(f);
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const client: StreamClient = {
    frames,
    ws,
    next(pred, timeoutMs = 5000) {
      if (broken) return Promise.reject(new Error(broken));
      const found = frames.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames.map((f) => f.type))}`)), timeoutMs);
        waiters.push({ pred, resolve: (f) => (clearTimeout(timer), resolve(f)), reject: (e) => (clearTimeout(timer), reject(e)) });
      });
    },
    close: () => ws.close(),
  };
  ws.send(JSON.stringify({ type: 'hello', ...(lastSeq !== undefined ? { lastSeq } : {}) }));
  await client.next((f) => answers.includes(f.type));
  return client;
}

/** Opens the WebSocket stream as a user and says hello. */
export async function openStream(t: TestServer, caller: Caller, lastSeq?: number): Promise<StreamClient> {
  return connectStream(`${t.url.replace('http', 'ws')}/api/v1/stream`, { headers: { cookie: `sb_session=${caller.cookie}` } }, lastSeq, ['ready', 'resync']);
}
