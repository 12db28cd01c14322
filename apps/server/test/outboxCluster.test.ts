import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE, createUser, customerWrites, startTestServer, tokenFor, type TestServer } from '../../../test/harness.ts';

/**
 * Issue 17 item 7: the outbox consumer across real server processes on one database. A node killed
 * with SIGKILL while its handler is in flight loses nothing (the next node delivers the item again),
 * and with two nodes running each item is handled by exactly one of them, in per-conversation order.
 * The processes run the real consumer code (outboxPeer.ts registers a test consumer through the
 * public API); their handler reports to this test over loopback and waits for its answer.
 */
interface Report {
  pid: number;
  seq: number;
  conversationId: number;
  body: string;
  attempt: number;
}

let t: TestServer;
let token: string;
let schema: string;
let dataDir: string;
let reportServer: http.Server;
let reportUrl = '';
const reports: Report[] = [];
/** Bodies whose first report is left unanswered (the handler stays in flight). */
const hold = new Set<string>();
const holding = new Map<string, () => void>();
const peers = new Set<ChildProcess>();

beforeAll(async () => {
  schema = `sbtest_${process.pid}_outbox_${crypto.randomBytes(4).toString('hex')}`;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-outbox-'));
  t = await startTestServer(ENGINE === 'postgres' ? { schema } : { dataDir });
  token = await tokenFor(t, (await createUser(t, 'admin', 'Root')).id);
  reportServer = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const r = JSON.parse(raw) as Report;
      reports.push(r);
      if (hold.has(r.body)) {
        hold.delete(r.body);
        holding.get(r.body)?.();
        return; // never answered: the handler is in flight when its process dies
      }
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => reportServer.listen(0, '127.0.0.1', resolve));
  const addr = reportServer.address();
  reportUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/report`;
});

afterAll(async () => {
  for (const p of peers) p.kill('SIGKILL');
  reportServer?.closeAllConnections();
  reportServer?.close();
  await t?.close();
  if (ENGINE === 'postgres') {
    const pg = await import('pg');
    const c = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startPeer(): Promise<ChildProcess> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = fork(path.join(here, 'outboxPeer.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...(ENGINE === 'postgres' ? { PEER_SCHEMA: schema } : { PEER_DATA_DIR: dataDir }), OUTBOX_REPORT_URL: reportUrl, OUTBOX_LEASE_MS: '1000' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  peers.add(child);
  child.once('exit', () => peers.delete(child));
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`peer exited with ${code}`)));
    child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
  });
  child.removeAllListeners('exit');
  child.once('exit', () => peers.delete(child));
  return child;
}

async function stopPeer(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.send({ cmd: 'close' });
  await exited;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const db = () => t.server.services.store.db;
const cursor = async () => Number((await db().selectFrom('outbox_cursors').select('last_seq').where('consumer', '=', 'test.cluster').executeTakeFirst())?.last_seq ?? -1);

async function write(externalId: string, body: string) {
  const r = await customerWrites(t, token, { externalId, body });
  expect(r.status).toBe(201);
  await t.server.services.dispatcher.flush(); // PostgreSQL: give the committed event its seq now
}

describe(`the outbox consumer across server processes (${ENGINE})`, () => {
  it('delivers an item again after its node is killed with SIGKILL mid-delivery: never lost', async () => {
    const first = await startPeer();
    const inFlight = new Promise<void>((r) => holding.set('kill me', r));
    hold.add('kill me');
    await write('kill-1', 'kill me');
    await inFlight;
    const seq = reports.find((r) => r.body === 'kill me')!.seq;
    expect(reports.filter((r) => r.body === 'kill me').map((r) => r.pid)).toEqual([first.pid]);

    const died = new Promise((r) => first.once('exit', (_code, signal) => r(signal)));
    first.kill('SIGKILL');
    expect(await died).toBe('SIGKILL');
    // Nothing was acknowledged: the cursor is still before the item.
    expect(await cursor()).toBeLessThan(seq);

    const second = await startPeer();
    const again = await until('the item to be delivered again', () => reports.find((r) => r.body === 'kill me' && r.pid === second.pid));
    expect(again.seq).toBe(seq);
    await until('the cursor to pass the item', async () => (await cursor()) >= seq);
    expect(await db().selectFrom('outbox_deliveries').selectAll().where('consumer', '=', 'test.cluster').execute()).toEqual([]);
    await stopPeer(second);
  }, 150_000);

  it('with two nodes running, each item is handled by exactly one, in order per conversation, across a handover', async () => {
    const [a, b] = await Promise.all([startPeer(), startPeer()]);
    const start = reports.length;
    const bodies: string[] = [];
    for (let i = 0; i < 30; i++) {
      const body = `two-${i}`;
      bodies.push(body);
      await write(`two-${i % 5}`, body);
    }
    await until('the first burst', () => reports.slice(start).filter((r) => r.body.startsWith('two-')).length >= 30);
    // The holder leaves cleanly (its lease is handed back at once); the other takes over.
    const holderPid = reports.at(-1)!.pid;
    const [holder, other] = holderPid === a.pid ? [a, b] : [b, a];
    await stopPeer(holder);
    for (let i = 30; i < 60; i++) {
      const body = `two-${i}`;
      bodies.push(body);
      await write(`two-${i % 5}`, body);
    }
    const head = Number((await db().selectFrom('events').select((eb) => eb.fn.max('seq').as('s')).executeTakeFirst())?.s);
    await until('every item', async () => (await cursor()) >= head);
    const mine = reports.slice(start).filter((r) => r.body.startsWith('two-'));
    // Exactly once each: no item lost, none handled twice.
    expect(mine.map((r) => r.body).sort()).toEqual([...bodies].sort());
    // Both nodes worked (one before the handover, the other after), never both at once on one item.
    expect(new Set(mine.map((r) => r.pid))).toEqual(new Set([holder.pid, other.pid]));
    // Per conversation, in the order written.
    const byConversation = new Map<number, number[]>();
    for (const r of mine) byConversation.set(r.conversationId, [...(byConversation.get(r.conversationId) ?? []), Number(r.body.slice(4))]);
    expect(byConversation.size).toBe(5);
    for (const order of byConversation.values()) expect(order).toEqual([...order].sort((x, y) => x - y));
    await stopPeer(other);
  }, 150_000);
});
