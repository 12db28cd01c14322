import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE, createQueue, createUser, customerWrites, openStream, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { runDueTimers } from '../src/jobs/worker.ts';

/**
 * Issue 5.6: every lifecycle timer, driven by a ManualClock: advance the clock, run the due timers,
 * look at what happened. Nothing sleeps.
 */
let t: TestServer;
let admin: Caller;
let adminToken: string;
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  const a = await createUser(t, 'admin', 'Root');
  admin = await signIn(t, a);
  adminToken = await tokenFor(t, a.id);
});
afterAll(() => t.close());

async function queue(settings: Record<string, unknown>, routingMode = 'auto_assign'): Promise<number> {
  const id = await createQueue(t, `Timers ${crypto.randomBytes(3).toString('hex')}`);
  expect((await admin.api('PUT', `/api/v1/queues/${id}/routing`, { routingMode, settings })).status).toBe(200);
  return id;
}
async function agent(name: string, queues: number[]): Promise<Caller> {
  const c = await signIn(t, await createUser(t, 'agent', name, queues));
  await c.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
  return c;
}
function customer(queueId: number) {
  const externalId = `tm-${crypto.randomBytes(4).toString('hex')}`;
  return {
    externalId,
    async writes(body: string): Promise<number> {
      const r = await customerWrites(t, adminToken, { externalId, body, queueId });
      expect(r.status).toBeLessThan(300);
      return r.body.conversationId;
    },
  };
}
const conversation = async (id: number) => (await admin.api('GET', `/api/v1/conversations/${id}`)).body;
const lastLine = async (id: number) => (await admin.api('GET', `/api/v1/conversations/${id}/messages`)).body.items.at(-1).body as string;
async function later(ms: number): Promise<void> {
  t.clock.advance(ms);
  await runDueTimers(t.server.services.actions);
}
/** An active chat: the customer wrote and Mark accepted the offer. */
async function activeChat(settings: Record<string, unknown>) {
  const q = await queue(settings);
  const mark = await agent('Mark', [q]);
  const who = customer(q);
  const id = await who.writes('Hello, my parcel is missing');
  const offer = (await mark.api('GET', '/api/v1/routing/me')).body.offers[0];
  await mark.api('POST', `/api/v1/routing/offers/${offer.id}/accept`);
  return { q, mark, who, id };
}

describe('auto-resolution after customer inactivity (seed 004)', () => {
  it('resolves a conversation 24 hours after the agent’s last message when the customer does not answer', async () => {
    const { mark, id } = await activeChat({});
    await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Could you send the order number?' });
    expect((await conversation(id)).status).toBe('pending');
    await later(24 * HOUR - 1);
    expect((await conversation(id)).status).toBe('pending');
    await later(1);
    expect((await conversation(id)).status).toBe('resolved');
    expect(await lastLine(id)).toMatch(/Resolved automatically \(no answer from the customer\)/);
  });

  it('counts the 24 hours again from the agent’s next message when the customer answers', async () => {
    const { mark, who, id } = await activeChat({ inactivityResolveMs: 24 * HOUR });
    await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Order number?' });
    await later(20 * HOUR);
    await who.writes('It is 4711');
    await later(2 * HOUR);
    await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Thanks, checking' });
    await later(23 * HOUR);
    expect((await conversation(id)).status).toBe('pending');
    await later(1 * HOUR);
    expect((await conversation(id)).status).toBe('resolved');
  });

  it('never resolves while the customer is the one waiting for an answer', async () => {
    const { id } = await activeChat({ inactivityResolveMs: HOUR });
    await later(5 * HOUR);
    expect((await conversation(id)).status).toBe('active');
  });

  it('a customer writing after auto-resolution starts a new linked conversation that re-enters routing', async () => {
    const { mark, who, id } = await activeChat({ inactivityResolveMs: HOUR });
    await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Anything else?' });
    await later(HOUR);
    expect((await conversation(id)).status).toBe('resolved');
    const next = await who.writes('Actually, one more thing');
    expect(next).not.toBe(id);
    expect(await conversation(next)).toMatchObject({ previousConversationId: id, status: 'queued' });
    const offers = (await mark.api('GET', '/api/v1/routing/me')).body.offers;
    expect(offers.map((o: any) => o.conversationId)).toEqual([next]);
  });
});

