import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import pino from 'pino';
import type { ConsumerSpec, OutboxEvent } from '../src/events/outbox/consumer.ts';
import { Outbox } from '../src/events/outbox/outbox.ts';

/**
 * Issue 17 item 7: the outbox consumer's retry with backoff, dead letters (listed for administrators
 * and retried by them), and per-key order, on the real consumer against the real store. Time is a
 * ManualClock, so backoff is checked to the millisecond without sleeping.
 */
let t: TestServer;
let token: string;
let admin: Caller;
let agent: Caller;

beforeAll(async () => {
  t = await startTestServer();
  const a = await createUser(t, 'admin', 'Ada Admin');
  token = await tokenFor(t, a.id);
  admin = await signIn(t, a);
  agent = await signIn(t, await createUser(t, 'agent', 'Al Agent'));
});
afterAll(async () => t?.close());

interface Seen {
  body: string;
  attempt: number;
  at: number;
}

/** A consumer of customers' messages that fails while `failures[body]` is above zero. */
async function register(name: string, opts: Partial<ConsumerSpec> = {}) {
  const seen: Seen[] = [];
  const failures: Record<string, number> = {};
  await t.server.services.outbox.register({
    name,
    types: ['message.created'],
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
    ...opts,
    async handle(e: OutboxEvent) {
      const m = (e.data as { message: { body: string; senderKind: string } }).message;
      if (m.senderKind !== 'customer') return;
      seen.push({ body: m.body, attempt: e.attempt, at: t.clock.now() });
      if ((failures[m.body] ?? 0) > 0) {
        failures[m.body]!--;
        throw new Error(`provider refused ${m.body}`);
      }
    },
  });
  // On PostgreSQL committed events get their seq from the dispatcher's sequencer first.
  const run = async () => {
    await t.server.services.dispatcher.flush();
    return t.server.services.outbox.runOnce(name);
  };
  const deliveries = () => t.server.services.store.db.selectFrom('outbox_deliveries').selectAll().where('consumer', '=', name).orderBy('seq').execute();
  return { seen, failures, run, deliveries, handled: (body: string) => seen.filter((s) => s.body === body) };
}

async function write(externalId: string, body: string) {
  const r = await customerWrites(t, token, { externalId, body });
  expect(r.status).toBe(201);
}

