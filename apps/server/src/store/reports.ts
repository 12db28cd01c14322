import { sql, type RawBuilder } from 'kysely';
import { COUNT_MEASURES, DURATION_MEASURES, emptyAggregate, type ConversationAggregate, type DurationMeasure } from '@switchboard/core';
import type { Db } from './db.ts';
import { isPostgres } from './dialect.ts';
import { aggregateFactRows, aggregateRollups, dayStart, mergeGroups, rollupTimeZone, type RollupGroup } from './reportRollups.ts';
import { localDay } from '@switchboard/core';
import { aggregateDimension, aggregateDimensionFacts, type DimensionGroup, type DimensionKind, type DimensionQuery } from './reportDimensions.ts';

/**
 * Reports' SQL over `conversation_facts`: counts, sums and the median and 90th percentile (the
 * core's definition: SQLite's built-in `percentile_disc`, an array index on PostgreSQL)
 * per group in one statement, so a table costs one scan of the range whatever its size and never
 * reads messages or events.
 */
export interface FactFilter {
  from: number;
  to: number;
  /** null: every queue (administrators); otherwise only these (a supervisor's, or chosen). */
  queueIds: number[] | null;
  agentIds?: number[];
  channel?: string;
  inboxIds?: number[];
  tagIds?: number[];
  labelIds?: number[];
  customerTagIds?: number[];
  /** The time zone local days are in: when the rollups are in it, whole days are read from them. */
  tz?: string;
}

export type FactGroup = 'queue' | 'agent' | 'channel' | 'inbox' | 'tag' | 'label' | 'customerTag' | 'period' | 'day' | 'all';

/**
 * The index of the period a fact arrived in, as SQL: a balanced tree of CASEs over the periods'
 * start instants (a year of days is 9 comparisons a row, and no time zone in the database).
 */
export function periodKeySql(starts: readonly { start: number }[], lo = 0, hi = starts.length - 1): string {
  if (lo >= hi) return String(lo);
  const mid = (lo + hi + 1) >> 1;
  return `case when f.created_at < ${starts[mid]!.start} then ${periodKeySql(starts, lo, mid - 1)} else ${periodKeySql(starts, mid, hi)} end`;
}

const COLUMN: Record<DurationMeasure, string> = { firstResponse: 'first_response', resolution: 'resolution', handle: 'handle', wrapUp: 'wrap_up', wait: 'wait' };
const list = (xs: number[]) => sql.join(xs.map((x) => sql`${x}`));

function where(f: FactFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`f.created_at >= ${f.from}`, sql`f.created_at < ${f.to}`];
  if (f.queueIds) parts.push(f.queueIds.length ? sql`f.queue_id in (${list(f.queueIds)})` : sql`1 = 0`);
  if (f.agentIds?.length) parts.push(sql`f.agent_id in (${list(f.agentIds)})`);
  if (f.channel) parts.push(sql`f.channel = ${f.channel}`);
  if (f.inboxIds?.length) parts.push(sql`f.inbox_id in (${list(f.inboxIds)})`);
  if (f.tagIds?.length) parts.push(sql`exists (select 1 from conversation_tags x where x.conversation_id = f.conversation_id and x.tag_id in (${list(f.tagIds)}))`);
  if (f.labelIds?.length) parts.push(sql`exists (select 1 from conversation_labels x where x.conversation_id = f.conversation_id and x.label_id in (${list(f.labelIds)}))`);
  if (f.customerTagIds?.length) parts.push(sql`exists (select 1 from contact_tags x where x.contact_id = f.contact_id and x.tag_id in (${list(f.customerTagIds)}))`);
  return sql.join(parts, sql` and `);
}

/** The group key and the join it needs. */
function grouping(g: FactGroup): { key: RawBuilder<unknown>; join: RawBuilder<unknown>; none?: true } {
  switch (g) {
    case 'queue': return { key: sql`f.queue_id`, join: sql`` };
    case 'agent': return { key: sql`f.agent_id`, join: sql`` };
    case 'channel': return { key: sql`f.channel`, join: sql`` };
    case 'inbox': return { key: sql`f.inbox_id`, join: sql`` };
    case 'tag': return { key: sql`g.tag_id`, join: sql`join conversation_tags g on g.conversation_id = f.conversation_id` };
    case 'label': return { key: sql`g.label_id`, join: sql`join conversation_labels g on g.conversation_id = f.conversation_id` };
    // Unpinned conversations have no customer (contact_id null), so they leave the customer's figures.
    case 'customerTag': return { key: sql`g.tag_id`, join: sql`join contact_tags g on g.contact_id = f.contact_id` };
    case 'period': throw new Error('a period group needs its periods (opts.periodKey)');
    case 'day': return { key: sql`f.day`, join: sql`` };
    case 'all': return { key: sql`0`, join: sql``, none: true };
  }
}

