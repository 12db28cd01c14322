import { sql, type Kysely } from 'kysely';
import {
  addConversation, COUNT_MEASURES, dayStart, DURATION_MEASURES, emptyAggregate, emptyDelta, factOfRow, formatHistogram, localDay,
  mergeAggregate, mergeHistogram, monthOf, nextMonth, offsetStretches, parseHistogram, parseHistogramInto, rollupDeltas, rollupKeyOf, rollupKeyString,
  addFactTo, type ConversationAggregate, type CountMeasure, type DurationMeasure, type FactRow, type RollupDelta,
} from '@switchboard/core';
import type { Db, Tx } from './db.ts';

/**
 * The daily rollups (migration 019, core rollups.ts): kept in the transaction of every fact change,
 * rebuilt whole for a time zone, and read by reports for the whole local days of a range.
 */
const COUNT_COLUMN: Record<CountMeasure, string> = {
  created: 'created', resolved: 'resolved', abandoned: 'abandoned', callback: 'callback', reopened: 'reopened', linked: 'linked',
  offersDeclined: 'offers_declined', offersTimedOut: 'offers_timed_out', repliesDue: 'replies_due', repliesBreached: 'replies_breached',
};
export const DURATION_COLUMN: Record<DurationMeasure, string> = { firstResponse: 'first_response', resolution: 'resolution', handle: 'handle', wrapUp: 'wrap_up', wait: 'wait' };
const KEY_COLUMNS = ['day', 'queue_id', 'agent_id', 'channel', 'inbox_id'];
const SUM_COLUMNS = [...COUNT_MEASURES.map((m) => COUNT_COLUMN[m]), ...DURATION_MEASURES.flatMap((m) => [`${DURATION_COLUMN[m]}_n`, `${DURATION_COLUMN[m]}_sum`])];
const DAY_MS = 24 * 3600 * 1000;

/** The time zone the rollups' days are local to (null before migration 019 ran its rebuild). */
export async function rollupTimeZone(db: Kysely<any>): Promise<string | null> {
  const r = await db.selectFrom('report_rollup_state').select('time_zone').where('id', '=', 1).executeTakeFirst();
  return (r?.time_zone as string | undefined) ?? null;
}

function sumValues(d: RollupDelta): number[] {
  return [...COUNT_MEASURES.map((m) => d.counts[m]), ...DURATION_MEASURES.flatMap((m) => [d.durations[m].n, d.durations[m].sum])];
}

/**
 * Moves one cell of the rollups: counts and sums added in one upsert (atomic on both engines), and
 * when a duration moved, its histogram read back from that upsert — the row is then locked by this
 * transaction until it commits — and written with the change.
 */
