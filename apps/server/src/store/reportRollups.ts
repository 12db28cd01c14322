import { sql, type Kysely, type RawBuilder } from 'kysely';
import {
  addConversation, COUNT_MEASURES, dayStart, DURATION_MEASURES, emptyAggregate, emptyDelta, factOfRow, formatHistogram, isEmptyDelta, localDay,
  mergeAggregate, mergeHistogram, monthOf, nextMonth, offsetStretches, parseHistogram, parseHistogramInto, rollupDeltas, rollupKeyOf, rollupKeyString,
  addFactTo, type ConversationAggregate, type CountMeasure, type DurationMeasure, type FactRow, type RollupDelta,
} from '@switchboard/core';
import type { Db, Tx } from './db.ts';
import { isPostgres } from './dialect.ts';
import { atCommit, cellShardOf } from './commitHooks.ts';

/**
 * The daily rollups (migration 019, core rollups.ts): kept in the transaction of every fact change,
 * rebuilt whole for a time zone, and read by reports for the whole local days of a range.
 */
const COUNT_COLUMN: Record<CountMeasure, string> = {
  created: 'created', resolved: 'resolved', abandoned: 'abandoned', callback: 'callback', reopened: 'reopened', linked: 'linked',
  offersDeclined: 'offers_declined', offersTimedOut: 'offers_timed_out', repliesDue: 'replies_due', repliesBreached: 'replies_breached',
};
export const DURATION_COLUMN: Record<DurationMeasure, string> = { firstResponse: 'first_response', resolution: 'resolution', handle: 'handle', wrapUp: 'wrap_up', wait: 'wait' };
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

/** The key columns of one cell and their values (the table's primary key, in order). */
export type CellKey = [string, number | string][];
export type CellTable = 'report_days' | 'report_months' | 'report_dim_days' | 'report_dim_months';
type RollupTable = 'report_days' | 'report_months';
type SavedCell = { table: CellTable; key: CellKey; d: RollupDelta };

function dayCellKey(table: RollupTable, k: RollupDelta['key']): CellKey {
  return [['day', table === 'report_months' ? monthOf(k.day) : k.day], ['queue_id', k.queueId], ['agent_id', k.agentId], ['channel', k.channel], ['inbox_id', k.inboxId]];
}
const keyWhere = (key: CellKey) => sql.join(key.map(([c, v]) => sql`${sql.ref(c)} = ${v}`), sql` and `);

/**
 * Moves one cell of the rollups: counts and sums added in one upsert (atomic on both engines), and
 * when a duration moved, its histogram read back from that upsert — the row is then locked by this
 * transaction until it commits — and written with the change.
 */
