import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { startReceiver, type Receiver } from './webhookReceiver.ts';

/**
 * Issue 16 item 1: outgoing webhooks against a loopback receiver that verifies every request with
 * the `standardwebhooks` package. Time is a ManualClock (backoff, the day of failures); the worker
 * is driven with `outbox.runOnce`, as a real node's loop would run it.
 */
let t: TestServer;
let rx: Receiver;
let admin: Caller;
let agent: Caller;
let token: string;
let queueId: number;

beforeAll(async () => {
  t = await startTestServer({ config: { webhooksAllowPrivate: true, webhookTimeoutMs: 400 } });
  rx = await startReceiver();
  queueId = await createQueue(t, 'Support');
  const a = await createUser(t, 'admin', 'Wanda Admin', [queueId]);
  admin = await signIn(t, a);
  token = await tokenFor(t, a.id);
  agent = await signIn(t, await createUser(t, 'agent', 'Abe Agent', [queueId]));
});
afterAll(async () => {
  await t?.close();
  await rx?.close();
});

const HOUR = 3600_000;

async function addWebhook(events: string[], opts: { includeInternal?: boolean; url?: string } = {}) {
  const r = await admin.api('POST', '/api/v1/admin/webhooks', { url: opts.url ?? rx.url, events, includeInternal: opts.includeInternal ?? false });
  expect(r.status).toBe(201);
  expect(r.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  rx.setSecret(r.body.secret);
  const id: number = r.body.id;
  return {
    id,
    /** One pass of the webhook's worker, after the committed events are numbered. */
    async run() {
      await t.server.services.dispatcher.flush();
      return t.server.services.outbox.runOnce(`webhook:${id}`);
    },
    log: async () => (await admin.api('GET', `/api/v1/admin/webhooks/${id}/deliveries`)).body.items as any[],
    get: async () => (await admin.api('GET', `/api/v1/admin/webhooks/${id}`)).body,
    remove: () => admin.api('DELETE', `/api/v1/admin/webhooks/${id}`),
  };
}

async function write(externalId: string, body: string) {
  const r = await customerWrites(t, token, { externalId, body, queueId });
  expect(r.status).toBe(201);
  return r.body.conversationId as number;
}

const bodies = (type = 'message_created') => rx.all.filter((r) => r.type === type).map((r) => r.data.message.body);

describe('outgoing webhooks', () => {
  it('sends signed deliveries that verify with standardwebhooks, in order per conversation, with Chatwoot names', async () => {
    rx.all.length = 0;
    const w = await addWebhook(['contact_created', 'conversation_created', 'message_created', 'conversation_status_changed', 'assignee_changed']);
    const a = await write('order-a', 'a1');
    const b = await write('order-b', 'b1');
    await write('order-a', 'a2');
    await write('order-b', 'b2');
    await write('order-a', 'a3');
    await w.run();
    expect(rx.all.every((r) => r.verified)).toBe(true);
    const inA = rx.all.filter((r) => r.data.message?.conversationId === a).map((r) => r.data.message.body);
    const inB = rx.all.filter((r) => r.data.message?.conversationId === b).map((r) => r.data.message.body);
    expect(inA).toEqual(['a1', 'a2', 'a3']);
    expect(inB).toEqual(['b1', 'b2']);
    expect(rx.all.filter((r) => r.type === 'conversation_created').map((r) => r.data.conversation.id).sort()).toEqual([a, b].sort());
    // A new customer: contact_created first, once per customer.
    expect(rx.all.filter((r) => r.type === 'contact_created').map((r) => r.data.contact.name).sort()).toEqual(['Customer order-a', 'Customer order-b']); // two conversations: side by side, in either order
    // Each conversation's creation comes before its first message.
    const firstA = rx.all.findIndex((r) => r.data.message?.conversationId === a);
    expect(rx.all.findIndex((r) => r.type === 'conversation_created' && r.data.conversation.id === a)).toBeLessThan(firstA);

    rx.all.length = 0;
    expect((await admin.api('POST', `/api/v1/conversations/${a}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    await w.run();
    expect(rx.all.map((r) => r.type)).toContain('assignee_changed');
    expect(rx.all.find((r) => r.type === 'assignee_changed')!.data.conversation.assigneeId).toBe(agent.id);
    expect((await agent.api('POST', `/api/v1/conversations/${a}/resolve`, {})).status).toBe(200);
    await w.run();
    const changed = rx.all.filter((r) => r.type === 'conversation_status_changed').at(-1)!;
    expect(changed.data.conversation.status).toBe('resolved');
    expect(changed.verified).toBe(true);

    const log = await w.log();
    expect(log.length).toBe(rx.all.length + 9);
    expect(log[0]).toMatchObject({ status: 'succeeded', responseCode: 200, attempts: 1 });
    expect(typeof log[0].durationMs).toBe('number');
    await w.remove();
  });

  it('retries after 500s with backoff under the same id, holding back that conversation’s later events', async () => {
    rx.all.length = 0;
    const w = await addWebhook(['message_created']);
    rx.next.push(500);
    const c = await write('retry-1', 'first');
    await write('retry-1', 'second');
    await w.run();
    expect(bodies()).toEqual(['first']);
    expect((await w.get()).failingSince).toBe(t.clock.now());
    const other = await write('retry-2', 'elsewhere');
    await w.run();
    // The failing conversation waits; the other one goes on (and a success ends the run of failures).
    expect(bodies()).toEqual(['first', 'elsewhere']);
    let first = (await w.log()).find((d) => d.status === 'failed');
    expect(first).toMatchObject({ status: 'failed', responseCode: 500, attempts: 1, error: 'Answered 500' });

    await w.run(); // not due yet
    expect(bodies()).toEqual(['first', 'elsewhere']);
    rx.next.push(500);
    t.clock.advance(HOUR);
    await w.run();
    expect(bodies()).toEqual(['first', 'elsewhere', 'first']);
    t.clock.advance(HOUR);
    await w.run();
    expect(bodies()).toEqual(['first', 'elsewhere', 'first', 'first', 'second']);
    const firstIds = rx.all.filter((r) => r.data.message?.body === 'first').map((r) => r.id);
    expect(new Set(firstIds).size).toBe(1);
    expect(rx.all.every((r) => r.verified)).toBe(true);
    expect(rx.unique.filter((r) => r.data.message.conversationId === c).map((r) => r.data.message.body)).toEqual(['first', 'second']);
    expect(rx.unique.filter((r) => r.data.message.conversationId === other)).toHaveLength(1);
    first = (await w.log()).find((d) => d.messageId === firstIds[0]);
    expect(first).toMatchObject({ status: 'succeeded', responseCode: 200, attempts: 3 });
    expect((await w.get()).failingSince).toBeNull();
    await w.remove();
  });

  it('retries a delivery that timed out, and follows no redirect', async () => {
    rx.all.length = 0;
    const w = await addWebhook(['message_created']);
    rx.next.push('hold', 302);
    await write('timeout-1', 'slow');
    await w.run();
    let [d] = await w.log();
    expect(d).toMatchObject({ status: 'failed', responseCode: null, error: 'Timed out after 400 ms' });
    t.clock.advance(HOUR);
    await w.run();
    [d] = await w.log();
    expect(d).toMatchObject({ status: 'failed', responseCode: 302, error: 'Answered 302 (redirects are not followed)' });
    t.clock.advance(HOUR);
    await w.run();
    [d] = await w.log();
    expect(d).toMatchObject({ status: 'succeeded', responseCode: 200, attempts: 3 });
    expect(rx.all.map((r) => r.id)).toEqual([d.messageId, d.messageId, d.messageId]);
    expect(rx.all.every((r) => r.verified)).toBe(true);
    await w.remove();
  });

  it('sends internal notes only to webhooks that asked for internal events', async () => {
    rx.all.length = 0;
    const c = await write('notes-1', 'hello');
    // Numbered before the webhooks exist (on PostgreSQL an event still unnumbered when a webhook is added is sent to it too).
    await t.server.services.dispatcher.flush();
    // Both point at the same receiver; the ids tell them apart.
    const plain = await addWebhook(['message_created']);
    const internal = await addWebhook(['message_created'], { includeInternal: true });
    expect((await admin.api('POST', `/api/v1/conversations/${c}/messages`, { body: 'colleagues only', internal: true })).status).toBeLessThan(300);
    await plain.run();
    await internal.run();
    const notes = rx.all.filter((r) => r.data.message?.body === 'colleagues only');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.id).toMatch(new RegExp(`^msg_w${internal.id}_`));
    expect(notes[0]!.data.message.internal).toBe(true);
    expect(await plain.log()).toEqual([]);
    await plain.remove();
    await internal.remove();
  });

  it('turns a webhook off after a day of failures and tells every administrator', async () => {
    rx.all.length = 0;
    const w = await addWebhook(['message_created']);
    for (let i = 0; i < 60; i++) rx.next.push(503);
    await write('dead-1', 'never taken');
    await w.run();
    const start = t.clock.now();
    while (t.clock.now() - start < 24 * HOUR) {
      t.clock.advance(HOUR);
      await w.run();
      expect((await w.get()).enabled).toBe(t.clock.now() - start < 24 * HOUR);
    }
    const off = await w.get();
    expect(off.enabled).toBe(false);
    expect(off.disabledReason).toMatch(/failed for 24 hours.*Answered 503/);
    const told = await t.server.services.store.db.selectFrom('events').select(['user_id', 'data']).where('type', '=', 'webhook.disabled').execute();
    expect(told.map((e) => e.user_id)).toEqual([admin.id]);
    expect(JSON.parse(told[0]!.data)).toMatchObject({ webhookId: w.id, url: rx.url });
    // Off: nothing more is sent.
    rx.next.length = 0;
    const before = rx.all.length;
    await write('dead-1', 'while off');
    t.clock.advance(HOUR);
    await w.run();
    expect(rx.all.length).toBe(before);
    // On again: from then on.
    expect((await admin.api('PATCH', `/api/v1/admin/webhooks/${w.id}`, { enabled: true })).body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    await write('dead-1', 'back on');
    await w.run();
    expect(bodies().slice(-1)).toEqual(['back on']);
    await w.remove();
  });

  it('redelivers a delivery with the same id and body, newly signed', async () => {
    rx.all.length = 0;
    const w = await addWebhook(['message_created']);
    await write('again-1', 'once more');
    await w.run();
    const [d] = await w.log();
    expect((await admin.api('POST', `/api/v1/admin/webhooks/${w.id}/deliveries/${d.id}/redeliver`)).status).toBe(200);
    expect((await w.log())[0].status).toBe('pending');
    await w.run();
    expect(rx.all).toHaveLength(2);
    expect(rx.all[1]!.id).toBe(rx.all[0]!.id);
    expect(rx.all[1]!.body).toBe(rx.all[0]!.body);
    expect(rx.all[1]!.verified).toBe(true);
    expect((await w.log())[0]).toMatchObject({ id: d.id, status: 'succeeded', attempts: 2 });
    expect((await admin.api('POST', `/api/v1/admin/webhooks/${w.id}/deliveries/999999/redeliver`)).body.error.code).toBe('not_found');
    await w.remove();
  });

  it('is for administrators only', async () => {
    expect((await agent.api('GET', '/api/v1/admin/webhooks')).status).toBe(403);
    expect((await agent.api('POST', '/api/v1/admin/webhooks', { url: rx.url, events: ['message_created'] })).status).toBe(403);
    const r = await admin.api('POST', '/api/v1/admin/webhooks', { url: 'ftp://example.com/x', events: ['message_created'] });
    expect(r.body.error.code).toBe('validation_failed');
    const list = (await admin.api('GET', '/api/v1/admin/webhooks')).body.items;
    expect(JSON.stringify(list)).not.toMatch(/whsec_/);
  });
});