type RollupTable = 'report_days' | 'report_months';
async function applyDelta(tx: Kysely<any>, table: RollupTable, d: RollupDelta): Promise<void> {
  const k = table === 'report_months' ? { ...d.key, day: monthOf(d.key.day) } : d.key;
  const moved = DURATION_MEASURES.filter((m) => d.durations[m].hist.size > 0);
  const cols = [...KEY_COLUMNS, ...SUM_COLUMNS];
  const values = [k.day, k.queueId, k.agentId, k.channel, k.inboxId, ...sumValues(d)];
  const returning = moved.length ? sql` returning ${sql.join(moved.map((m) => sql.ref(`${DURATION_COLUMN[m]}_hist`)))}` : sql``;
  const r = await sql<Record<string, string>>`
    insert into ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))}) values (${sql.join(values.map((v) => sql`${v}`))})
    on conflict (day, queue_id, agent_id, channel, inbox_id) do update set
      ${sql.join(SUM_COLUMNS.map((c) => sql`${sql.ref(c)} = ${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`))}
    ${returning}`.execute(tx);
  if (!moved.length) return;
  const row = r.rows[0] ?? {};
  const set = moved.map((m) => {
    const h = parseHistogram(row[`${DURATION_COLUMN[m]}_hist`]);
    mergeHistogram(h, d.durations[m].hist);
    return sql`${sql.ref(`${DURATION_COLUMN[m]}_hist`)} = ${formatHistogram(h)}`;
  });
  await sql`update ${sql.table(table)} set ${sql.join(set)} where day = ${k.day} and queue_id = ${k.queueId} and agent_id = ${k.agentId} and channel = ${k.channel} and inbox_id = ${k.inboxId}`.execute(tx);
}

/** A fact changed (before null: created; after null: deleted): its contribution moves between cells. */
export async function moveRollups(tx: Tx, before: FactRow | null, after: FactRow | null): Promise<void> {
  for (const d of rollupDeltas(before, after)) {
    await applyDelta(tx as Kysely<any>, 'report_days', d);
    await applyDelta(tx as Kysely<any>, 'report_months', d);
  }
}

/** One offer answer counted on a conversation's fact is counted in its cell too. */
export async function countInRollups(tx: Tx, conversationId: number, column: 'offers_declined' | 'offers_timed_out'): Promise<void> {
  const f = await tx.selectFrom('conversation_facts').select(['day', 'queue_id', 'agent_id', 'channel', 'inbox_id']).where('conversation_id', '=', conversationId).executeTakeFirst();
  if (!f) return;
  for (const [table, day] of [['report_days', f.day], ['report_months', monthOf(f.day)]] as const) {
    await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${sql.ref(column)} + 1
      where day = ${day} and queue_id = ${f.queue_id ?? 0} and agent_id = ${f.agent_id ?? 0} and channel = ${f.channel} and inbox_id = ${f.inbox_id ?? 0}`.execute(tx);
  }
}

/** The local day of a new fact, in the rollups' time zone. */
export async function factDay(tx: Kysely<any>, createdAt: number): Promise<number> {
  return localDay(createdAt, (await rollupTimeZone(tx)) ?? 'UTC');
}

/** SQL for the local day of an epoch-ms column in a zone over [from, to): a short CASE over its offsets. */
export function localDaySql(column: string, from: number, to: number, tz: string): string {
  const s = offsetStretches(from, to + 1, tz);
  const offset = s.length === 1 ? String(s[0]!.offset) : `case ${s.slice(1).map((x, i) => `when ${column} < ${x.start} then ${s[i]!.offset}`).join(' ')} else ${s[s.length - 1]!.offset} end`;
  return `((${column} + ${offset}) / ${DAY_MS})`;
}

const FACT_COLUMNS = [
  'conversation_id', 'created_at', 'queue_id', 'agent_id', 'channel', 'inbox_id', 'contact_id', 'linked', 'resolved', 'abandoned', 'callback', 'reopened',
  'offers_declined', 'offers_timed_out', 'replies_due', 'replies_breached', 'first_response_ms', 'resolution_ms', 'handle_ms', 'wrap_up_ms', 'wait_ms',
  'handling_since', 'wrap_up_since', 'day',
];
const asNumber = (v: unknown) => (v == null ? null : Number(v));
export function factRowOf(r: Record<string, unknown>): FactRow & { conversation_id: number } {
  const o: Record<string, unknown> = {};
  for (const c of FACT_COLUMNS) o[c] = c === 'channel' ? r[c] : asNumber(r[c]);
  return o as unknown as FactRow & { conversation_id: number };
}

/**
 * Rebuilds every rollup for a time zone: the facts' local days (one UPDATE over a CASE of the
 * zone's offsets), then the cells from the facts read a week at a time (a day's cells are written
 * once no later fact can belong to it). For migration 019, a changed workspace time zone, the bench.
 */
export async function rebuildRollups(db: Kysely<any>, tz: string, log?: (s: string) => void): Promise<void> {
  await sql`delete from report_rollup_state`.execute(db);
  await db.insertInto('report_rollup_state').values({ id: 1, time_zone: tz }).execute();
  await sql`delete from report_days`.execute(db);
  await sql`delete from report_months`.execute(db);
  const span = await sql<{ lo: number | null; hi: number | null }>`select min(created_at) as lo, max(created_at) as hi from conversation_facts`.execute(db);
  const lo = asNumber(span.rows[0]?.lo), hi = asNumber(span.rows[0]?.hi);
  if (lo == null || hi == null) return;
  await sql.raw(`update conversation_facts set day = ${localDaySql('created_at', lo, hi, tz)}`).execute(db);
  log?.('  facts have their local days');
  await buildCells(db, lo, hi, tz);
}

/** Writes the cells of the facts created in [lo, hi] (their `day` already set), none there before. */
export async function buildCells(db: Kysely<any>, lo: number, hi: number, tz: string): Promise<void> {
  const WEEK = 7 * DAY_MS;
  let cells = new Map<string, RollupDelta>();
  const months = new Map<string, RollupDelta>();
  const write = async (table: RollupTable, ds: RollupDelta[]) => {
    for (let i = 0; i < ds.length; i += 200) await insertCells(db, table, ds.slice(i, i + 200));
  };
  const flush = async (beforeDay: number) => {
    await write('report_days', [...cells.values()].filter((d) => d.key.day < beforeDay));
    cells = new Map([...cells].filter(([, d]) => d.key.day >= beforeDay));
  };
  for (let t = lo; t <= hi; t += WEEK) {
    const rows = await sql<Record<string, unknown>>`select ${sql.join(FACT_COLUMNS.map((c) => sql.ref(c)))} from conversation_facts where created_at >= ${t} and created_at < ${t + WEEK}`.execute(db);
    for (const raw of rows.rows) {
      const r = factRowOf(raw);
      const s = rollupKeyString(rollupKeyOf(r));
      let d = cells.get(s);
      if (!d) cells.set(s, (d = emptyDelta(rollupKeyOf(r))));
      addFactTo(d, r, 1);
      const mk = { ...rollupKeyOf(r), day: monthOf(r.day) };
      const ms = rollupKeyString(mk);
      let m = months.get(ms);
      if (!m) months.set(ms, (m = emptyDelta(mk)));
      addFactTo(m, r, 1);
    }
    await flush(localDay(t + WEEK, tz) - 1);
  }
  await flush(Number.MAX_SAFE_INTEGER);
  await write('report_months', [...months.values()]);
}

async function insertCells(db: Kysely<any>, table: RollupTable, ds: RollupDelta[]): Promise<void> {
  if (!ds.length) return;
  await db.insertInto(table).values(ds.map((d) => {
    const row: Record<string, unknown> = { day: d.key.day, queue_id: d.key.queueId, agent_id: d.key.agentId, channel: d.key.channel, inbox_id: d.key.inboxId };
    const sums = sumValues(d);
    SUM_COLUMNS.forEach((c, i) => (row[c] = sums[i]));
    for (const m of DURATION_MEASURES) row[`${DURATION_COLUMN[m]}_hist`] = formatHistogram(d.durations[m].hist);
    return row;
  })).execute();
}

/** What the rollup read needs: whole days of a range, and which keys narrow or group. */
export interface RollupQuery {
  fromDay: number;
  toDay: number;
  queueIds: number[] | null;
  agentIds?: number[];
  channel?: string;
  inboxIds?: number[];
}
export type RollupGroup = 'queue' | 'agent' | 'channel' | 'inbox' | 'day' | 'all';
const GROUP_COLUMN: Record<RollupGroup, string> = { queue: 'queue_id', agent: 'agent_id', channel: 'channel', inbox: 'inbox_id', day: 'day', all: '0' };
const list = (xs: number[]) => sql.join(xs.map((x) => sql`${x}`));

/**
 * Aggregates of whole local days from the rollups, per group ("none" for a 0 key): the whole
 * months of the range from the monthly cells, the days around them from the daily ones (the
 * series, grouped by day, reads days only). Counts and sums are summed in SQL; with percentiles,
 * the histograms of the cells are merged here (percentiles of days do not add up; buckets do).
 */
export async function aggregateRollups(db: Db, q: RollupQuery, g: RollupGroup, percentiles: boolean): Promise<Map<string, ConversationAggregate>> {
  let m0 = monthOf(q.fromDay);
  if (m0 < q.fromDay) m0 = nextMonth(m0);
  let m1 = m0;
  while (g !== 'day' && nextMonth(m1) <= q.toDay) m1 = nextMonth(m1);
  const out = new Map<string, ConversationAggregate>();
  const parts: [RollupTable, number, number][] = m1 > m0 ? [['report_days', q.fromDay, m0], ['report_months', m0, m1], ['report_days', m1, q.toDay]] : [['report_days', q.fromDay, q.toDay]];
  await Promise.all(parts.filter(([, a, b]) => b > a).map(([table, a, b]) => readCells(db, table, { ...q, fromDay: a, toDay: b }, g, percentiles, out)));
  for (const [k, a] of out) if (a.counts.created === 0) out.delete(k); // cells emptied by moves
  return out;
}

function aggregateOf(out: Map<string, ConversationAggregate>, k: string, percentiles: boolean): ConversationAggregate {
  let a = out.get(k);
  if (!a) {
    a = emptyAggregate();
    for (const m of DURATION_MEASURES) {
      delete a.durations[m].values;
      if (percentiles) a.durations[m].hist = new Map();
    }
    out.set(k, a);
  }
  return a;
}

async function readCells(db: Db, table: RollupTable, q: RollupQuery, g: RollupGroup, percentiles: boolean, out: Map<string, ConversationAggregate>): Promise<void> {
  const parts = [sql`day >= ${q.fromDay}`, sql`day < ${q.toDay}`];
  if (q.queueIds) parts.push(q.queueIds.length ? sql`queue_id in (${list(q.queueIds)})` : sql`1 = 0`);
  if (q.agentIds?.length) parts.push(sql`agent_id in (${list(q.agentIds)})`);
  if (q.channel) parts.push(sql`channel = ${q.channel}`);
  if (q.inboxIds?.length) parts.push(sql`inbox_id in (${list(q.inboxIds)})`);
  const where = sql.join(parts, sql` and `);
  const key = sql.raw(GROUP_COLUMN[g]);
  const keyOf = (v: unknown) => (g === 'channel' ? String(v) : Number(v) === 0 && g !== 'all' && g !== 'day' ? 'none' : String(Number(v)));
  const [sums, hists] = await Promise.all([
    sql<Record<string, unknown>>`select ${key} as k, ${sql.join(SUM_COLUMNS.map((c) => sql`sum(${sql.ref(c)}) as ${sql.ref(c)}`))} from ${sql.table(table)} where ${where} ${g === 'all' ? sql`` : sql`group by ${key}`}`.execute(db),
    // Only the histograms cross per cell: the sums above are the database's work.
    percentiles ? sql<Record<string, unknown>>`select ${key} as k, ${sql.join(DURATION_MEASURES.map((m) => sql.ref(`${DURATION_COLUMN[m]}_hist`)))} from ${sql.table(table)} where ${where}`.execute(db) : null,
  ]);
  for (const r of sums.rows) {
    if (r.created == null) continue; // the sum of no rows
    const a = aggregateOf(out, keyOf(r.k), percentiles);
    for (const m of COUNT_MEASURES) a.counts[m] += Number(r[COUNT_COLUMN[m]]);
    for (const m of DURATION_MEASURES) {
      a.durations[m].count += Number(r[`${DURATION_COLUMN[m]}_n`]);
      a.durations[m].sum += Number(r[`${DURATION_COLUMN[m]}_sum`]);
    }
  }
  for (const r of hists?.rows ?? []) {
    const a = aggregateOf(out, keyOf(r.k), percentiles);
    for (const m of DURATION_MEASURES) parseHistogramInto(a.durations[m].hist!, r[`${DURATION_COLUMN[m]}_hist`] as string);
  }
}

/** The facts of a part of a day, aggregated here with their values (the edges of a range). */
export async function aggregateFactRows(db: Db, from: number, to: number, q: Omit<RollupQuery, 'fromDay' | 'toDay'>, g: RollupGroup): Promise<Map<string, ConversationAggregate>> {
  const out = new Map<string, ConversationAggregate>();
  if (to <= from) return out;
  let s = db.selectFrom('conversation_facts').selectAll().where('created_at', '>=', from).where('created_at', '<', to);
  if (q.queueIds) s = q.queueIds.length ? s.where('queue_id', 'in', q.queueIds) : s.where(sql<boolean>`1 = 0`);
  if (q.agentIds?.length) s = s.where('agent_id', 'in', q.agentIds);
  if (q.channel) s = s.where('channel', '=', q.channel);
  if (q.inboxIds?.length) s = s.where('inbox_id', 'in', q.inboxIds);
  for (const raw of await s.execute()) {
    const r = factRowOf(raw as unknown as Record<string, unknown>);
    const v = g === 'all' ? 0 : g === 'day' ? r.day : g === 'channel' ? r.channel : (r[GROUP_COLUMN[g] as 'queue_id'] ?? 0);
    const k = g === 'channel' || g === 'all' || g === 'day' ? String(v) : v === 0 ? 'none' : String(v);
    let a = out.get(k);
    if (!a) out.set(k, (a = emptyAggregate()));
    addConversation(a, factOfRow(r, r.conversation_id));
  }
  return out;
}

/** Merges per-group aggregates. */
export function mergeGroups(into: Map<string, ConversationAggregate>, from: Map<string, ConversationAggregate>): Map<string, ConversationAggregate> {
  for (const [k, a] of from) {
    const x = into.get(k);
    if (x) mergeAggregate(x, a);
    else into.set(k, a);
  }
  return into;
}

export { dayStart };
