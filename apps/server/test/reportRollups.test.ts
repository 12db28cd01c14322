import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addFactTo, conversationFigures, dayStart, emptyDelta, factOfRow, HISTOGRAM_PRECISION, localDay, monthOf, rollupKeyOf, rollupKeyString,
  type RollupDelta,
} from '@switchboard/core';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { runDueTimers } from '../src/jobs/worker.ts';
import { factRowOf } from '../src/store/reportRollups.ts';
import { storedCells, type Cells } from './rollupCells.ts';

/**
 * Issue 15 at scale: the daily and monthly rollups move with every fact change, in its
 * transaction. After a mix of changes made by the real routes — resolve, reopen, transfers to an
 * agent and to a queue, a declined offer, an unpinned customer, a deleted conversation — over two
 * local days (Europe/Paris: the days start at 23:00 UTC), every stored cell equals the cell
 * recomputed from the facts, and a whole-day report read from the rollups gives the facts' figures.
 */
let t: TestServer;
let admin: Caller, mark: Caller, nina: Caller;
let adminToken: string;
let q: number, q2: number;
const S = 1000;
const M = 60 * S;
const TZ = 'Europe/Paris';
// Monday 2 February 2026, 22:30 UTC = 23:30 in Paris: the conversations straddle local midnight.
const T0 = Date.UTC(2026, 1, 2, 22, 30);

const at = async (ms: number) => {
  t.clock.set(T0 + ms);
  await runDueTimers(t.server.services.actions);
};
const ok = async (p: Promise<{ status: number; body: any }>) => {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
};
const writes = async (who: string, queueId = q) => {
  const r = await customerWrites(t, adminToken, { externalId: who, body: 'Hello', queueId });
  expect(r.status).toBe(201);
  return r.body.conversationId as number;
};
const offerOf = async (c: Caller) => ((await c.api('GET', '/api/v1/routing/me')).body.offers as { id: number }[])[0]!;

/** The stored cells, each the sum of its shards. */
async function stored(table: 'report_days' | 'report_months'): Promise<Cells> {
  const rows = await t.server.services.store.db.selectFrom(table).selectAll().execute();
  return storedCells(rows, (r) => rollupKeyString({ day: Number(r.day), queueId: Number(r.queue_id), agentId: Number(r.agent_id), channel: r.channel as string, inboxId: Number(r.inbox_id) }));
}
/** The cells as the facts say they should be (the core's contribution of each fact). */
async function recomputed(months: boolean): Promise<Cells> {
  const facts = await t.server.services.store.db.selectFrom('conversation_facts').selectAll().execute();
  const cells = new Map<string, RollupDelta>();
  for (const raw of facts) {
    const f = factRowOf(raw as unknown as Record<string, unknown>);
    const key = { ...rollupKeyOf(f), day: months ? monthOf(f.day) : f.day };
    const s = rollupKeyString(key);
    if (!cells.has(s)) cells.set(s, emptyDelta(key));
    addFactTo(cells.get(s)!, f, 1);
  }
  const out: Cells = new Map();
  for (const [s, d] of cells) {
    const r: Record<string, unknown> = { day: d.key.day, queue_id: d.key.queueId, agent_id: d.key.agentId, channel: d.key.channel, inbox_id: d.key.inboxId };
    const snake = { created: 'created', resolved: 'resolved', abandoned: 'abandoned', callback: 'callback', reopened: 'reopened', linked: 'linked', offersDeclined: 'offers_declined', offersTimedOut: 'offers_timed_out', repliesDue: 'replies_due', repliesBreached: 'replies_breached' } as const;
    for (const [m, c] of Object.entries(snake)) r[c] = d.counts[m as keyof typeof snake];
    for (const [m, c] of Object.entries({ firstResponse: 'first_response', resolution: 'resolution', handle: 'handle', wrapUp: 'wrap_up', wait: 'wait' } as const)) {
      const x = d.durations[m as keyof typeof d.durations];
      r[`${c}_n`] = x.n;
      r[`${c}_sum`] = x.sum;
      r[`${c}_hist`] = Object.fromEntries(x.hist);
    }
    out.set(s, r);
  }
  return out;
}

