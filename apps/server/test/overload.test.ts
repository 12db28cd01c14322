import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createQueue, createUser, customerWrites, ENGINE, startTestServer, tokenFor, type TestServer } from '../../../test/harness.ts';

/**
 * Issue 10.5: under overload the server refuses new inbound messages early and cleanly (503
 * `overloaded` + Retry-After) instead of letting a backlog grow; what it accepted is stored, and the
 * sender's retry (same message id) gets in once the load is gone. Limits are small here so a test
 * can pass them; the defaults and the figures are in `npm run bench`.
 */
let busy: TestServer;
let slowLoop: TestServer;
let queued: TestServer;

async function setUp(t: TestServer) {
  return { token: await tokenFor(t, (await createUser(t, 'admin', 'Ada Admin')).id), queueId: await createQueue(t, 'Support') };
}

beforeAll(async () => {
  busy = await startTestServer({ config: { loadLimits: { maxInFlight: 4, maxEventLoopDelayMs: 60_000, maxQueueDepth: 10_000, maxIngestLatencyMs: 60_000 } } });
  slowLoop = await startTestServer({ config: { loadLimits: { maxInFlight: 10_000, maxEventLoopDelayMs: 120, maxQueueDepth: 10_000, maxIngestLatencyMs: 60_000 } } });
  queued = await startTestServer({ config: { loadLimits: { maxInFlight: 10_000, maxEventLoopDelayMs: 60_000, maxQueueDepth: 10_000, maxIngestLatencyMs: 300 } } });
});
afterAll(async () => {
  await busy?.close();
  await slowLoop?.close();
  await queued?.close();
});

describe('load shedding on ingest', () => {
  it('refuses what is past the in-flight limit with 503 + Retry-After, keeps what it accepted, and takes the retries', async () => {
    const { token, queueId } = await setUp(busy);
    const send = (i: number) => customerWrites(busy, token, { externalId: `load-${i}`, body: `message ${i}`, queueId, messageId: `m-${i}` });
    const first = await Promise.all(Array.from({ length: 40 }, (_, i) => send(i).then((r) => ({ i, ...r }))));
    const shed = first.filter((r) => r.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(first.every((r) => r.status === 201 || r.status === 503)).toBe(true);
    expect(shed.every((r) => r.body.error.code === 'overloaded')).toBe(true);
    // The sender retries what was refused; nothing is doubled.
    for (const r of shed) expect((await send(r.i)).status).toBe(201);
    const stored = await busy.server.services.store.db.selectFrom('messages').select('client_id').where('sender_kind', '=', 'customer').execute();
    expect(stored.map((m) => m.client_id).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `m-${i}`).sort());
  });

  it('says when to retry, and refuses while the event loop is stalled, then accepts again', async () => {
    const { token, queueId } = await setUp(slowLoop);
    const r = await slowLoop.server.app.inject({ method: 'POST', url: '/api/v1/inbound/messages', headers: { authorization: `Bearer ${token}` }, payload: { channel: 'api', externalId: 'stall-0', contact: { name: 'S' }, body: 'before', queueId } });
    expect(r.statusCode).toBe(201);
    // Something keeps the event loop saturated for over a second (what a flood of work does to a node).
    for (const until = Date.now() + 1200; Date.now() < until; ) {
      const end = Date.now() + 250;
      while (Date.now() < end);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const refused = await slowLoop.server.app.inject({ method: 'POST', url: '/api/v1/inbound/messages', headers: { authorization: `Bearer ${token}` }, payload: { channel: 'api', externalId: 'stall-1', contact: { name: 'S' }, body: 'during', queueId } });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    // Reads and agents' work are not shed.
    expect((await slowLoop.server.app.inject({ method: 'GET', url: '/api/v1/conversations', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await customerWrites(slowLoop, token, { externalId: 'stall-1', body: 'after', queueId })).status).toBe(201);
  });

  it('refuses new messages while every answer waits in a queue, so what it accepts stays fast, then accepts again', async () => {
    const { token, queueId } = await setUp(queued);
    const send = (i: number) => customerWrites(queued, token, { externalId: `queued-${i}`, body: `message ${i}`, queueId, messageId: `q-${i}` });
    expect((await send(0)).status).toBe(201);
    // The messages table is held for 600 ms (a slow disk, a long migration, a lock): what is sent
    // meanwhile queues behind it and is answered late.
    const db = queued.server.services.store.db;
    let locked!: () => void;
    const held = new Promise<void>((resolve) => (locked = resolve));
    const holding = db.transaction().execute(async (trx) => {
      if (ENGINE === 'postgres') await sql`lock table messages in exclusive mode`.execute(trx);
      else await trx.updateTable('messages').set({ body: 'message 0' }).where('client_id', '=', 'q-0').execute();
      locked();
      await new Promise((r) => setTimeout(r, 600));
    });
    await held;
    const late = await Promise.all([1, 2, 3, 4, 5].map(send));
    await holding;
    expect(late.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    // Every recent answer took longer than the limit: the next message is refused at once.
    const refused = await send(6);
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('overloaded');
    // Nothing more is let in to wait; half a second later the window has emptied and the retry gets in.
    await new Promise((r) => setTimeout(r, 700));
    expect((await send(6)).status).toBe(201);
  });
});
