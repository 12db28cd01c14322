import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { runDueTimers } from '../src/jobs/worker.ts';

/**
 * Issue 15: one known morning in a queue, built with the manual clock, and every figure the
 * reports show for it — by the real routes (offers, declines, timeouts, wrap-up, abandon, callback,
 * a linked follow-up, a close and reopen), on whichever engine this run uses.
 */
let t: TestServer;
let admin: Caller, mark: Caller, nina: Caller, sue: Caller;
let adminToken: string;
let q: number, q2: number;
const S = 1000;
const M = 60 * S;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const conv: Record<string, number> = {};
const range = `from=${T0 - 3600 * S}&to=${T0 + 12 * 3600 * S}&tz=UTC`;

const at = async (ms: number) => {
  t.clock.set(T0 + ms);
  await runDueTimers(t.server.services.actions);
};
const ok = async (p: Promise<{ status: number; body: any }>) => {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
};
const writes = async (who: string, body: string, queueId = q) => {
  const r = await customerWrites(t, adminToken, { externalId: who, body, queueId });
  expect(r.status).toBe(201);
  return r.body.conversationId as number;
};
const offerOf = async (c: Caller) => ((await c.api('GET', '/api/v1/routing/me')).body.offers as { id: number; conversationId: number }[])[0]!;
const contactOf = async (id: number) => (await t.server.services.store.db.selectFrom('conversations').select('contact_id').where('id', '=', id).executeTakeFirstOrThrow()).contact_id!;
const status = (c: Caller, s: string) => ok(c.api('PUT', '/api/v1/routing/me/status', { status: s }));

beforeAll(async () => {
  t = await startTestServer();
  t.clock.set(T0);
  const a = await createUser(t, 'admin', 'Root');
  admin = await signIn(t, a);
  adminToken = await tokenFor(t, a.id);
  q = await createQueue(t, 'Support');
  q2 = await createQueue(t, 'Sales');
  await ok(admin.api('PUT', `/api/v1/queues/${q}/routing`, { routingMode: 'auto_assign', settings: { wrapUp: 'manual', firstReplyMs: 2 * M, offerTimeoutMs: 30 * S } }));
  mark = await signIn(t, await createUser(t, 'agent', 'Mark', [q]));
  nina = await signIn(t, await createUser(t, 'agent', 'Nina', [q]));
  sue = await signIn(t, await createUser(t, 'supervisor', 'Sue', [q]));
  await status(nina, 'busy');
  await status(mark, 'available');

  // 1. Mark accepts after 20 s, answers at 1:30 (in time), ends the chat at 10:00, closes the wrap-up at 12:00.
  conv.c1 = await writes('alice', 'My order is late');
  await at(20 * S);
  await ok(mark.api('POST', `/api/v1/routing/offers/${(await offerOf(mark)).id}/accept`));
  await at(90 * S);
  await ok(mark.api('POST', `/api/v1/conversations/${conv.c1}/messages`, { body: 'Let me check' }));
  await at(10 * M);
  await ok(mark.api('POST', `/api/v1/conversations/${conv.c1}/end-chat`));
  await at(12 * M);
  await ok(mark.api('POST', `/api/v1/conversations/${conv.c1}/close-wrap-up`));

  // 6. In the other queue, one that nobody takes (Sue does not manage Sales).
  await at(13 * M);
  conv.c6 = await writes('frank', 'Pricing?', q2);

  // 2. Mark declines; Nina comes online at 16:00, accepts at 16:20, answers at 20:00 (late), resolves at 30:00.
  await at(15 * M);
  conv.c2 = await writes('bob', 'Refund please');
  await at(15 * M + 20 * S);
  await ok(mark.api('POST', `/api/v1/routing/offers/${(await offerOf(mark)).id}/decline`));
  await at(16 * M);
  await status(nina, 'available');
  await at(16 * M + 20 * S);
  await ok(nina.api('POST', `/api/v1/routing/offers/${(await offerOf(nina)).id}/accept`));
  await at(20 * M);
  await ok(nina.api('POST', `/api/v1/conversations/${conv.c2}/messages`, { body: 'Refund done' }));
  await at(30 * M);
  await ok(nina.api('POST', `/api/v1/conversations/${conv.c2}/resolve`, {}));

  // 3. Mark lets the offer run out, then goes away; the customer leaves at 42:00.
  await at(39 * M);
  await status(nina, 'busy');
  await at(40 * M);
  conv.c3 = await writes('carol', 'Anyone there?');
  await at(40 * M + 30 * S);
  await at(40 * M + 31 * S);
  await status(mark, 'away');
  await at(42 * M);
  await ok(admin.api('POST', `/api/v1/inbound/conversations/${conv.c3}/leave`, { contactId: await contactOf(conv.c3) }));

  // 4. Nobody is free: the customer asks for a callback at 47:00.
  await at(45 * M);
  conv.c4 = await writes('dave', 'Call me');
  await at(47 * M);
  await ok(admin.api('POST', `/api/v1/inbound/conversations/${conv.c4}/request-callback`, { contactId: await contactOf(conv.c4) }));

  // 5. Alice writes to her resolved conversation: a linked follow-up, back to Mark; closed at 55:00, reopened at 57:00, resolved at 60:00.
  await at(49 * M);
  await status(mark, 'available');
  await at(50 * M);
  conv.c5 = await writes('alice', 'One more thing');
  expect(conv.c5).not.toBe(conv.c1);
  await at(50 * M + 20 * S);
  await ok(mark.api('POST', `/api/v1/routing/offers/${(await offerOf(mark)).id}/accept`));
  await at(51 * M + 30 * S);
  await ok(mark.api('POST', `/api/v1/conversations/${conv.c5}/messages`, { body: 'Sure' }));
  await at(55 * M);
  await ok(mark.api('POST', `/api/v1/conversations/${conv.c5}/close`));
  await at(57 * M);
  await ok(mark.api('POST', `/api/v1/conversations/${conv.c5}/reopen`));
  await at(60 * M);
  await ok(mark.api('POST', `/api/v1/conversations/${conv.c5}/resolve`, {}));
});
afterAll(() => t.close());