beforeAll(async () => {
  t = await startTestServer();
  t.clock.set(T0);
  const db = t.server.services.store.db;
  // The workspace's zone, and the rollups rebuilt in it (as migration 019 does for a workspace).
  await db.deleteFrom('report_rollup_state').execute();
  await db.insertInto('report_rollup_state').values({ id: 1, time_zone: TZ }).execute();
  const a = await createUser(t, 'admin', 'Root');
  admin = await signIn(t, a);
  adminToken = await tokenFor(t, a.id);
  q = await createQueue(t, 'Support');
  q2 = await createQueue(t, 'Sales');
  await ok(admin.api('PUT', `/api/v1/queues/${q}/routing`, { routingMode: 'auto_assign', settings: { firstReplyMs: 2 * M, offerTimeoutMs: 30 * S } }));
  const markUser = await createUser(t, 'agent', 'Mark', [q, q2]);
  const ninaUser = await createUser(t, 'agent', 'Nina', [q, q2]);
  mark = await signIn(t, markUser);
  nina = await signIn(t, ninaUser);
  await ok(nina.api('PUT', '/api/v1/routing/me/status', { status: 'busy' }));
  await ok(mark.api('PUT', '/api/v1/routing/me/status', { status: 'available' }));

  // A (23:30 Paris, day one): accepted, answered, resolved, reopened, transferred to Nina, resolved again.
  const ca = await writes('anna');
  await at(20 * S);
  await ok(mark.api('POST', `/api/v1/routing/offers/${(await offerOf(mark)).id}/accept`));
  await at(1 * M);
  await ok(mark.api('POST', `/api/v1/conversations/${ca}/messages`, { body: 'Hi Anna' }));
  await at(5 * M);
  await ok(mark.api('POST', `/api/v1/conversations/${ca}/resolve`, {}));
  await at(8 * M);
  await ok(mark.api('POST', `/api/v1/conversations/${ca}/reopen`));
  await ok(mark.api('POST', `/api/v1/conversations/${ca}/transfer-to-agent`, { userId: ninaUser.id }));
  await at(12 * M);
  await ok(nina.api('POST', `/api/v1/conversations/${ca}/resolve`, {}));

  // B (00:45 Paris, day two): Mark declines, Nina takes it, transfers it to Sales, where it is given to Mark, who resolves it.
  await at(75 * M);
  const cb = await writes('ben');
  await at(75 * M + 10 * S);
  await ok(mark.api('POST', `/api/v1/routing/offers/${(await offerOf(mark)).id}/decline`));
  await ok(nina.api('PUT', '/api/v1/routing/me/status', { status: 'available' }));
  await at(76 * M);
  await ok(nina.api('POST', `/api/v1/routing/offers/${(await offerOf(nina)).id}/accept`));
  await ok(nina.api('POST', `/api/v1/conversations/${cb}/transfer-to-queue`, { queueId: q2 }));
  await at(78 * M);
  await ok(admin.api('POST', `/api/v1/conversations/${cb}/transfer-to-agent`, { userId: markUser.id }));
  await at(80 * M);
  await ok(mark.api('POST', `/api/v1/conversations/${cb}/messages`, { body: 'Sales here' }));
  await ok(mark.api('POST', `/api/v1/conversations/${cb}/resolve`, {}));

  // C and D (day two): C's customer is unpinned; D is deleted by the administrator.
  await at(90 * M);
  const cc = await writes('cleo');
  await at(91 * M);
  await ok(nina.api('POST', `/api/v1/routing/offers/${(await offerOf(nina)).id}/accept`));
  await ok(nina.api('POST', `/api/v1/conversations/${cc}/unpin-customer`));
  await at(95 * M);
  const cd = await writes('dora');
  await at(96 * M);
  await ok(admin.api('POST', '/api/v1/conversations/delete', { ids: [cd] }));
});
afterAll(() => t.close());

describe('daily and monthly rollups after a mix of changes', () => {
  it('put each conversation on its local day in the workspace zone', async () => {
    const d1 = localDay(T0, TZ);
    expect(localDay(T0 + 75 * M, 'UTC')).toBe(d1); // B: 23:45 UTC is still day one in UTC, day two in Paris
    const perDay = new Map<number, number>();
    for (const r of (await stored('report_days')).values()) perDay.set(Number(r.day), (perDay.get(Number(r.day)) ?? 0) + Number(r.created));
    expect(Object.fromEntries(perDay)).toEqual({ [d1]: 1, [d1 + 1]: 2 }); // the deleted one left
  });

  it('hold in every daily and monthly cell what the facts say', async () => {
    expect(await stored('report_days')).toEqual(await recomputed(false));
    expect(await stored('report_months')).toEqual(await recomputed(true));
  });

  it('give a whole-day report the figures of the facts (percentiles within the buckets’ precision)', async () => {
    const d = localDay(T0, TZ);
    const [from, to] = [dayStart(d, TZ), dayStart(d + 2, TZ)];
    const facts = (await t.server.services.store.db.selectFrom('conversation_facts').selectAll().where('created_at', '>=', from).where('created_at', '<', to).execute())
      .map((r) => factOfRow(factRowOf(r as unknown as Record<string, unknown>)));
    const expected = conversationFigures(facts);
    const o = await ok(admin.api('GET', `/api/v1/reports/overview?from=${from}&to=${to}&tz=${encodeURIComponent(TZ)}`));
    expect(o.current.counts).toEqual(expected.counts);
    for (const m of ['firstResponse', 'resolution', 'handle', 'wrapUp', 'wait'] as const) {
      const [got, want] = [o.current.durations[m], expected.durations[m]];
      expect({ m, count: got.count, mean: got.mean }).toEqual({ m, count: want.count, mean: want.mean });
      for (const p of ['median', 'p90'] as const) {
        if (want[p] == null) expect(got[p]).toBeNull();
        else expect(Math.abs(got[p] - want[p]!), `${m} ${p}`).toBeLessThanOrEqual(Math.max(500, want[p]! * HISTOGRAM_PRECISION) + 1);
      }
    }
    const byAgent = (await ok(admin.api('GET', `/api/v1/reports/tables/agent?from=${from}&to=${to}&tz=${encodeURIComponent(TZ)}`))).items;
    expect(Object.fromEntries(byAgent.map((r: any) => [r.name, r.figures.counts.created]))).toEqual({ Nina: 2, Mark: 1 });
    const series = await ok(admin.api('GET', `/api/v1/reports/series?from=${from}&to=${to}&tz=${encodeURIComponent(TZ)}&grain=day`));
    expect(series.items.map((i: any) => [i.period, i.figures.counts.created])).toEqual([['2026-02-02', 1], ['2026-02-03', 2]]);
  });
});
