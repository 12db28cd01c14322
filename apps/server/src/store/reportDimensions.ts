import { sql, type Kysely, type RawBuilder } from 'kysely';
import {
  addConversation, addFactTo, emptyAggregate, emptyDelta, factOfRow, localDay, monthOf, queueCellDeltas, queueCellOf, rollupKeyOf, rollupKeyString,
  type ConversationAggregate, type FactRow, type RollupDelta,
} from '@switchboard/core';
import type { Db, Tx } from './db.ts';
import { isPostgres } from './dialect.ts';
import {
  aggregateCells, answerDelta, dropSavedCellMoves, factRowOf, factSpan, insertCells, moveCells, type CellGroup, type CellKey,
} from './reportRollups.ts';

/**
 * Rollups per dimension (migration 025): per local day (and month) × queue, the figures of the
 * conversations of each conversation tag, label and customer tag, and of all of them ("all", 0) —
 * so a year's tag table, or a series with its medians, reads a few thousand cells, not the facts.
 * Moved in the transaction of every change that moves them: a fact changing (its queue, its
 * figures), a tag or label put on or taken off a conversation, a customer tag on or off the
 * customer (all of the customer's conversations move), a customer unpinned (the conversation
 * leaves the customer's tags), a tag or label deleted (its cells go).
 */
export type DimensionKind = 'all' | 'tag' | 'label' | 'customerTag';
export interface Dimension { dim: DimensionKind; id: number }
type DimTable = 'report_dim_days' | 'report_dim_months';
const TABLES: DimTable[] = ['report_dim_days', 'report_dim_months'];
const dimKey = (x: Dimension) => `${x.dim}|${x.id}`;
const list = (xs: number[]) => sql.join(xs.map((x) => sql`${x}`));

function cellKey(table: DimTable, x: Dimension, d: RollupDelta): CellKey {
  return [['dim', x.dim], ['dim_id', x.id], ['day', table === 'report_dim_months' ? monthOf(d.key.day) : d.key.day], ['queue_id', d.key.queueId]];
}

/** Deltas moved into one dimension's day and month cells (saved for the commit, reportRollups.ts moveCells). */
async function apply(tx: Tx, x: Dimension, ds: RollupDelta[]): Promise<void> {
  await moveCells(tx, ds.flatMap((d) => TABLES.map((table) => ({ table, key: cellKey(table, x, d), d }))));
}

/** The dimensions a conversation counts in: all, its tags and labels, and its customer's tags. */
export async function dimensionsOf(tx: Tx | Db, conversationId: number, contactId: number | null): Promise<Dimension[]> {
  const rows = await sql<{ dim: DimensionKind; id: number }>`
    select 'tag' as dim, tag_id as id from conversation_tags where conversation_id = ${conversationId}
    union all select 'label' as dim, label_id as id from conversation_labels where conversation_id = ${conversationId}
    ${contactId == null ? sql`` : sql`union all select 'customerTag' as dim, tag_id as id from contact_tags where contact_id = ${contactId}`}`.execute(tx);
  return [{ dim: 'all', id: 0 }, ...rows.rows.map((r) => ({ dim: r.dim, id: Number(r.id) }))];
}

/**
 * A fact changed (before null: created; after null: deleted): its contribution moves in every
 * dimension it counts in — out of the dimensions of its customer before, into those of its
 * customer after (the same unless the customer was unpinned). In one order, so two transactions
 * lock the cells alike.
 */
export async function moveDimensionRollups(tx: Tx, conversationId: number, before: FactRow | null, after: FactRow | null): Promise<void> {
  const b = before ? await dimensionsOf(tx, conversationId, before.contact_id) : [];
  const a = !after ? [] : before && before.contact_id === after.contact_id ? b : await dimensionsOf(tx, conversationId, after.contact_id);
  const inB = new Set(b.map(dimKey)), inA = new Set(a.map(dimKey));
  const all = new Map([...b, ...a].map((x) => [dimKey(x), x]));
  for (const [k, x] of [...all].sort((p, q) => (p[0] < q[0] ? -1 : 1))) {
    await apply(tx, x, queueCellDeltas(inB.has(k) ? before : null, inA.has(k) ? after : null));
  }
}

async function factOf(tx: Tx, conversationId: number): Promise<FactRow | null> {
  const r = await tx.selectFrom('conversation_facts').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
  return r ? factRowOf(r as unknown as Record<string, unknown>) : null;
}

/** Tags or labels put on (sign 1) or taken off (−1) a conversation: its figures enter or leave them. */
export async function moveConversationInDimensions(tx: Tx, conversationId: number, xs: Dimension[], sign: 1 | -1): Promise<void> {
  if (!xs.length) return;
  const f = await factOf(tx, conversationId);
  if (!f) return;
  for (const x of [...xs].sort((p, q) => (dimKey(p) < dimKey(q) ? -1 : 1))) await apply(tx, x, queueCellDeltas(sign > 0 ? null : f, sign > 0 ? f : null));
}