describe('the overview of a known morning', () => {
  it('counts every conversation of the supervisor’s queue by what happened to it', async () => {
    const o = await ok(sue.api('GET', `/api/v1/reports/overview?${range}`));
    expect(o.current.counts).toEqual({
      created: 5, resolved: 3, abandoned: 1, callback: 1, reopened: 1, linked: 1,
      offersDeclined: 1, offersTimedOut: 1, repliesDue: 3, repliesBreached: 1,
    });
    expect(o.current.answeredInTime).toBeCloseTo(2 / 3);
  });

  it('measures first response, wait, handle, wrap-up and resolution with mean, median and 90th percentile', async () => {
    const d = (await ok(sue.api('GET', `/api/v1/reports/overview?${range}`))).current.durations;
    // Percentiles are values that occurred, at floor(p × (n − 1)): of three, both are the second.
    expect(d.firstResponse).toEqual({ count: 3, mean: 160 * S, median: 90 * S, p90: 90 * S }); // 1:30, 5:00, 1:30
    expect(d.wait).toEqual({ count: 3, mean: 40 * S, median: 20 * S, p90: 20 * S }); // 0:20, 1:20, 0:20
    expect(d.handle).toEqual({ count: 3, mean: 620 * S, median: 580 * S, p90: 580 * S }); // 9:40, 13:40, 4:40 + 3:00
    expect(d.wrapUp).toEqual({ count: 1, mean: 2 * M, median: 2 * M, p90: 2 * M });
    expect(d.resolution).toEqual({ count: 3, mean: 740 * S, median: 12 * M, p90: 12 * M }); // 12:00, 15:00, 10:00
  });

  it('compares with the previous period of the same length (nothing happened then)', async () => {
    const o = await ok(sue.api('GET', `/api/v1/reports/overview?${range}`));
    expect(o.previousRange).toEqual({ from: T0 - 3600 * S - 13 * 3600 * S, to: T0 - 3600 * S });
    expect(o.previous.counts.created).toBe(0);
  });

  it('gives administrators every queue, and a queue filter narrows it', async () => {
    expect((await ok(admin.api('GET', `/api/v1/reports/overview?${range}`))).current.counts.created).toBe(6);
    expect((await ok(admin.api('GET', `/api/v1/reports/overview?${range}&queueId=${q2}`))).current.counts.created).toBe(1);
  });
});

