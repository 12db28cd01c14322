import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINE, createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { runDueTimers } from '../src/jobs/worker.ts';

/**
 * Seed 000's auto timeout is a durable timer row: with two servers on one PostgreSQL database it
 * fires once, and a request sent before a restart still times out after it. On SQLite (one
 * process by design) the second worker is a second claimant in this process.
 */
const schemas: string[] = [];
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  if (ENGINE === 'postgres') {
    const pg = await import('pg');
    const c = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    for (const s of schemas) await c.query(`drop schema if exists "${s}" cascade`);
    await c.end();
  }
});

function peer(schema: string): Promise<{ timers(now: number): Promise<number>; close(): Promise<void> }> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child: ChildProcess = fork(path.join(here, 'routingPeer.ts'), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, PEER_SCHEMA: schema }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, (v: any) => void>();
  let next = 0;
  const call = (msg: object) => new Promise<any>((resolve) => {
    const id = ++next;
    waiting.set(id, resolve);
    child.send({ id, ...msg });
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m: any) => {
      if (m.ready) return resolve({ timers: (now) => call({ cmd: 'timers', now }), close: async () => { await call({ cmd: 'close' }).catch(() => undefined); if (child.exitCode === null) child.kill(); } });
      waiting.get(m.id)?.(m.error ? Promise.reject(new Error(m.error)) : m.result);
    });
  });
}

async function cast(t: TestServer) {
  const q = await createQueue(t, `Sales ${crypto.randomBytes(3).toString('hex')}`);
  const a = await createUser(t, 'admin', 'Ada Admin');
  const admin = await signIn(t, a);
  const token = await tokenFor(t, a.id);
  const mark = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [q]));
  const colleagues: Caller[] = [];
  for (const n of ['Ann', 'Ben', 'Cat', 'Dan', 'Eve', 'Fay']) colleagues.push(await signIn(t, await createUser(t, 'agent', n, [q])));
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) {
    const id = (await customerWrites(t, token, { externalId: `dc-${q}-${i}`, body: 'Hello', queueId: q })).body.conversationId;
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: mark.id })).status).toBe(200);
    ids.push(id);
  }
  return { admin, mark, colleagues, ids };
}

describe(`request timeouts on ${ENGINE === 'postgres' ? 'two server processes sharing PostgreSQL' : 'two workers sharing SQLite'}`, () => {
  it('each pending request times out exactly once when both run their timers at the same moment', async () => {
    const schema = `sbtest_${process.pid}_dc_${crypto.randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const t = await startTestServer({ schema });
    servers.push(t);
    const { mark, colleagues, ids } = await cast(t);
    const requests: number[] = [];
    // Two discuss requests per conversation (six timers) and one assign request each (three).
    for (const [i, id] of ids.entries()) {
      for (const c of colleagues.slice(2 * i, 2 * i + 2)) requests.push((await mark.api('POST', `/api/v1/conversations/${id}/discuss-requests`, { recipientId: c.id, recipientType: 'user' })).body.id);
      requests.push((await mark.api('POST', `/api/v1/conversations/${id}/assign-requests`, { recipientId: colleagues[5 - i]!.id, recipientType: 'user' })).body.id);
    }
    expect(requests).toHaveLength(9);
    const other = ENGINE === 'postgres' ? await peer(schema) : { timers: () => runDueTimers(t.server.services.actions, { workerId: 'worker-b', batch: 2 }), close: async () => {} };
    try {
      const due = t.clock.now() + 120_000;
      t.clock.set(due);
      const [a, b] = await Promise.all([runDueTimers(t.server.services.actions, { workerId: 'worker-a', batch: 2 }), other.timers(due)]);
      expect(a + b).toBe(9);
      const db = t.server.services.store.db;
      const steps = await db.selectFrom('engagement_steps').select('request_id').where('step', '=', 'timed_out').where('request_id', 'in', requests).execute();
      expect(steps.map((s) => s.request_id).sort((x, y) => x - y)).toEqual([...requests].sort((x, y) => x - y));
      const events = await db.selectFrom('events').select('data').where('type', '=', 'request.timed_out').execute();
      expect(events.map((e) => JSON.parse(e.data).record.id).filter((id: number) => requests.includes(id))).toHaveLength(9);
      expect((await runDueTimers(t.server.services.actions)) + (await other.timers(due))).toBe(0);
    } finally {
      await other.close();
    }
  }, 120_000); // a second server process starts (tsx) within the test

  it('a request sent before a restart still times out after it', async () => {
    const schema = `sbtest_${process.pid}_dr_${crypto.randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const dataDir = ENGINE === 'postgres' ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'sb-discuss-'));
    const first = await startTestServer({ schema, ...(dataDir ? { dataDir } : {}) });
    const { mark, colleagues, ids } = await cast(first);
    const r = (await mark.api('POST', `/api/v1/conversations/${ids[0]}/discuss-requests`, { recipientId: colleagues[0]!.id, recipientType: 'user' })).body;
    const now = first.clock.now();
    await first.server.close();

    const second = await startTestServer({ schema, ...(dataDir ? { dataDir } : {}) });
    servers.push(second);
    second.clock.set(now + 60_000);
    expect(await runDueTimers(second.server.services.actions)).toBe(0);
    second.clock.set(now + 120_000);
    expect(await runDueTimers(second.server.services.actions)).toBe(1);
    const row = await second.server.services.store.db.selectFrom('engagement_requests').select(['status', 'answered_at']).where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'timed_out', answered_at: now + 120_000 });
  }, 60_000);
});