export async function upsertCell(tx: Kysely<any>, table: CellTable, key: CellKey, d: RollupDelta): Promise<void> {
  const moved = DURATION_MEASURES.filter((m) => d.durations[m].hist.size > 0);
  const cols = [...key.map(([c]) => c), ...SUM_COLUMNS];
  const values = [...key.map(([, v]) => v), ...sumValues(d)];
  const returning = moved.length ? sql` returning ${sql.join(moved.map((m) => sql.ref(`${DURATION_COLUMN[m]}_hist`)))}` : sql``;
  const r = await sql<Record<string, string>>`
    insert into ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))}) values (${sql.join(values.map((v) => sql`${v}`))})
    on conflict (${sql.join(key.map(([c]) => sql.ref(c)))}) do update set
      ${sql.join(SUM_COLUMNS.map((c) => sql`${sql.ref(c)} = ${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`))}
    ${returning}`.execute(tx);
  if (!moved.length) return;
  const row = r.rows[0] ?? {};
  const set = moved.map((m) => {
    const h = parseHistogram(row[`${DURATION_COLUMN[m]}_hist`]);
    mergeHistogram(h, d.durations[m].hist);
    return sql`${sql.ref(`${DURATION_COLUMN[m]}_hist`)} = ${formatHistogram(h)}`;
  });
  await sql`update ${sql.table(table)} set ${sql.join(set)} where ${keyWhere(key)}`.execute(tx);
}

const savedCells = (tx: Tx) => atCommit(tx, 'rollups', () => new Map<string, SavedCell>(), (q) => writeCells(tx, q));

/**
 * The one write path of every rollup cell (day and month, per queue/agent/channel/inbox and per
 * dimension): a move is saved for the end of its transaction (commitHooks.ts). Every change of a
 * queue's day moves the same few cells, and an upsert locks its cell until commit on PostgreSQL,
 * so made early it would make every other transaction of that queue wait for the rest of this one.
 * At the end the moves are merged per cell and written in key order (two transactions never wait
 * on each other in opposite orders) into the transaction's shard of each cell (concurrent ones
 * hold different shards, so they do not wait at all); a cell whose moves cancel out is not written.
 */
export async function moveCells(tx: Tx, cells: SavedCell[]): Promise<void> {
  if (!cells.length) return;
  const queued = savedCells(tx);
  if (!queued) {
    for (const c of cells) await upsertCell(tx as Kysely<any>, c.table, [...c.key, ['shard', cellShardOf(tx)]], c.d);
    return;
  }
  for (const c of cells) {
    const k = `${c.table}|${JSON.stringify(c.key)}`;
    let into = queued.get(k);
    // A copy: one delta is often moved into several cells (both tables, every dimension).
    if (!into) queued.set(k, (into = { table: c.table, key: c.key, d: emptyDelta(c.d.key) }));
    mergeDelta(into.d, c.d);
  }
}

/**
 * Drops this transaction's saved moves of some cells (all by default): a rebuild in it has just
 * written every cell from the facts, or a deleted tag's cells are gone and must stay gone.
 */
export function dropSavedCellMoves(tx: Tx, which: (c: SavedCell) => boolean = () => true): void {
  const queued = savedCells(tx);
  for (const [k, c] of queued ?? []) if (which(c)) queued!.delete(k);
}

function mergeDelta(into: RollupDelta, d: RollupDelta): void {
  for (const m of COUNT_MEASURES) into.counts[m] += d.counts[m];
  for (const m of DURATION_MEASURES) {
    into.durations[m].n += d.durations[m].n;
    into.durations[m].sum += d.durations[m].sum;
    mergeHistogram(into.durations[m].hist, d.durations[m].hist);
  }
}

/** Writes the saved moves, each into this transaction's shard of its cell (migration 027; reads sum the shards). */
async function writeCells(tx: Tx, q: Map<string, SavedCell>): Promise<void> {
  const shard = cellShardOf(tx);
  for (const [, c] of [...q].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!isEmptyDelta(c.d)) await upsertCell(tx as Kysely<any>, c.table, [...c.key, ['shard', shard]], c.d);
  }
}

/** Offer answers counted on conversations, one delta per conversation's cell with that count. */
export function answerDelta(key: RollupDelta['key'], column: 'offers_declined' | 'offers_timed_out', n = 1): RollupDelta {
  const d = emptyDelta(key);
  d.counts[column === 'offers_declined' ? 'offersDeclined' : 'offersTimedOut'] = n;
  return d;
}

const dayCells = (d: RollupDelta) => (['report_days', 'report_months'] as const).map((table) => ({ table, key: dayCellKey(table, d.key), d }));

/** A fact changed (before null: created; after null: deleted): its contribution moves between cells. */
export async function moveRollups(tx: Tx, before: FactRow | null, after: FactRow | null): Promise<void> {
  await moveCells(tx, rollupDeltas(before, after).flatMap(dayCells));
}