const num = (v: unknown) => (v == null ? 0 : Number(v));

const ROLLUP_GROUPS = new Set<FactGroup>(['queue', 'agent', 'channel', 'inbox', 'day', 'all']);
const DIMENSION_GROUPS = new Set<FactGroup>(['tag', 'label', 'customerTag']);

/**
 * Which dimension rollup answers a read, if one does: a tag, label or customer-tag table (no other
 * dimension narrowing), or everything / per queue / per day narrowed by at most one tag, label or
 * customer tag ("all" when none). Agent, channel and inbox are not in those cells.
 */
function dimensionRead(f: FactFilter, g: FactGroup): { q: Omit<DimensionQuery, 'fromDay' | 'toDay'>; g: DimensionGroup } | null {
  if (f.agentIds?.length || f.channel || f.inboxIds?.length) return null;
  const narrowing = (
    [['tag', f.tagIds], ['label', f.labelIds], ['customerTag', f.customerTagIds]] as const
  ).filter(([, ids]) => ids?.length);
  if (DIMENSION_GROUPS.has(g)) return narrowing.length ? null : { q: { queueIds: f.queueIds, dim: g as DimensionKind }, g: 'dim' };
  if (g !== 'all' && g !== 'queue' && g !== 'day') return null;
  if (!narrowing.length) return { q: { queueIds: f.queueIds, dim: 'all' }, g };
  const [[dim, ids]] = narrowing as [readonly [DimensionKind, number[]]];
  // Two ids mean "either": a conversation in both would be counted twice by summing cells.
  return narrowing.length === 1 && ids.length === 1 ? { q: { queueIds: f.queueIds, dim, dimIds: ids }, g } : null;
}

/**
 * A range's whole local days from the rollups and its partial days at either end from the facts,
 * when the rollups are in the asked time zone: the dimension rollups (per tag, label, customer
 * tag or all, by day and queue) when they hold the answer, else the day rollups when no tag,
 * label or customer tag narrows. Null when the range holds no whole day (the facts alone answer
 * it, percentiles exact) or no rollup can: the facts answer, by their indexes.
 */
export async function fromRollups(db: Db, f: FactFilter, g: FactGroup, percentiles: boolean): Promise<Map<string, ConversationAggregate> | null> {
  if (!f.tz) return null;
  const dimensional = dimensionRead(f, g);
  if (!dimensional && (!ROLLUP_GROUPS.has(g) || f.tagIds?.length || f.labelIds?.length || f.customerTagIds?.length)) return null;
  const tz = await rollupTimeZone(db);
  if (tz !== f.tz) return null;
  let d0 = localDay(f.from, tz);
  if (dayStart(d0, tz) < f.from) d0++;
  const d1 = localDay(f.to, tz);
  if (d0 >= d1) return null;
  const [from, to] = [dayStart(d0, tz), dayStart(d1, tz)];
  if (dimensional) {
    const { q, g: dg } = dimensional;
    const [head, days, tail] = await Promise.all([
      aggregateDimensionFacts(db, f.from, from, q, dg),
      aggregateDimension(db, { ...q, fromDay: d0, toDay: d1 }, dg, percentiles),
      aggregateDimensionFacts(db, to, f.to, q, dg),
    ]);
    return mergeGroups(mergeGroups(head, tail), days);
  }
  const q = { queueIds: f.queueIds, agentIds: f.agentIds, channel: f.channel, inboxIds: f.inboxIds };
  const group = g as RollupGroup;
  const [head, days, tail] = await Promise.all([
    aggregateFactRows(db, f.from, from, q, group),
    aggregateRollups(db, { ...q, fromDay: d0, toDay: d1 }, group, percentiles),
    aggregateFactRows(db, to, f.to, q, group),
  ]);
  return mergeGroups(mergeGroups(head, tail), days);
}

