import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFactTo, dayStart, emptyDelta, HISTOGRAM_PRECISION, localDay, monthOf, queueCellOf, rollupKeyOf, type RollupDelta } from '@switchboard/core';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { runDueTimers } from '../src/jobs/worker.ts';
import { storedCells, type Cells } from './rollupCells.ts';
import { factRowOf } from '../src/store/reportRollups.ts';

/**
 * Issue 15 at scale: the rollups per conversation tag, label and customer tag (and "all") move with
 * every change that moves them — a tag taken off one conversation and put on another, a label, a
 * customer tag put on a customer and taken off again, an unpinned customer (seed 002: the
 * conversation leaves that customer's figures) — and a changed workspace time zone rebuilds every
 * rollup in it. The tables of a whole local day are checked against figures computed by hand.
 */
let t: TestServer;
let admin: Caller, mark: Caller;
let adminToken: string;
let q: number;
const S = 1000;
const M = 60 * S;
const TZ = 'Asia/Tokyo';
// Monday 2 February 2026, 20:00 UTC = Tuesday 3 February 05:00 in Tokyo: the zones' days differ.
const T0 = Date.UTC(2026, 1, 2, 20, 0);
const conv: Record<string, number> = {};
const tag: Record<string, number> = {};

const at = async (ms: number) => {
  t.clock.set(T0 + ms);
  await runDueTimers(t.server.services.actions);
};
const ok = async (p: Promise<{ status: number; body: any }>) => {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
};
const offerOf = async (c: Caller) => ((await c.api('GET', '/api/v1/routing/me')).body.offers as { id: number }[])[0]!;
const db = () => t.server.services.store.db;
const contactOf = async (id: number) => (await db().selectFrom('conversations').select('contact_id').where('id', '=', id).executeTakeFirstOrThrow()).contact_id!;