describe('waiting, abandoned and callback (seed 003)', () => {
  it('a chat request nobody joins becomes abandoned when its time runs out', async () => {
    const q = await queue({ abandonAfterMs: 5 * MIN });
    const id = await customer(q).writes('Is anyone there?');
    await later(5 * MIN - 1);
    expect((await conversation(id)).status).toBe('queued');
    await later(1);
    expect((await conversation(id)).status).toBe('abandoned');
  });

  it('keeping on waiting starts the abandonment clock again', async () => {
    const q = await queue({ abandonAfterMs: 5 * MIN });
    const who = customer(q);
    const id = await who.writes('Hello?');
    await later(4 * MIN);
    const contactId = (await conversation(id)).contact.id;
    expect((await admin.api('POST', `/api/v1/inbound/conversations/${id}/keep-waiting`, { contactId })).status).toBe(200);
    await later(2 * MIN);
    expect((await conversation(id)).status).toBe('queued');
    await later(3 * MIN);
    expect((await conversation(id)).status).toBe('abandoned');
  });

  it('the customer leaving abandons the request at once; asking for a callback is never abandoned', async () => {
    const q = await queue({ abandonAfterMs: 5 * MIN });
    const leaving = await customer(q).writes('Never mind');
    const calling = await customer(q).writes('Call me back please');
    const leaver = (await conversation(leaving)).contact.id;
    const caller = (await conversation(calling)).contact.id;
    expect((await admin.api('POST', `/api/v1/inbound/conversations/${leaving}/leave`, { contactId: leaver })).status).toBe(200);
    expect((await conversation(leaving)).status).toBe('abandoned');
    expect((await admin.api('POST', `/api/v1/inbound/conversations/${calling}/request-callback`, { contactId: caller })).status).toBe(200);
    await later(10 * MIN);
    expect((await conversation(calling)).status).toBe('callback');
    // Not someone else's conversation.
    expect((await admin.api('POST', `/api/v1/inbound/conversations/${calling}/leave`, { contactId: leaver })).status).toBe(404);
  });

  it('a request an agent joined in time is not abandoned', async () => {
    const { id } = await activeChat({ abandonAfterMs: 5 * MIN });
    await later(10 * MIN);
    expect((await conversation(id)).status).toBe('active');
  });
});

describe('auto-resolve on customer keywords (seed 004)', () => {
  it('resolves when the customer says thanks, if the queue is configured so', async () => {
    const { who, id } = await activeChat({ resolveKeywords: ['thanks', 'resolved'] });
    await who.writes('Thanks!');
    await later(0);
    expect((await conversation(id)).status).toBe('resolved');
  });

  it('does not resolve on "thanks, but…" or when no keywords are configured', async () => {
    const a = await activeChat({ resolveKeywords: ['thanks'] });
    await a.who.writes('thanks, but it still does not work');
    const b = await activeChat({});
    await b.who.writes('Thanks!');
    await later(0);
    expect((await conversation(a.id)).status).toBe('active');
    expect((await conversation(b.id)).status).toBe('active');
  });

  it('does not resolve when the customer wrote again before the timer fired', async () => {
    const { who, id } = await activeChat({ resolveKeywords: ['thanks'] });
    await who.writes('thanks');
    await who.writes('oh wait, one more question');
    await later(0);
    expect((await conversation(id)).status).toBe('active');
  });
});

