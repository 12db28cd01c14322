import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestServer, type Caller, type TestServer } from '../../../test/harness.ts';
import { DEMO_PASSWORD, seedDemo } from '../src/demo/seed.ts';

/**
 * Issue 15 "Done when": a support lead opening Reports on the demo data sees figures. The demo
 * comes with four weeks of history made through the real actions (demo/history.ts), so its
 * figures are non-zero and agree with each other and with the conversation list behind them.
 */
const DAY = 24 * 3600 * 1000;
let t: TestServer;
let sam: Caller, mark: Caller;
let seedMs = 0;
let from = 0, to = 0;
let range = '';

const ok = async (p: Promise<{ status: number; body: any }>) => {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const sum = (items: any[], pick: (f: any) => number) => items.reduce((n, r) => n + pick(r.figures), 0);
/** Every conversation the list gives for a filter (all pages). */
const listAll = async (c: Caller, filter: string) => {
  const ids: number[] = [];
  let cursor = '';
  do {
    const page = await ok(c.api('GET', `/api/v1/conversations?view=all&limit=200&createdSince=${from}&createdBefore=${to}&${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
    ids.push(...page.items.map((x: any) => x.id));
    cursor = page.nextCursor ?? '';
  } while (cursor);
  return ids;
};

beforeAll(async () => {
  t = await startTestServer();
  const started = performance.now();
  await seedDemo(t.server.services.store, t.clock);
  seedMs = performance.now() - started;
  const user = (email: string) => t.server.services.store.db.selectFrom('users').select(['id', 'email']).where('email', '=', email).executeTakeFirstOrThrow();
  sam = await signIn(t, await user('supervisor@example.com'), DEMO_PASSWORD);
  mark = await signIn(t, await user('mark@example.com'), DEMO_PASSWORD);
  to = Math.floor(t.clock.now() / DAY) * DAY;
  from = to - 28 * DAY;
  range = `from=${from}&to=${to}&tz=UTC`;
}, 180_000); // the history is ~22k statements, one round trip each on PostgreSQL
afterAll(() => t?.close());

describe('Reports on the demo data', () => {
  it('the overview of the last four weeks shows every kind of figure, each consistent with the others', async () => {
    process.stdout.write(`demo seed with history: ${Math.round(seedMs)} ms (${t.server.services.store.dialect})\n`);
    const o = await ok(sam.api('GET', `/api/v1/reports/overview?${range}`));
    const c = o.current.counts;
    expect(c.created).toBeGreaterThan(100);
    expect(c.resolved).toBeGreaterThan(0.8 * c.created);
    expect(c.resolved + c.abandoned).toBeLessThanOrEqual(c.created);
    for (const k of ['abandoned', 'callback', 'reopened', 'linked', 'offersDeclined', 'offersTimedOut', 'repliesBreached'] as const) expect(c[k], k).toBeGreaterThan(0);
    expect(c.repliesBreached).toBeLessThan(c.repliesDue);
    expect(o.current.answeredInTime).toBeCloseTo(1 - c.repliesBreached / c.repliesDue);
    const d = o.current.durations;
    for (const k of ['firstResponse', 'resolution', 'handle', 'wrapUp', 'wait'] as const) {
      expect(d[k].count, k).toBeGreaterThan(0);
      expect(d[k].median, k).toBeGreaterThan(0);
      expect(d[k].median, k).toBeLessThanOrEqual(d[k].p90);
    }
    expect(d.resolution.count).toBe(c.resolved);
    // The history is all in the past: the four weeks before it hold nothing.
    expect(o.previous.counts.created).toBe(0);
  });

  it('the queue and agent tables and the daily series add up to the overview', async () => {
    const o = (await ok(sam.api('GET', `/api/v1/reports/overview?${range}`))).current.counts;
    const byQueue = (await ok(sam.api('GET', `/api/v1/reports/tables/queue?${range}`))).items;
    expect(byQueue.map((r: any) => r.name).sort()).toEqual(['Sales', 'Support']);
    expect(sum(byQueue, (f) => f.counts.created)).toBe(o.created);
    expect(sum(byQueue, (f) => f.counts.resolved)).toBe(o.resolved);
    const byAgent = (await ok(sam.api('GET', `/api/v1/reports/tables/agent?${range}`))).items;
    expect(byAgent.map((r: any) => r.name)).toEqual(expect.arrayContaining(['Mark Watney', 'Martha Jones', 'Nina Patel']));
    expect(sum(byAgent, (f) => f.counts.created)).toBe(o.created);
    expect(sum(byAgent, (f) => f.counts.offersDeclined)).toBe(o.offersDeclined);
    const byChannel = (await ok(sam.api('GET', `/api/v1/reports/tables/channel?${range}`))).items;
    expect(byChannel.length).toBeGreaterThanOrEqual(4);
    expect(sum(byChannel, (f) => f.counts.created)).toBe(o.created);
    const series = (await ok(sam.api('GET', `/api/v1/reports/series?${range}&grain=day`))).items;
    expect(series.filter((s: any) => s.figures.counts.created > 0).length).toBeGreaterThanOrEqual(20);
    expect(sum(series, (f) => f.counts.created)).toBe(o.created);
    const tags = (await ok(sam.api('GET', `/api/v1/reports/tables/tag?${range}`))).items;
    expect(tags.filter((r: any) => r.figures.counts.created > 0).length).toBeGreaterThanOrEqual(3);
    const customerTags = (await ok(sam.api('GET', `/api/v1/reports/tables/customerTag?${range}`))).items;
    expect(customerTags.map((r: any) => r.name)).toEqual(expect.arrayContaining(['VIP', 'New customer']));
  });

  it('drilling into a cell lists exactly the conversations it counts', async () => {
    const byAgent = (await ok(sam.api('GET', `/api/v1/reports/tables/agent?${range}`))).items;
    const martha = byAgent.find((r: any) => r.name === 'Martha Jones');
    expect(await listAll(sam, `assigneeId=${martha.key}`)).toHaveLength(martha.figures.counts.created);
    const tags = (await ok(sam.api('GET', `/api/v1/reports/tables/tag?${range}`))).items;
    const tag = tags.find((r: any) => r.figures.counts.created > 0);
    expect(await listAll(sam, `tagId=${tag.key}`)).toHaveLength(tag.figures.counts.created);
    const o = (await ok(sam.api('GET', `/api/v1/reports/overview?${range}`))).current.counts;
    expect(await listAll(sam, 'status=abandoned')).toHaveLength(o.abandoned);
  });

  it('agents worked shifts: time per status and occupancy', async () => {
    const agents = (await ok(sam.api('GET', `/api/v1/reports/agents?${range}`))).items;
    const m = agents.find((a: any) => a.name === 'Mark Watney');
    expect(m.byStatus.available).toBeGreaterThan(100 * 3600 * 1000); // about 19 weekdays of ~9 h
    expect(m.byStatus.away).toBeGreaterThan(0); // lunch
    expect(m.occupancy).toBeGreaterThan(0);
    expect(m.occupancy).toBeLessThan(1);
  });

  it("counts today's open conversations and yesterday's chat that ended with a ticket, so today's report is not empty", async () => {
    const now = t.clock.now();
    const today = `from=${now - 5 * 3600_000}&to=${now + 1}&tz=UTC`;
    const o = (await ok(sam.api('GET', `/api/v1/reports/overview?${today}`))).current;
    expect(o.counts.created).toBe(5); // the five open ones, 45 minutes apart
    expect(o.counts.linked).toBe(1); // John Smith's follows yesterday's chat
    expect(o.durations.wait.count).toBe(3); // three taken by an agent a minute after arriving
    expect(o.durations.wait.median).toBe(60_000);
    expect(o.durations.firstResponse.count).toBe(2); // the two an agent has answered
    const byAgent = (await ok(sam.api('GET', `/api/v1/reports/tables/agent?${today}`))).items;
    expect(byAgent.map((r: any) => `${r.name} ${r.figures.counts.created}`).sort()).toEqual(['Mark Watney 1', 'Martha Jones 1', 'Nina Patel 1', 'Nobody 2']);
    const yesterday = `from=${now - 30 * 3600_000}&to=${now - 20 * 3600_000}&tz=UTC`;
    const y = (await ok(sam.api('GET', `/api/v1/reports/overview?${yesterday}`))).current;
    expect(y.counts.created).toBeGreaterThanOrEqual(1);
    expect(y.counts.resolved).toBeGreaterThanOrEqual(1);
    const row = await t.server.services.store.db.selectFrom('conversation_facts as f').innerJoin('conversations as c', 'c.id', 'f.conversation_id')
      .select(['f.resolution_ms', 'f.wait_ms']).where('c.resolution_note', 'like', 'Explained the billing cycle%').executeTakeFirstOrThrow();
    expect([Number(row.resolution_ms), Number(row.wait_ms)]).toEqual([10 * 60_000, 30_000]);
  });

  it('leaves the demo as the README describes it: agents offline, the open conversations as they were, no reply limit set', async () => {
    const me = await ok(mark.api('GET', '/api/v1/routing/me'));
    expect(me.presence.status).toBe('offline');
    expect(me.offers).toEqual([]);
    const open = await ok(sam.api('GET', '/api/v1/conversations?view=all&status=queued,active,pending&limit=200'));
    expect(open.items.map((c: any) => c.contact.name).sort()).toEqual(['Ana García', 'John Smith', 'Li Wei', 'Olga Petrova', 'Tom Becker']);
    const db = t.server.services.store.db;
    const support = await db.selectFrom('queues').select('settings').where('name', '=', 'Support').executeTakeFirstOrThrow();
    expect(JSON.parse(support.settings).firstReplyMs ?? null).toBeNull();
    // Nothing of the past is left for the server's own timer loop to fire on the real clock.
    const due = await db.selectFrom('timers').select(['kind', 'due_at']).where('due_at', '<=', to).execute();
    expect(due).toEqual([]);
  });
});