describe('outbox consumer', () => {
  it('retries a failed item with exponential backoff and jitter, never before it is due', async () => {
    const c = await register('test.backoff');
    c.failures['flaky'] = 2;
    await write('backoff-1', 'flaky');
    await c.run();
    let [d] = await c.deliveries();
    expect(d).toMatchObject({ state: 'retry', attempts: 1, last_error: 'provider refused flaky' });
    const first = t.clock.now();
    // Attempt 2 is due between half and all of 1 s after the failure.
    expect(Number(d!.next_attempt_at) - first).toBeGreaterThanOrEqual(500);
    expect(Number(d!.next_attempt_at) - first).toBeLessThanOrEqual(1000);

    t.clock.set(Number(d!.next_attempt_at) - 1);
    await c.run();
    expect(c.handled('flaky')).toHaveLength(1);

    t.clock.set(Number(d!.next_attempt_at));
    await c.run();
    [d] = await c.deliveries();
    expect(d).toMatchObject({ state: 'retry', attempts: 2 });
    // The wait doubles: between 1 and 2 s after the second failure.
    const wait = Number(d!.next_attempt_at) - t.clock.now();
    expect(wait).toBeGreaterThanOrEqual(1000);
    expect(wait).toBeLessThanOrEqual(2000);

    t.clock.set(Number(d!.next_attempt_at));
    expect(await c.run()).toBe(1);
    expect(c.handled('flaky').map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(await c.deliveries()).toEqual([]);
  });

  it('keeps per-key order: a failing conversation holds back only its own later items', async () => {
    const c = await register('test.order');
    c.failures['A1'] = 1;
    await write('order-a', 'A1');
    await write('order-a', 'A2');
    await write('order-b', 'B1');
    await c.run();
    // B went through; A2 waits behind A1 and was not tried.
    expect(c.seen.map((s) => s.body)).toEqual(['A1', 'B1']);
    expect((await c.deliveries()).map((d) => [d.state, d.attempts])).toEqual([
      ['retry', 1],
      ['waiting', 0],
    ]);
    // Later items of A keep queueing behind it; B keeps flowing.
    await write('order-a', 'A3');
    await write('order-b', 'B2');
    await c.run();
    expect(c.seen.map((s) => s.body)).toEqual(['A1', 'B1', 'B2']);

    t.clock.advance(1000);
    await c.run();
    expect(c.seen.map((s) => s.body)).toEqual(['A1', 'B1', 'B2', 'A1', 'A2', 'A3']);
    expect(await c.deliveries()).toEqual([]);
  });

  it('gives up after maxAttempts: the dead letter is listed for administrators with its error, and retried by them', async () => {
    const c = await register('test.dead', { maxAttempts: 3 });
    c.failures['doomed'] = 100;
    await write('dead-1', 'doomed');
    await write('dead-1', 'after doomed');
    for (let i = 0; i < 3; i++) {
      await c.run();
      t.clock.advance(60_000);
    }
    expect(c.handled('doomed')).toHaveLength(3);
    // A dead letter no longer holds its key back.
    await c.run();
    expect(c.handled('after doomed')).toHaveLength(1);
    expect((await c.deliveries()).map((d) => d.state)).toEqual(['dead']);

    const list = await admin.api('GET', '/api/v1/admin/outbox/test.dead/dead-letters');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ consumer: 'test.dead', type: 'message.created', attempts: 3, lastError: 'provider refused doomed' });
    expect(list.body.items[0].key).toMatch(/^conversation:\d+$/);

    const overview = await admin.api('GET', '/api/v1/admin/outbox');
    expect(overview.body.items.find((i: { name: string }) => i.name === 'test.dead')).toMatchObject({ dead: 1, retrying: 0, waiting: 0, lag: 0 });

    // Agents see neither the list nor may they retry.
    expect((await agent.api('GET', '/api/v1/admin/outbox/test.dead/dead-letters')).status).toBe(403);
    expect((await agent.api('POST', `/api/v1/admin/outbox/test.dead/dead-letters/${list.body.items[0].id}/retry`)).status).toBe(403);
    expect((await admin.api('POST', '/api/v1/admin/outbox/test.dead/dead-letters/999999/retry')).body.error.code).toBe('not_found');
    expect((await admin.api('GET', '/api/v1/admin/outbox/no.such/dead-letters')).body.error.code).toBe('not_found');

    // The provider is fixed; the administrator retries; the next pass delivers it.
    c.failures['doomed'] = 0;
    const retried = await admin.api('POST', `/api/v1/admin/outbox/test.dead/dead-letters/${list.body.items[0].id}/retry`);
    expect(retried).toEqual({ status: 200, body: { ok: true } });
    expect(await c.run()).toBe(1);
    expect(c.handled('doomed').at(-1)!.attempt).toBe(1);
    expect(await c.deliveries()).toEqual([]);
    expect((await admin.api('GET', '/api/v1/admin/outbox/test.dead/dead-letters')).body.items).toEqual([]);
  });

  it('gives up after maxAgeMs since the first failure, whatever the attempts', async () => {
    const c = await register('test.age', { maxAttempts: 100, maxAgeMs: 10 * 60_000, maxDelayMs: 4 * 60_000 });
    c.failures['old'] = 100;
    await write('age-1', 'old');
    await c.run();
    for (let i = 0; i < 6; i++) {
      t.clock.advance(4 * 60_000);
      await c.run();
    }
    const [d] = await c.deliveries();
    expect(d!.state).toBe('dead');
    expect(Number(d!.updated_at) - Number(d!.first_failed_at)).toBeGreaterThanOrEqual(10 * 60_000);
    expect(d!.attempts).toBeLessThan(10);
  });

  it('counts per consumer in /metrics: handled, failures, dead letters and lag', async () => {
    const c = await register('test.metrics');
    c.failures['m1'] = 1;
    await write('metrics-1', 'm1');
    await t.server.services.dispatcher.flush();
    const before = await t.server.app.inject({ method: 'GET', url: '/metrics' });
    expect(before.body).toMatch(/switchboard_outbox_lag_events\{consumer="test\.metrics"\} [1-9]/);
    await c.run();
    t.clock.advance(1000);
    await c.run();
    const after = (await t.server.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(after).toMatch(/switchboard_outbox_lag_events\{consumer="test\.metrics"\} 0/);
    expect(after).toMatch(/switchboard_outbox_failures_total\{consumer="test\.metrics"\} 1/);
    expect(after).toMatch(/switchboard_outbox_handled_total\{consumer="test\.metrics"\} [1-9]/);
    expect(after).toMatch(/switchboard_outbox_dead_letters\{consumer="test\.dead"\} 0/);
  });

  it('runs at once only for the events its wakesFor picks; the others wait for that run and come first, in order', async () => {
    const outbox = new Outbox(t.server.services.store, t.clock, pino({ level: 'silent' }), 3_600_000);
    const seen: string[] = [];
    await outbox.register({
      name: 'test.wakes',
      types: ['message.created'],
      wakesFor: (row) => row.actor_id !== null,
      async handle(e) {
        seen.push((e.data as { message: { body: string } }).message.body);
      },
    });
    outbox.start();
    const stop = t.server.services.dispatcher.subscribe((rows) => outbox.onEvents(rows));
    try {
      const r = await customerWrites(t, token, { externalId: 'wakes-1', body: 'from the customer' });
      expect(r.status).toBe(201);
      await t.server.services.dispatcher.flush();
      // Woken or not is decided as the events are dispatched; a woken run would be done by now.
      await new Promise((r) => setTimeout(r, 300));
      expect(seen).toEqual([]);
      const chat = r.body.conversationId as number;
      expect((await admin.api('POST', `/api/v1/conversations/${chat}/reassign`, { assigneeId: admin.id })).status).toBe(200);
      expect((await admin.api('POST', `/api/v1/conversations/${chat}/messages`, { body: 'from the agent' })).status).toBe(201);
      await t.server.services.dispatcher.flush();
      await expect.poll(() => seen.at(-1), { timeout: 5000 }).toBe('from the agent');
      expect(seen[0]).toBe('from the customer');
    } finally {
      stop();
      await outbox.stop();
    }
  });
});
