import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE, createQueue, createUser, openStream, signIn, startTestServer, type Caller, type StreamClient, type TestServer } from '../../../test/harness.ts';
import { newVisitor, openVisitorStream, type VisitorCaller } from './widgetHelpers.ts';

/**
 * Issue 17 item 6: typing indicators are ephemeral signals. They reach the sockets that may see the
 * conversation (the same audience rule as events), on this node and, through Redis, on the others;
 * they write no event row, so they neither use up the replay window nor come back in a replay.
 */
let one: TestServer;
let two: TestServer;
let schema: string;
let dataDir: string;
let mark: Caller; // the conversation's agent
let olga: Caller; // an agent of another queue: may not see it
let markOnTwo: Caller;
let v: VisitorCaller;
let w: VisitorCaller; // another customer
let chat: number;
const REDIS = !!process.env.REDIS_URL;

const settle = () => new Promise((r) => setTimeout(r, 300));
const typing = (who: string) => (f: any) => f.type === 'typing.updated' && f.data.who === who && f.data.conversationId === chat;
const eventCount = async () => Number((await one.server.services.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n);

beforeAll(async () => {
  schema = `sbtest_${process.pid}_signals_${crypto.randomBytes(4).toString('hex')}`;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-signals-'));
  const shared = ENGINE === 'postgres' ? { schema } : { dataDir };
  one = await startTestServer({ listen: true, ...shared });
  two = await startTestServer({ listen: true, ...shared });
  const q = await createQueue(one, 'Web');
  const other = await createQueue(one, 'Elsewhere');
  const admin = await signIn(one, await createUser(one, 'admin', 'Ada Admin'));
  const m = await createUser(one, 'agent', 'Mark Watney', [q]);
  mark = await signIn(one, m);
  markOnTwo = await signIn(two, m);
  olga = await signIn(one, await createUser(one, 'agent', 'Olga Other', [other]));
  await admin.api('PUT', '/api/v1/settings/widget', { queueId: q });
  v = await newVisitor(one, { name: 'Vera Visitor' });
  chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'Hi' })).body.id;
  expect((await admin.api('POST', `/api/v1/conversations/${chat}/reassign`, { assigneeId: mark.id })).status).toBe(200);
  w = await newVisitor(one, { name: 'Walt Else' });
  await w.api('POST', '/api/v1/widget/conversations', { message: 'Me too' });
});

afterAll(async () => {
  await two?.close();
  await one?.close();
  if (ENGINE === 'postgres') {
    const pg = await import('pg');
    const c = new pg.default.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('typing indicators are ephemeral signals', () => {
  let markS: StreamClient;
  let olgaS: StreamClient;
  let vS: StreamClient;
  let wS: StreamClient;

  it('reach the sockets that may see the conversation on this node, and write no event row', async () => {
    [markS, olgaS, vS, wS] = await Promise.all([openStream(one, mark), openStream(one, olga), openVisitorStream(one, v.token), openVisitorStream(one, w.token)]);
    await one.server.services.counts.idle(); // the set-up's queue counts are announced by now
    const before = await eventCount();
    for (let i = 0; i < 10; i++) vS.ws.send(JSON.stringify({ type: 'typing', conversationId: chat, typing: i % 2 === 0 }));
    // Each is checked on its own (a database read), so they may overtake each other: look for the "typing" one.
    const customer = await markS.next((f) => typing('customer')(f) && f.data.typing);
    expect(customer).toEqual({ type: 'typing.updated', at: expect.any(Number), data: { conversationId: chat, who: 'customer', typing: true } });
    for (let i = 0; i < 10; i++) expect((await mark.api('POST', `/api/v1/conversations/${chat}/typing`, { typing: i % 2 === 0 })).status).toBe(200);
    const agent = await vS.next(typing('agent'));
    expect(agent.data).toMatchObject({ name: 'Mark', typing: true });
    expect(agent).not.toHaveProperty('seq');
    await settle();
    // Nobody else: not an agent who may not see the conversation, not another customer.
    expect(olgaS.frames.filter((f) => f.type === 'typing.updated')).toEqual([]);
    expect(wS.frames.filter((f) => f.type === 'typing.updated')).toEqual([]);
    // Twenty typing calls, not one row.
    expect(await eventCount()).toBe(before);
  });

  it('reach the customer as the agent’s first name only, never their own typing echoed back', () => {
    const seen = vS.frames.filter((f) => f.type === 'typing.updated');
    expect(seen.length).toBeGreaterThan(0);
    // Their own keystrokes are no news to them, and an agent's user id is not theirs to know.
    for (const f of seen) expect(f.data).toEqual({ conversationId: chat, who: 'agent', name: 'Mark', typing: expect.any(Boolean) });
  });

  it('are refused to someone who may not see the conversation', async () => {
    expect((await olga.api('POST', `/api/v1/conversations/${chat}/typing`, { typing: true })).status).toBe(404);
    wS.ws.send(JSON.stringify({ type: 'typing', conversationId: chat, typing: true }));
    const refused = await wS.next((f) => f.type === 'error');
    expect(refused.code).toBe('not_found');
    await settle();
    expect(markS.frames.filter((f) => f.type === 'typing.updated' && f.data.typing && f.at > refused.at)).toEqual([]);
  });

  it('never come back in a replay from lastSeq 0', async () => {
    const [again, vAgain] = await Promise.all([openStream(one, mark, 0), openVisitorStream(one, v.token, 0)]);
    expect(again.frames.length).toBeGreaterThan(1); // the conversation's events were replayed
    expect(again.frames.some((f) => f.type === 'typing.updated')).toBe(false);
    expect(vAgain.frames.some((f) => f.type === 'message.created')).toBe(true);
    expect(vAgain.frames.some((f) => f.type === 'typing.updated')).toBe(false);
    again.close();
    vAgain.close();
  });

  it(REDIS ? 'cross to the other node through Redis, both ways' : 'without Redis, stay on their node (each node still serves its own sockets)', async () => {
    const markS2 = await openStream(two, markOnTwo);
    const after = (s: StreamClient, pred: (f: any) => boolean) => {
      const from = s.frames.length;
      return { wait: () => s.next((f) => s.frames.indexOf(f) >= from && pred(f)), none: () => s.frames.slice(from).filter(pred) };
    };
    const onOne = after(markS, typing('customer'));
    const onTwo = after(markS2, typing('customer'));
    const toCustomer = after(vS, typing('agent'));
    vS.ws.send(JSON.stringify({ type: 'typing', conversationId: chat, typing: false }));
    expect((await onOne.wait()).data.typing).toBe(false); // this node's sockets, with or without Redis
    expect((await markOnTwo.api('POST', `/api/v1/conversations/${chat}/typing`, { typing: true })).status).toBe(200);
    if (REDIS) {
      expect((await onTwo.wait()).data.typing).toBe(false);
      expect((await toCustomer.wait()).data).toMatchObject({ who: 'agent', name: 'Mark', typing: true });
    } else {
      await settle();
      expect(onTwo.none()).toEqual([]);
      expect(toCustomer.none()).toEqual([]);
    }
    markS2.close();
    for (const s of [markS, olgaS, vS, wS]) s.close();
  });
});