/** A customer tag put on (1) or taken off (−1) a customer: all of the customer's conversations move. */
export async function moveCustomerInTag(tx: Tx, contactId: number, tagId: number, sign: 1 | -1): Promise<void> {
  const rows = await tx.selectFrom('conversation_facts').selectAll().where('contact_id', '=', contactId).execute();
  const cells = new Map<string, RollupDelta>();
  for (const raw of rows) {
    const f = queueCellOf(factRowOf(raw as unknown as Record<string, unknown>));
    const s = rollupKeyString(rollupKeyOf(f));
    if (!cells.has(s)) cells.set(s, emptyDelta(rollupKeyOf(f)));
    addFactTo(cells.get(s)!, f, sign);
  }
  await apply(tx, { dim: 'customerTag', id: tagId }, [...cells].sort((p, q) => (p[0] < q[0] ? -1 : 1)).map(([, d]) => d));
}

/** A deleted tag or label: its cells go with it. */
export async function forgetDimension(tx: Tx, dims: DimensionKind[], id: number): Promise<void> {
  dropSavedCellMoves(tx, (c) => TABLES.includes(c.table as DimTable) && dims.includes(c.key[0]![1] as DimensionKind) && c.key[1]![1] === id);
  for (const table of TABLES) await tx.deleteFrom(table).where('dim', 'in', dims).where('dim_id', '=', id).execute();
}

/** Offer answers counted on conversations are counted in each of their dimensions' cells. */
export async function countInDimensions(tx: Tx, conversationIds: number[], column: 'offers_declined' | 'offers_timed_out'): Promise<void> {
  if (!conversationIds.length) return;
  const facts = await tx.selectFrom('conversation_facts').select(['conversation_id', 'day', 'queue_id']).where('conversation_id', 'in', conversationIds).execute();
  if (!facts.length) return;
  const ids = facts.map((f) => f.conversation_id);
  // Every conversation is in "all"; then its tags, labels and its customer's tags, in one read.
  const rows = await sql<{ cid: number; dim: DimensionKind; id: number }>`
    select conversation_id as cid, 'tag' as dim, tag_id as id from conversation_tags where conversation_id in (${list(ids)})
    union all select conversation_id as cid, 'label' as dim, label_id as id from conversation_labels where conversation_id in (${list(ids)})
    union all select f.conversation_id as cid, 'customerTag' as dim, t.tag_id as id from conversation_facts f join contact_tags t on t.contact_id = f.contact_id
      where f.conversation_id in (${list(ids)})`.execute(tx);
  const dims = new Map<number, Dimension[]>(ids.map((id) => [Number(id), [{ dim: 'all', id: 0 }]]));
  for (const r of rows.rows) dims.get(Number(r.cid))?.push({ dim: r.dim, id: Number(r.id) });
  const cells = facts.flatMap((f) => {
    const d = answerDelta({ day: f.day, queueId: f.queue_id ?? 0, agentId: 0, channel: '', inboxId: 0 }, column);
    return dims.get(Number(f.conversation_id))!.flatMap((x) => TABLES.map((table) => ({ table, key: cellKey(table, x, d), d })));
  });
  await moveCells(tx, cells);
}

/**
 * The facts of [from, to) with one dimension each, as SQL. The facts of the range drive the join
 * (CROSS JOIN keeps SQLite to that order: led by a tag's index instead, one tag's year of
 * conversations is looked up to keep a day of them, 540 ms instead of 26 on the bench).
 */
function factsWith(dim: DimensionKind, from: number, to: number, queueIds: number[] | null, dimIds?: number[]): RawBuilder<Record<string, unknown>> {
  const join = {
    all: sql`, 0 as dim_id from conversation_facts f`,
    tag: sql`, g.tag_id as dim_id from conversation_facts f cross join conversation_tags g`,
    label: sql`, g.label_id as dim_id from conversation_facts f cross join conversation_labels g`,
    customerTag: sql`, g.tag_id as dim_id from conversation_facts f cross join contact_tags g`,
  }[dim];
  const parts: RawBuilder<unknown>[] = [sql`f.created_at >= ${from}`, sql`f.created_at < ${to}`];
  if (dim === 'customerTag') parts.push(sql`g.contact_id = f.contact_id`);
  else if (dim !== 'all') parts.push(sql`g.conversation_id = f.conversation_id`);
  if (queueIds) parts.push(queueIds.length ? sql`f.queue_id in (${list(queueIds)})` : sql`1 = 0`);
  if (dimIds?.length && dim !== 'all') parts.push(sql`${sql.raw(dim === 'label' ? 'g.label_id' : 'g.tag_id')} in (${list(dimIds)})`);
  return sql<Record<string, unknown>>`select f.* ${join} where ${sql.join(parts, sql` and `)}`;
}