/** Offer answers counted on conversations' facts are counted in their cells too. */
export async function countInRollups(tx: Tx, conversationIds: number[], column: 'offers_declined' | 'offers_timed_out'): Promise<void> {
  const facts = await tx.selectFrom('conversation_facts').select(['day', 'queue_id', 'agent_id', 'channel', 'inbox_id']).where('conversation_id', 'in', conversationIds).execute();
  await moveCells(tx, facts.flatMap((f) => dayCells(answerDelta({ day: f.day, queueId: f.queue_id ?? 0, agentId: f.agent_id ?? 0, channel: f.channel, inboxId: f.inbox_id ?? 0 }, column))));
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

/** Sets the rollups' time zone in place (writers that read it FOR SHARE wait for the rebuild). */
export async function setRollupTimeZone(db: Kysely<any>, tz: string): Promise<void> {
  const r = await db.updateTable('report_rollup_state').set({ time_zone: tz }).where('id', '=', 1).executeTakeFirst();
  if (!Number(r.numUpdatedRows)) await db.insertInto('report_rollup_state').values({ id: 1, time_zone: tz }).execute();
}

/** The span of the facts' arrivals, null when there are none. */
export async function factSpan(db: Kysely<any>): Promise<{ lo: number; hi: number } | null> {
  const span = await sql<{ lo: number | null; hi: number | null }>`select min(created_at) as lo, max(created_at) as hi from conversation_facts`.execute(db);
  const lo = asNumber(span.rows[0]?.lo), hi = asNumber(span.rows[0]?.hi);
  return lo == null || hi == null ? null : { lo, hi };
}

/**
 * Rebuilds the daily and monthly rollups for a time zone: the facts' local days (one UPDATE over a
 * CASE of the zone's offsets), then the cells from the facts read a week at a time (a day's cells
 * are written once no later fact can belong to it). Migration 019 (before the dimension rollups
 * existed) calls it alone; everything else calls rebuildRollups (reportRebuild.ts).
 */
export async function rebuildDayRollups(db: Kysely<any>, tz: string, log?: (s: string) => void): Promise<void> {
  await setRollupTimeZone(db, tz);
  await sql`delete from report_days`.execute(db);
  await sql`delete from report_months`.execute(db);
  const span = await factSpan(db);
  if (!span) return;
  await sql.raw(`update conversation_facts set day = ${localDaySql('created_at', span.lo, span.hi, tz)}`).execute(db);
  log?.('  facts have their local days');
  await buildCells(db, span.lo, span.hi, tz);
}

/** Writes the cells of the facts created in [lo, hi] (their `day` already set), none there before. */
export async function buildCells(db: Kysely<any>, lo: number, hi: number, tz: string): Promise<void> {
  const WEEK = 7 * DAY_MS;
  let cells = new Map<string, RollupDelta>();
  const months = new Map<string, RollupDelta>();
  const write = (table: RollupTable, ds: RollupDelta[]) => insertCells(db, table, ds.map((d) => ({ key: dayCellKey(table, d.key), d })));
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

/** Writes new cells, 200 rows a statement. */
export async function insertCells(db: Kysely<any>, table: CellTable, cells: { key: CellKey; d: RollupDelta }[]): Promise<void> {
  for (let i = 0; i < cells.length; i += 200) {
    await db.insertInto(table).values(cells.slice(i, i + 200).map(({ key, d }) => {
      const row: Record<string, unknown> = Object.fromEntries(key);
      const sums = sumValues(d);
      SUM_COLUMNS.forEach((c, j) => (row[c] = sums[j]));
      for (const m of DURATION_MEASURES) row[`${DURATION_COLUMN[m]}_hist`] = formatHistogram(d.durations[m].hist);
      return row;
    })).execute();
  }
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

/** How a read of cells groups: the key column ('0': one group), and how its value is named. */
export interface CellGroup { column: string; name: (v: unknown) => string; byDay: boolean }

function groupOf(g: RollupGroup): CellGroup {
  const name = (v: unknown) => (g === 'channel' ? String(v) : Number(v) === 0 && g !== 'all' && g !== 'day' ? 'none' : String(Number(v)));
  return { column: GROUP_COLUMN[g], name, byDay: g === 'day' };
}

/**
 * Aggregates of whole local days from the rollups, per group ("none" for a 0 key): the whole
 * months of the range from the monthly cells, the days around them from the daily ones (the
 * series, grouped by day, reads days only). Counts and sums are summed in SQL; with percentiles,
 * the histograms of the cells are merged here (percentiles of days do not add up; buckets do).
 */
export async function aggregateRollups(db: Db, q: RollupQuery, g: RollupGroup, percentiles: boolean): Promise<Map<string, ConversationAggregate>> {
  const parts: RawBuilder<unknown>[] = [];
  if (q.queueIds) parts.push(q.queueIds.length ? sql`queue_id in (${list(q.queueIds)})` : sql`1 = 0`);
  if (q.agentIds?.length) parts.push(sql`agent_id in (${list(q.agentIds)})`);
  if (q.channel) parts.push(sql`channel = ${q.channel}`);
  if (q.inboxIds?.length) parts.push(sql`inbox_id in (${list(q.inboxIds)})`);
  return aggregateCells(db, ['report_days', 'report_months'], q.fromDay, q.toDay, parts, groupOf(g), percentiles);
}

/** Whole days [fromDay, toDay) of a pair of day and month tables, narrowed by `where`. */
export async function aggregateCells(
  db: Db, [days, months]: [CellTable, CellTable], fromDay: number, toDay: number, where: RawBuilder<unknown>[], g: CellGroup, percentiles: boolean,
): Promise<Map<string, ConversationAggregate>> {
  let m0 = monthOf(fromDay);
  if (m0 < fromDay) m0 = nextMonth(m0);
  let m1 = m0;
  while (!g.byDay && nextMonth(m1) <= toDay) m1 = nextMonth(m1);
  const out = new Map<string, ConversationAggregate>();
  const parts: [CellTable, number, number][] = m1 > m0 ? [[days, fromDay, m0], [months, m0, m1], [days, m1, toDay]] : [[days, fromDay, toDay]];
  await Promise.all(parts.filter(([, a, b]) => b > a).map(([table, a, b]) => readCells(db, table, [sql`day >= ${a}`, sql`day < ${b}`, ...where], g, percentiles, out)));
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

async function readCells(db: Db, table: CellTable, parts: RawBuilder<unknown>[], g: CellGroup, percentiles: boolean, out: Map<string, ConversationAggregate>): Promise<void> {
  const where = sql.join(parts, sql` and `);
  const key = sql.raw(g.column);
  const groupBy = g.column === '0' ? sql`` : sql`group by ${key}`;
  const [sums, hists] = await Promise.all([
    sql<Record<string, unknown>>`select ${key} as k, ${sql.join(SUM_COLUMNS.map((c) => sql`sum(${sql.ref(c)}) as ${sql.ref(c)}`))} from ${sql.table(table)} where ${where} ${groupBy}`.execute(db),
    // The histograms of a group's cells cross as one text each ("b:n" pairs joined, parsed once):
    // a year's series has tens of thousands of cells, and a row object apiece cost more than the SQL.
    percentiles ? sql<Record<string, unknown>>`select ${key} as k, ${sql.join(DURATION_MEASURES.map((m) => sql`${joinedTexts(db, sql.ref(`${DURATION_COLUMN[m]}_hist`))} as ${sql.ref(`${DURATION_COLUMN[m]}_hist`)}`))} from ${sql.table(table)} where ${where} ${groupBy}`.execute(db) : null,
  ]);
  for (const r of sums.rows) {
    if (r.created == null) continue; // the sum of no rows
    const a = aggregateOf(out, g.name(r.k), percentiles);
    for (const m of COUNT_MEASURES) a.counts[m] += Number(r[COUNT_COLUMN[m]]);
    for (const m of DURATION_MEASURES) {
      a.durations[m].count += Number(r[`${DURATION_COLUMN[m]}_n`]);
      a.durations[m].sum += Number(r[`${DURATION_COLUMN[m]}_sum`]);
    }
  }
  for (const r of hists?.rows ?? []) {
    const a = aggregateOf(out, g.name(r.k), percentiles);
    for (const m of DURATION_MEASURES) parseHistogramInto(a.durations[m].hist!, r[`${DURATION_COLUMN[m]}_hist`] as string);
  }
}

/** The non-empty texts of a column joined by commas (NULL when there are none), on either engine. */
function joinedTexts(db: Db, column: RawBuilder<unknown>): RawBuilder<unknown> {
  return isPostgres(db) ? sql`string_agg(nullif(${column}, ''), ',')` : sql`group_concat(nullif(${column}, ''), ',')`;
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