describe('tables, series and agents', () => {
  const row = (items: any[], name: string) => items.find((r) => r.name === name)?.figures;
  it('by queue and by agent', async () => {
    const byQueue = (await ok(admin.api('GET', `/api/v1/reports/tables/queue?${range}`))).items;
    expect(byQueue.map((r: any) => [r.name, r.figures.counts.created])).toEqual([['Support', 5], ['Sales', 1]]);
    const byAgent = (await ok(sue.api('GET', `/api/v1/reports/tables/agent?${range}`))).items;
    expect(byAgent.map((r: any) => [r.name, r.figures.counts.created, r.figures.counts.resolved])).toEqual([['Mark', 2, 2], ['Nobody', 2, 0], ['Nina', 1, 1]]);
    expect(row(byAgent, 'Nina').durations.firstResponse.median).toBe(5 * M);
  });

  it('one day in the series holds the morning', async () => {
    const s = await ok(sue.api('GET', `/api/v1/reports/series?${range}&grain=day`));
    expect(s.items.map((i: any) => [i.period, i.figures.counts.created])).toEqual([['2026-01-05', 5]]);
    expect(s.items[0].figures.durations.wait.mean).toBe(40 * S);
  });

  it('agent time per status and occupancy', async () => {
    const a = (await ok(sue.api('GET', `/api/v1/reports/agents?${range}`))).items;
    const m = a.find((x: any) => x.name === 'Mark');
    expect(m.byStatus).toMatchObject({ available: 40 * M + 31 * S + 11 * M, away: 8 * M + 29 * S });
    expect(m.handleMs).toBe(9 * M + 40 * S + 7 * M + 40 * S);
    const n = a.find((x: any) => x.name === 'Nina');
    expect(n.byStatus).toMatchObject({ busy: 16 * M + 21 * M, available: 23 * M });
    expect(n.occupancy).toBeCloseTo((13 * M + 40 * S) / (5 * 60 * M)); // working = available + busy
  });

  it('an unpinned customer’s conversations leave that customer’s figures (seed 002)', async () => {
    const db = t.server.services.store.db;
    const vip = await db.insertInto('tags').values({ kind: 'customer', name: 'VIP', color: '#000' }).returning('id').executeTakeFirstOrThrow();
    for (const c of [conv.c1!, conv.c2!]) await db.insertInto('contact_tags').values({ contact_id: await contactOf(c), tag_id: vip.id, pinned: 0 }).execute();
    const before = (await ok(sue.api('GET', `/api/v1/reports/tables/customerTag?${range}`))).items;
    expect(row(before, 'VIP').counts.created).toBe(3); // Alice twice, Bob
    await ok(nina.api('POST', `/api/v1/conversations/${conv.c2}/unpin-customer`));
    const after = (await ok(sue.api('GET', `/api/v1/reports/tables/customerTag?${range}`))).items;
    expect(row(after, 'VIP').counts.created).toBe(2);
    expect((await ok(sue.api('GET', `/api/v1/reports/overview?${range}&customerTagId=${vip.id}`))).current.counts.created).toBe(2);
  });

  it('exports a table as CSV', async () => {
    const r = await t.server.app.inject({ method: 'GET', url: `/api/v1/reports/tables/queue?${range}`, cookies: { sb_session: sue.cookie }, headers: { accept: 'text/csv' } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    const lines = r.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^queue,created,resolved,abandoned,callback,reopened,linked,/);
    expect(lines[1]).toMatch(/^Support,5,3,1,1,1,1,1,1,3,1,66\.7,/);
    expect(lines).toHaveLength(2); // Sales is not Sue's
  });
});

describe('who may read reports', () => {
  it('refuses agents (403)', async () => {
    const r = await mark.api('GET', `/api/v1/reports/overview?${range}`);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden');
    expect((await mark.api('GET', `/api/v1/reports/tables/agent?${range}`)).status).toBe(403);
    expect((await mark.api('GET', '/api/v1/reports/live')).status).toBe(403);
  });

  it('keeps a supervisor to their queues even when they ask for another', async () => {
    const o = await ok(sue.api('GET', `/api/v1/reports/overview?${range}&queueId=${q2}`));
    expect(o.current.counts.created).toBe(0);
    const live = await ok(sue.api('GET', '/api/v1/reports/live'));
    expect(live.queues.map((x: any) => x.name)).toEqual(['Support']);
  });

  it('refuses a range over a year or backwards (400)', async () => {
    expect((await sue.api('GET', `/api/v1/reports/overview?from=0&to=${400 * 24 * 3600 * S}`)).status).toBe(400);
    expect((await sue.api('GET', `/api/v1/reports/overview?from=${T0}&to=${T0 - 1}`)).status).toBe(400);
    expect((await sue.api('GET', `/api/v1/reports/overview?from=${T0}&to=${T0 + 1}&tz=Mars/Base`)).status).toBe(400);
  });
});