/** Aggregates per group key (as a string; "none" for a null key). */
export async function aggregateFacts(db: Db, f: FactFilter, g: FactGroup, opts: { percentiles?: boolean; periodKey?: string } = {}): Promise<Map<string, ConversationAggregate>> {
  const rolled = g === 'period' ? null : await fromRollups(db, f, g, !!opts.percentiles);
  if (rolled) return rolled;
  const pg = isPostgres(db);
  // The core's percentile: the value at floor(p × (n − 1)) in order (SQLite's percentile_disc).
  const pct = (v: RawBuilder<unknown>, p: number) =>
    pg ? sql`(array_agg(${v} order by ${v}) filter (where ${v} is not null))[floor(${sql.lit(p)} * (count(${v}) - 1))::int + 1]` : sql`percentile_disc(${v}, ${sql.lit(p)})`;
  // One period is one group: its key a literal, which GROUP BY would read as a column position.
  const period = (k: string) => (/^\d+$/.test(k) ? { key: sql.raw(k), join: sql``, none: true as const } : { key: sql.raw(`(${k})`), join: sql`` });
  const { key, join, none } = g === 'period' ? period(opts.periodKey ?? '0') : grouping(g);
  // One group of everything: no GROUP BY (a literal there would name a column position).
  const by = (...more: RawBuilder<unknown>[]) => { const xs = none ? more : [key, ...more]; return xs.length ? sql`group by ${sql.join(xs)}` : sql``; };
  const durations = DURATION_MEASURES.flatMap((m) => {
    const c = COLUMN[m];
    // A resolution counts only while the conversation stays resolved (the core's rule).
    const v = m === 'resolution' ? sql.raw(`case when f.resolved = 1 then f.${c}_ms end`) : sql.raw(`f.${c}_ms`);
    const base = [sql`count(${v}) as ${sql.raw(`${c}_n`)}`, sql`sum(${v}) as ${sql.raw(`${c}_sum`)}`];
    return opts.percentiles ? [...base, sql`${pct(v, 0.5)} as ${sql.raw(`${c}_p50`)}`, sql`${pct(v, 0.9)} as ${sql.raw(`${c}_p90`)}`] : base;
  });
  const rows = await sql<Record<string, unknown>>`
    select ${key} as k, count(*) as created, sum(f.resolved) as resolved, sum(f.abandoned) as abandoned, sum(f.callback) as callback,
      sum(f.reopened) as reopened, sum(f.linked) as linked, sum(f.offers_declined) as offers_declined, sum(f.offers_timed_out) as offers_timed_out,
      sum(f.replies_due) as replies_due, sum(f.replies_breached) as replies_breached, ${sql.join(durations)}
    from conversation_facts f ${join}
    where ${where(f)}
    ${by()}`.execute(db);
  const out = new Map<string, ConversationAggregate>();
  for (const r of rows.rows) {
    const a = emptyAggregate();
    const snake: Record<string, string> = { offersDeclined: 'offers_declined', offersTimedOut: 'offers_timed_out', repliesDue: 'replies_due', repliesBreached: 'replies_breached' };
    for (const m of COUNT_MEASURES) a.counts[m] = num(r[snake[m] ?? m]);
    for (const m of DURATION_MEASURES) {
      a.durations[m].count = num(r[`${COLUMN[m]}_n`]);
      a.durations[m].sum = num(r[`${COLUMN[m]}_sum`]);
      delete a.durations[m].values; // the database has them
      if (opts.percentiles) {
        const p50 = r[`${COLUMN[m]}_p50`], p90 = r[`${COLUMN[m]}_p90`];
        a.durations[m].median = p50 == null ? null : Number(p50);
        a.durations[m].p90 = p90 == null ? null : Number(p90);
      }
    }
    if (none && a.counts.created === 0) continue; // no rows at all: the aggregate of nothing
    out.set(r.k == null ? 'none' : String(r.k), a);
  }
  return out;
}

export interface RequestRow { type: 'assign' | 'discuss'; status: string; requestedAt: number; answeredAt: number | null; resolved: number | null }

/** Assign and discuss requests sent in the range, of the filtered queues (their records, seed 000). */
export async function requestsIn(db: Db, f: Pick<FactFilter, 'from' | 'to' | 'queueIds'>): Promise<RequestRow[]> {
  let q = db.selectFrom('engagement_requests').select(['type', 'status', 'requested_at', 'answered_at', 'resolved']).where('requested_at', '>=', f.from).where('requested_at', '<', f.to);
  if (f.queueIds) q = f.queueIds.length ? q.where('queue_id', 'in', f.queueIds) : q.where(sql<boolean>`1 = 0`);
  const rows = await q.execute();
  return rows.map((r) => ({ type: r.type as 'assign' | 'discuss', status: r.status, requestedAt: Number(r.requested_at), answeredAt: r.answered_at == null ? null : Number(r.answered_at), resolved: r.resolved }));
}

/** Status intervals of some agents overlapping [from, to). */
export async function statusIntervals(db: Db, userIds: number[] | null, from: number, to: number) {
  let q = db.selectFrom('agent_status_intervals').select(['user_id', 'status', 'started_at', 'ended_at']).where('started_at', '<', to).where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', from)]));
  if (userIds) q = userIds.length ? q.where('user_id', 'in', userIds) : q.where(sql<boolean>`1 = 0`);
  const rows = await q.execute();
  return rows.map((r) => ({ userId: r.user_id, status: r.status, startedAt: Number(r.started_at), endedAt: r.ended_at == null ? null : Number(r.ended_at) }));
}