describe('reply time limits and processing order (seed 002)', () => {
  it('sorts by time left before a breach, and a missed deadline is an event', async () => {
    const q = await queue({ firstReplyMs: 5 * MIN, nextReplyMs: 10 * MIN }, 'pick_list');
    const mark = await signIn(t, await createUser(t, 'agent', 'Mark', [q]));
    const early = customer(q);
    const earlyId = await early.writes('First!');
    await later(MIN);
    const lateId = await customer(q).writes('Second');
    expect((await conversation(earlyId)).replyDueAt).toBe((await conversation(earlyId)).createdAt + 5 * MIN);
    await mark.api('POST', `/api/v1/conversations/${earlyId}/pick`);
    await mark.api('POST', `/api/v1/conversations/${earlyId}/messages`, { body: 'Hi, on it' });
    expect((await conversation(earlyId)).replyDueAt).toBeNull();
    await later(MIN);
    await early.writes('Any news?'); // next reply due in 10 minutes
    const list = await admin.api('GET', `/api/v1/conversations?queueId=${q}&sort=processing_order`);
    expect(list.body.items.map((c: any) => c.id)).toEqual([lateId, earlyId]);
    const page1 = await admin.api('GET', `/api/v1/conversations?queueId=${q}&sort=processing_order&limit=1`);
    const page2 = await admin.api('GET', `/api/v1/conversations?queueId=${q}&sort=processing_order&limit=1&cursor=${page1.body.nextCursor}`);
    expect([...page1.body.items, ...page2.body.items].map((c: any) => c.id)).toEqual([lateId, earlyId]);

    const breaches = async () =>
      (await t.server.services.store.db.selectFrom('events').select(['conversation_id']).where('type', '=', 'reply_time.breached').where('conversation_id', 'in', [earlyId, lateId]).execute()).map((e) => e.conversation_id);
    await later(4 * MIN - 1);
    expect(await breaches()).toEqual([]);
    await later(1);
    expect(await breaches()).toEqual([lateId]);
    await later(10 * MIN);
    expect((await breaches()).sort()).toEqual([earlyId, lateId].sort());
    // A supervisor's workspace hears of them (each frame is checked against its schema, test/frames.ts).
    const replay = await openStream(t, admin, 0);
    expect(replay.frames.filter((f) => f.type === 'reply_time.breached').map((f) => f.data.conversationId).sort()).toEqual([earlyId, lateId].sort());
    replay.close();
    // Breached conversations stay on top: their time left is negative.
    expect((await admin.api('GET', `/api/v1/conversations?queueId=${q}&sort=processing_order`)).body.items.map((c: any) => c.id)).toEqual([lateId, earlyId]);
  });
});

describe('timers survive a restart', () => {
  it('fires a wrap-up timer written before the restart, once, after it', async () => {
    const schema = `sbtest_${process.pid}_restart_${crypto.randomBytes(4).toString('hex')}`;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-restart-'));
    let one: TestServer | null = await startTestServer({ schema, dataDir });
    const a = await createUser(one, 'admin', 'Root');
    const root = await signIn(one, a);
    const q = await createQueue(one, 'Restart');
    await root.api('PUT', `/api/v1/queues/${q}/routing`, { routingMode: 'auto_answer', settings: { wrapUpMs: 2 * MIN } });
    const m = await createUser(one, 'agent', 'Mark', [q]);
    const mark = await signIn(one, m);
    await mark.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
    const id = (await customerWrites(one, await tokenFor(one, a.id), { externalId: 'restart', body: 'hi', queueId: q })).body.conversationId;
    await mark.api('POST', `/api/v1/conversations/${id}/end-chat`);
    const endedAt = one.clock.now();
    await one.close();
    one = null;

    const two = await startTestServer({ schema, dataDir });
    try {
      two.clock.set(endedAt + 2 * MIN);
      expect(await runDueTimers(two.server.services.actions)).toBe(1);
      expect(await runDueTimers(two.server.services.actions)).toBe(0);
      const row = await two.server.services.store.db.selectFrom('conversations').select('status').where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.status).toBe('resolved');
    } finally {
      await two.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (ENGINE === 'postgres') {
        const pg = await import('pg');
        const c = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query(`drop schema if exists "${schema}" cascade`);
        await c.end();
      }
    }
  });
});