/** Rebuilds the dimension cells from the facts (their local days already set), a week at a time. */
export async function rebuildDimensionRollups(db: Kysely<any>, tz: string): Promise<void> {
  for (const table of TABLES) await sql`delete from ${sql.table(table)}`.execute(db);
  const span = await factSpan(db);
  if (!span) return;
  const WEEK = 7 * 24 * 3600 * 1000;
  let days = new Map<string, { x: Dimension; d: RollupDelta }>();
  const months = new Map<string, { x: Dimension; d: RollupDelta }>();
  const add = (into: Map<string, { x: Dimension; d: RollupDelta }>, x: Dimension, f: FactRow) => {
    const s = `${dimKey(x)}|${rollupKeyString(rollupKeyOf(f))}`;
    let c = into.get(s);
    if (!c) into.set(s, (c = { x, d: emptyDelta(rollupKeyOf(f)) }));
    addFactTo(c.d, f, 1);
  };
  const write = (table: DimTable, cs: { x: Dimension; d: RollupDelta }[]) => insertCells(db, table, cs.map(({ x, d }) => ({ key: cellKey(table, x, d), d })));
  for (let t = span.lo; t <= span.hi; t += WEEK) {
    for (const dim of ['all', 'tag', 'label', 'customerTag'] as const) {
      for (const raw of (await factsWith(dim, t, t + WEEK, null).execute(db)).rows) {
        const f = queueCellOf(factRowOf(raw));
        const x = { dim, id: Number(raw.dim_id) };
        add(days, x, f);
        add(months, x, { ...f, day: monthOf(f.day) });
      }
    }
    const before = localDay(t + WEEK, tz) - 1; // no later fact falls on an earlier day
    await write('report_dim_days', [...days.values()].filter((c) => c.d.key.day < before));
    days = new Map([...days].filter(([, c]) => c.d.key.day >= before));
  }
  await write('report_dim_days', [...days.values()]);
  await write('report_dim_months', [...months.values()]);
}

/** What a dimension read asks: whole days, the viewer's queues, one dimension (some of its ids). */
export interface DimensionQuery { fromDay: number; toDay: number; queueIds: number[] | null; dim: DimensionKind; dimIds?: number[] }
export type DimensionGroup = 'dim' | 'queue' | 'day' | 'all';
const COLUMN: Record<DimensionGroup, string> = { dim: 'dim_id', queue: 'queue_id', day: 'day', all: '0' };
const nameOf = (g: DimensionGroup) => (v: unknown) => (g === 'queue' && Number(v) === 0 ? 'none' : String(Number(v)));

/** Aggregates of whole local days of one dimension, per group, from its cells. */
export async function aggregateDimension(db: Db, q: DimensionQuery, g: DimensionGroup, percentiles: boolean): Promise<Map<string, ConversationAggregate>> {
  const where: RawBuilder<unknown>[] = [sql`dim = ${q.dim}`];
  if (q.dimIds?.length) where.push(sql`dim_id in (${list(q.dimIds)})`);
  if (q.queueIds) where.push(q.queueIds.length ? sql`queue_id in (${list(q.queueIds)})` : sql`1 = 0`);
  const group: CellGroup = { column: COLUMN[g], name: nameOf(g), byDay: g === 'day' };
  return aggregateCells(db, ['report_dim_days', 'report_dim_months'], q.fromDay, q.toDay, where, group, percentiles);
}

/** The facts of a part of a day in one dimension, aggregated here with their values (a range's edges). */
export async function aggregateDimensionFacts(db: Db, from: number, to: number, q: Omit<DimensionQuery, 'fromDay' | 'toDay'>, g: DimensionGroup): Promise<Map<string, ConversationAggregate>> {
  const out = new Map<string, ConversationAggregate>();
  if (to <= from) return out;
  const name = nameOf(g);
  for (const raw of (await factsWith(q.dim, from, to, q.queueIds, q.dimIds).execute(db)).rows) {
    const r = factRowOf(raw);
    const k = g === 'all' ? '0' : g === 'dim' ? String(Number(raw.dim_id)) : g === 'day' ? String(r.day) : name(r.queue_id ?? 0);
    let a = out.get(k);
    if (!a) out.set(k, (a = emptyAggregate()));
    addConversation(a, factOfRow(r, Number(raw.conversation_id)));
  }
  return out;
}

/** The rollups' time zone, read so that a rebuild (which updates that row first) and this writer take turns on PostgreSQL. */
export async function lockRollups(tx: Tx): Promise<string> {
  const q = tx.selectFrom('report_rollup_state').select('time_zone').where('id', '=', 1);
  const r = await (isPostgres(tx) ? q.forShare() : q).executeTakeFirst();
  return r?.time_zone ?? 'UTC';
}
