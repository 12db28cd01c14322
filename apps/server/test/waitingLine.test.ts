import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, ENGINE, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { runDueTimers } from '../src/jobs/worker.ts';
import { waitingLine } from '../src/routing/engine.ts';

/**
 * Issue 18: a routing pass reads the waiting line through an index that leaves out
 * conversations with an open offer (migration 028's on_offer mark, kept by triggers on offers).
 * The mark must stand exactly while an offer does, or a conversation would never be offered again
 * (left set) or offered twice (left clear).
 */
let t: TestServer;
let admin: Caller;
let adminToken: string;

beforeAll(async () => {
  t = await startTestServer();
  const a = await createUser(t, 'admin', 'Root');
  admin = await signIn(t, a);
  adminToken = await tokenFor(t, a.id);
});
afterAll(() => t.close());

async function queue(): Promise<number> {
  const id = await createQueue(t, `Line ${crypto.randomBytes(3).toString('hex')}`);
  expect((await admin.api('PUT', `/api/v1/queues/${id}/routing`, { routingMode: 'auto_assign', settings: { offerTimeoutMs: 30_000 } })).status).toBe(200);
  return id;
}
async function agent(name: string, queues: number[]): Promise<Caller> {
  const c = await signIn(t, await createUser(t, 'agent', name, queues));
  expect((await c.api('PUT', '/api/v1/routing/me/status', { status: 'available' })).status).toBe(200);
  return c;
}
async function customer(queueId: number): Promise<number> {
  const r = await customerWrites(t, adminToken, { externalId: `w-${crypto.randomBytes(4).toString('hex')}`, body: 'Hello', queueId });
  expect(r.status).toBe(201);
  return r.body.conversationId;
}
const offersOf = async (c: Caller) => (await c.api('GET', '/api/v1/routing/me')).body.offers as Array<{ id: number; conversationId: number }>;
const marked = async (id: number) => Number((await t.server.services.store.db.selectFrom('conversations').select('on_offer').where('id', '=', id).executeTakeFirstOrThrow()).on_offer);
const line = async (q: number) => (await waitingLine(t.server.services.store.db, q, 'normal', 100).execute()).map((c) => c.id);

describe('the waiting line leaves out conversations on offer', () => {
  it('marks a conversation while its offer stands, and every way an offer ends clears it', async () => {
    const q = await queue();
    const mark = await agent('Mark', [q]);
    const a = await customer(q);
    const [offer] = await offersOf(mark);
    expect(offer!.conversationId).toBe(a);
    expect(await marked(a)).toBe(1);
    expect(await line(q)).toEqual([]);

    // Declined: waiting again, in the line, unmarked; Nina gets it (never Mark again).
    expect((await mark.api('POST', `/api/v1/routing/offers/${offer!.id}/decline`)).status).toBe(200);
    expect(await marked(a)).toBe(0);
    expect(await line(q)).toEqual([a]);
    const nina = await agent('Nina', [q]);
    const [second] = await offersOf(nina);
    expect([second!.conversationId, await marked(a)]).toEqual([a, 1]);

    // Ran out: the timer expires it (offered again, a new offer: Mark declined it, Nina is the one
    // free); Nina declines that one, and with nobody left it waits in the line, unmarked.
    t.clock.advance(31_000);
    await runDueTimers(t.server.services.actions);
    const [again] = await offersOf(nina);
    expect(again!.id).not.toBe(second!.id);
    expect([again!.conversationId, await marked(a)]).toEqual([a, 1]);
    expect((await nina.api('POST', `/api/v1/routing/offers/${again!.id}/decline`)).status).toBe(200);
    expect(await marked(a)).toBe(0);
    expect(await line(q)).toEqual([a]);

    // Withdrawn: a second conversation is offered; an admin transferring it to someone withdraws it.
    const b = await customer(q);
    const open = [...(await offersOf(mark)), ...(await offersOf(nina))];
    expect([open.map((o) => o.conversationId), await marked(b)]).toEqual([[b], 1]);
    expect((await admin.api('POST', `/api/v1/conversations/${b}/transfer-to-agent`, { userId: nina.id })).status).toBe(200);
    expect(await marked(b)).toBe(0);

    // Accepted: assigned, unmarked, out of the line for being assigned.
    const c = await customer(q);
    const [fourth] = [...(await offersOf(mark)), ...(await offersOf(nina))];
    const taker = (await offersOf(mark)).length ? mark : nina;
    expect(fourth!.conversationId).toBe(c);
    expect((await taker.api('POST', `/api/v1/routing/offers/${fourth!.id}/accept`)).status).toBe(200);
    expect(await marked(c)).toBe(0);
    expect(await line(q)).toEqual([a]);
  });

  it('reads the line through the index of the waiting line by open-offer mark', async () => {
    const db = t.server.services.store.db;
    const q = waitingLine(db, 1, 'normal', 10).compile();
    if (ENGINE === 'sqlite') {
      const plan = (await db.executeQuery<{ detail: string }>({ ...q, sql: `explain query plan ${q.sql}` })).rows.map((r) => r.detail).join('\n');
      expect(plan).toContain('conversations_waiting_line');
      expect(plan).not.toContain('TEMP B-TREE'); // in processing order from the index, no sort
    } else {
      const plan = await db.transaction().execute(async (tx) => {
        await sql`set local enable_seqscan = off`.execute(tx);
        return (await tx.executeQuery<{ 'QUERY PLAN': string }>({ ...q, sql: `explain ${q.sql}` })).rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('conversations_waiting_line');
      expect(plan).not.toContain('Sort');
    }
  });
});