/** A conversation that arrives at `start`, is accepted a minute later, answered at `reply` and maybe resolved. */
async function conversation(who: string, start: number, reply: number, resolve?: number): Promise<number> {
  await at(start);
  const r = await customerWrites(t, adminToken, { externalId: who, body: 'Hello', queueId: q });
  expect(r.status).toBe(201);
  const id = r.body.conversationId as number;
  await at(start + M);
  await ok(mark.api('POST', `/api/v1/routing/offers/${(await offerOf(mark)).id}/accept`));
  await at(reply);
  await ok(mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Hi' }));
  if (resolve != null) {
    await at(resolve);
    await ok(mark.api('POST', `/api/v1/conversations/${id}/resolve`, {}));
  }
  return id;
}

const cellKey = (r: Record<string, unknown>) => `${r.dim}|${Number(r.dim_id)}|${Number(r.day)}|${Number(r.queue_id)}`;
/** The stored cells, each the sum of its shards. */
async function stored(table: 'report_dim_days' | 'report_dim_months'): Promise<Cells> {
  return storedCells(await db().selectFrom(table).selectAll().execute(), cellKey);
}
/** The cells as the facts and today's tags, labels and customer tags say they should be. */
async function recomputed(months: boolean): Promise<Cells> {
  const cells = new Map<string, { dim: string; id: number; d: RollupDelta }>();
  const facts = await db().selectFrom('conversation_facts').selectAll().execute();
  for (const raw of facts) {
    const f = queueCellOf(factRowOf(raw as unknown as Record<string, unknown>));
    const dims: [string, number][] = [['all', 0]];
    for (const r of await db().selectFrom('conversation_tags').select('tag_id').where('conversation_id', '=', f.conversation_id).execute()) dims.push(['tag', r.tag_id]);
    for (const r of await db().selectFrom('conversation_labels').select('label_id').where('conversation_id', '=', f.conversation_id).execute()) dims.push(['label', r.label_id]);
    if (f.contact_id != null) for (const r of await db().selectFrom('contact_tags').select('tag_id').where('contact_id', '=', f.contact_id).execute()) dims.push(['customerTag', r.tag_id]);
    for (const [dim, id] of dims) {
      const day = months ? monthOf(f.day) : f.day;
      const s = cellKey({ dim, dim_id: id, day, queue_id: f.queue_id ?? 0 });
      if (!cells.has(s)) cells.set(s, { dim, id, d: emptyDelta({ ...rollupKeyOf(f), day }) });
      addFactTo(cells.get(s)!.d, f, 1);
    }
  }
  const out: Cells = new Map();
  const counts = { created: 'created', resolved: 'resolved', abandoned: 'abandoned', callback: 'callback', reopened: 'reopened', linked: 'linked', offersDeclined: 'offers_declined', offersTimedOut: 'offers_timed_out', repliesDue: 'replies_due', repliesBreached: 'replies_breached' } as const;
  const durations = { firstResponse: 'first_response', resolution: 'resolution', handle: 'handle', wrapUp: 'wrap_up', wait: 'wait' } as const;
  for (const [s, { dim, id, d }] of cells) {
    const r: Record<string, unknown> = { dim, dim_id: id, day: d.key.day, queue_id: d.key.queueId };
    for (const [m, c] of Object.entries(counts)) r[c] = d.counts[m as keyof typeof counts];
    for (const [m, c] of Object.entries(durations)) {
      const x = d.durations[m as keyof typeof durations];
      Object.assign(r, { [`${c}_n`]: x.n, [`${c}_sum`]: x.sum, [`${c}_hist`]: Object.fromEntries(x.hist) });
    }
    out.set(s, r);
  }
  return out;
}

beforeAll(async () => {
  t = await startTestServer();
  t.clock.set(T0);
  const a = await createUser(t, 'admin', 'Root');
  admin = await signIn(t, a);
  adminToken = await tokenFor(t, a.id);
  q = await createQueue(t, 'Support');
  await ok(admin.api('PUT', `/api/v1/queues/${q}/routing`, { routingMode: 'auto_assign', settings: { offerTimeoutMs: 10 * M } }));
  mark = await signIn(t, await createUser(t, 'agent', 'Mark', [q]));
  await ok(mark.api('PUT', '/api/v1/routing/me/status', { status: 'available' }));
  for (const [name, kind] of [['billing', 'conversation'], ['refund', 'conversation'], ['vip', 'customer']] as const) {
    tag[name] = (await ok(admin.api('POST', '/api/v1/tags', { kind, name, color: '#123456' }))).id;
  }
  tag.urgent = (await ok(admin.api('POST', '/api/v1/labels', { name: 'urgent' }))).id;

  // Under the workspace's first zone (UTC): A answered after 2 min, resolved at 10; B after 4, resolved at 20; C after 6, open.
  conv.a = await conversation('anna', 0, 2 * M, 10 * M);
  conv.b = await conversation('ben', 30 * M, 34 * M, 50 * M);
  conv.c = await conversation('cleo', 60 * M, 66 * M);
});
afterAll(() => t.close());

const day = () => localDay(T0, TZ);
const range = () => `from=${dayStart(day(), TZ)}&to=${dayStart(day() + 1, TZ)}`;
const row = (items: any[], name: string) => items.find((r) => r.name === name)?.figures;

describe('a changed workspace time zone', () => {
  it('rebuilds the rollups in the new zone (facts, day cells and dimension cells)', async () => {
    expect((await db().selectFrom('report_rollup_state').select('time_zone').executeTakeFirstOrThrow()).time_zone).toBe('UTC');
    const utcDay = localDay(T0, 'UTC');
    expect((await stored('report_dim_days')).get(`all|0|${utcDay}|${q}`)?.created).toBe(3);

    const current = (await ok(admin.api('GET', '/api/v1/settings/widget'))).officeHours;
    await ok(admin.api('PUT', '/api/v1/settings/widget', { officeHours: { ...current, timezone: TZ } }));

    const tokyoDay = localDay(T0, TZ);
    expect(tokyoDay).toBe(utcDay + 1);
    expect((await db().selectFrom('report_rollup_state').select('time_zone').executeTakeFirstOrThrow()).time_zone).toBe(TZ);
    expect((await db().selectFrom('conversation_facts').select('day').execute()).map((r) => r.day)).toEqual([tokyoDay, tokyoDay, tokyoDay]);
    const days = await db().selectFrom('report_days').select(['day', 'created']).execute();
    expect(days.map((r) => [Number(r.day), Number(r.created)])).toEqual([[tokyoDay, 3]]);
    expect([...(await stored('report_dim_days')).keys()]).toEqual([`all|0|${tokyoDay}|${q}`]);
    expect(await stored('report_dim_months')).toEqual(await recomputed(true));
  });
});

describe('rollups per tag, label and customer tag', () => {
  beforeAll(async () => {
    await at(70 * M);
    // A and B are tagged billing, C gets the label urgent, Anna's and Cleo's customers are VIP.
    await ok(mark.api('PATCH', `/api/v1/conversations/${conv.a}`, { tagIds: [tag.billing] }));
    await ok(mark.api('PATCH', `/api/v1/conversations/${conv.b}`, { tagIds: [tag.billing] }));
    await ok(mark.api('PATCH', `/api/v1/conversations/${conv.c}`, { labelIds: [tag.urgent] }));
    for (const c of [conv.a!, conv.c!]) await ok(admin.api('PUT', `/api/v1/contacts/${await contactOf(c)}/tags`, { tagId: tag.vip }));
    // B moves from billing to refund; Ben is VIP for a while; Cleo is unpinned from C.
    await ok(mark.api('PATCH', `/api/v1/conversations/${conv.b}`, { tagIds: [tag.refund] }));
    const ben = await contactOf(conv.b!);
    await ok(admin.api('PUT', `/api/v1/contacts/${ben}/tags`, { tagId: tag.vip }));
    await ok(admin.api('PUT', `/api/v1/contacts/${ben}/tags`, { tagId: tag.vip, pinned: true })); // pinning it is no second arrival
    await ok(admin.api('DELETE', `/api/v1/contacts/${ben}/tags/${tag.vip}`));
    await ok(mark.api('POST', `/api/v1/conversations/${conv.c}/unpin-customer`));
  });

  it('hold in every daily and monthly cell what the facts and the tags say', async () => {
    expect(await stored('report_dim_days')).toEqual(await recomputed(false));
    expect(await stored('report_dim_months')).toEqual(await recomputed(true));
  });

  const near = (got: number | null, want: number) => expect(Math.abs(got! - want)).toBeLessThanOrEqual(want * HISTOGRAM_PRECISION + 1);

  it('give the tag, label and customer-tag tables of the whole day the figures computed by hand', async () => {
    const tags = (await ok(admin.api('GET', `/api/v1/reports/tables/tag?${range()}`))).items;
    expect(tags.map((r: any) => r.name).sort()).toEqual(['billing', 'refund']);
    // billing: A only (B left it) — created 1, resolved 1, first response 2 min, resolution 10 min.
    expect(row(tags, 'billing').counts).toMatchObject({ created: 1, resolved: 1 });
    near(row(tags, 'billing').durations.firstResponse.mean, 2 * M);
    near(row(tags, 'billing').durations.resolution.median, 10 * M);
    // refund: B — first response 4 min, resolution 20 min.
    expect(row(tags, 'refund').counts).toMatchObject({ created: 1, resolved: 1 });
    near(row(tags, 'refund').durations.firstResponse.mean, 4 * M);
    near(row(tags, 'refund').durations.resolution.p90, 20 * M);

    const labels = (await ok(admin.api('GET', `/api/v1/reports/tables/label?${range()}`))).items;
    expect(labels.map((r: any) => [r.name, r.figures.counts.created, r.figures.counts.resolved])).toEqual([['urgent', 1, 0]]);
    near(row(labels, 'urgent').durations.firstResponse.median, 6 * M);

    // VIP: Anna's A only — Ben's tag came and went, Cleo was unpinned from C.
    const vip = (await ok(admin.api('GET', `/api/v1/reports/tables/customerTag?${range()}`))).items;
    expect(vip.map((r: any) => [r.name, r.figures.counts.created, r.figures.counts.resolved])).toEqual([['vip', 1, 1]]);
    near(row(vip, 'vip').durations.resolution.mean, 10 * M);
  });

  it('narrow the overview to one tag and give the series its medians', async () => {
    const o = await ok(admin.api('GET', `/api/v1/reports/overview?${range()}&tagId=${tag.refund}`));
    expect(o.current.counts).toMatchObject({ created: 1, resolved: 1 });
    const s = await ok(admin.api('GET', `/api/v1/reports/series?${range()}&grain=day`));
    expect(s.items.map((i: any) => [i.period, i.figures.counts.created])).toEqual([['2026-02-03', 3]]);
    // First responses 2, 4 and 6 min: median and 90th percentile (the lower one) 4 min.
    const frt = s.items[0].figures.durations.firstResponse;
    near(frt.median, 4 * M);
    near(frt.p90, 4 * M);
  });

  it('drop a deleted tag’s cells', async () => {
    await ok(admin.api('DELETE', `/api/v1/tags/${tag.billing}`));
    expect([...(await stored('report_dim_days')).keys()].filter((k) => k.startsWith(`tag|${tag.billing}|`))).toEqual([]);
    expect(await stored('report_dim_days')).toEqual(await recomputed(false));
  });
});

describe('offers let run out together', () => {
  it('count in each conversation’s own cells when one batch of timers fires them (a tagged one and a plain one)', async () => {
    const start = 2 * 60 * M;
    await at(start);
    const d = (await customerWrites(t, adminToken, { externalId: 'dora', body: 'Hello', queueId: q })).body.conversationId as number;
    const e = (await customerWrites(t, adminToken, { externalId: 'emil', body: 'Hello', queueId: q })).body.conversationId as number;
    await ok(admin.api('PATCH', `/api/v1/conversations/${d}`, { tagIds: [tag.refund] }));
    const offers = (await mark.api('GET', '/api/v1/routing/me')).body.offers as { conversationId: number }[];
    expect(offers.map((o) => o.conversationId).sort((x, y) => x - y)).toEqual([d, e]);

    await at(start + 10 * M + S); // both offers' timers are due: one batch, one transaction
    const facts = await db().selectFrom('conversation_facts').select(['conversation_id', 'offers_timed_out']).where('conversation_id', 'in', [d, e]).orderBy('conversation_id').execute();
    expect(facts.map((f) => Number(f.offers_timed_out))).toEqual([1, 1]);
    expect(await stored('report_dim_days')).toEqual(await recomputed(false));
    expect(await stored('report_dim_months')).toEqual(await recomputed(true));
    const tags = (await ok(admin.api('GET', `/api/v1/reports/tables/tag?${range()}`))).items;
    expect(row(tags, 'refund').counts).toMatchObject({ created: 2, offersTimedOut: 1 });
  });
});
