import {
  agentStatusTime, canViewReports, dayOfKey, emptyAggregate, figuresOf, isTimeZone, mergeAggregate, occupancy, periodIndex, periodStarts,
  previousPeriod, requestFigures, startOfLocalDay, type Viewer,
} from '@switchboard/core';
import type { AgentReport, LiveView, ReportDimension, ReportOverview, ReportQuery, ReportSeries, ReportTable } from '@switchboard/protocol';
import type { Db } from '../store/db.ts';
import { aggregateFacts, fromRollups, periodKeySql, requestsIn, statusIntervals, type FactFilter } from '../store/reports.ts';
import { agentPresences } from '../routing/engine.ts';
import { queueCounts } from '../routing/counts.ts';
import { AppError, forbidden } from '../errors.ts';


/**
 * Reports as the API serves them: the viewer's scope (administrators all queues, supervisors their
 * own, agents nothing), the filters, and the core's figures over the store's aggregates.
 */
export function reportScope(viewer: Viewer): number[] | null {
  if (!canViewReports(viewer)) throw forbidden('Reports are for supervisors and administrators.');
  return viewer.role === 'admin' ? null : [...viewer.queueIds];
}

export async function workspaceTimeZone(db: Db, asked?: string): Promise<string> {
  if (asked) {
    if (!isTimeZone(asked)) throw new AppError('validation_failed', `Unknown time zone: ${asked}`, 400);
    return asked;
  }
  const row = await db.selectFrom('widget_settings').select('settings').where('id', '=', 1).executeTakeFirst();
  try {
    const tz = (JSON.parse(row?.settings ?? '{}') as { officeHours?: { timezone?: string } }).officeHours?.timezone;
    return tz && isTimeZone(tz) ? tz : 'UTC';
  } catch {
    return 'UTC';
  }
}

export function filterOf(viewer: Viewer, q: ReportQuery, tz?: string): FactFilter {
  const scope = reportScope(viewer);
  const asked = q.queueId?.length ? q.queueId : null;
  const queueIds = scope === null ? asked : asked ? asked.filter((id) => scope.includes(id)) : scope;
  return { from: q.from, to: q.to, queueIds, agentIds: q.agentId, channel: q.channel, inboxIds: q.inboxId, tagIds: q.tagId, labelIds: q.labelId, customerTagIds: q.customerTagId, tz };
}

async function figuresFor(db: Db, f: FactFilter, percentiles = true) {
  const all = await aggregateFacts(db, f, 'all', { percentiles });
  return figuresOf(all.get('0') ?? emptyAggregate());
}

export async function reportOverview(db: Db, viewer: Viewer, q: ReportQuery): Promise<ReportOverview> {
  const timeZone = await workspaceTimeZone(db, q.tz);
  const f = filterOf(viewer, q, timeZone);
  const prev = previousPeriod(f.from, f.to);
  const [current, previous, requests] = await Promise.all([
    figuresFor(db, f),
    // The previous period is compared by counts and means: its percentiles would double the cost.
    figuresFor(db, { ...f, ...prev }, false),
    requestsIn(db, f),
  ]);
  return {
    range: { from: f.from, to: f.to },
    previousRange: prev,
    timeZone,
    current,
    previous,
    requests: { assign: requestFigures('assign', requests), discuss: requestFigures('discuss', requests) },
  };
}

/**
 * Counts, means, medians and 90th percentiles per day, week or month: local days from the rollups
 * (their edges from the facts), their histograms merged into weeks or months; when the rollups are
 * in another zone or two tags narrow, the facts grouped by period in SQL, percentiles exact.
 */
export async function reportSeries(db: Db, viewer: Viewer, q: ReportQuery & { grain: 'day' | 'week' | 'month' }): Promise<ReportSeries> {
  const timeZone = await workspaceTimeZone(db, q.tz);
  const f = filterOf(viewer, q, timeZone);
  // Periods found by binary search over their start instants: no time zone lookup per day.
  const starts = periodStarts(f.from, f.to, timeZone, q.grain);
  const days = await fromRollups(db, f, 'day', true);
  const sums = starts.map(() => emptyAggregate());
  if (days) {
    // Day numbers sort like the instants they start, so periods are found by day: no zone lookup per day.
    const startDays = starts.map((p) => ({ start: dayOfKey(p.key) }));
    for (const [k, a] of days) {
      const i = periodIndex(startDays, Math.max(Number(k), startDays[0]?.start ?? 0));
      if (i >= 0) mergeAggregate(sums[i]!, a);
    }
  } else {
    for (const [k, a] of await aggregateFacts(db, f, 'period', { percentiles: true, periodKey: periodKeySql(starts) })) sums[Number(k)] = a;
  }
  return { grain: q.grain, timeZone, items: starts.map((p, i) => ({ period: p.key, figures: figuresOf(sums[i]!) })) };
}

export async function reportTable(db: Db, viewer: Viewer, dimension: ReportDimension, q: ReportQuery): Promise<ReportTable> {
  const f = filterOf(viewer, q, await workspaceTimeZone(db, q.tz));
  const groups = await aggregateFacts(db, f, dimension, { percentiles: true });
  const names = await namesOf(db, dimension, [...groups.keys()].filter((k) => k !== 'none').map(Number));
  const items = [...groups].map(([key, a]) => ({
    key,
    name: key === 'none' ? NONE[dimension] : dimension === 'channel' ? key : (names.get(Number(key)) ?? `#${key}`),
    figures: figuresOf(a),
  }));
  items.sort((a, b) => b.figures.counts.created - a.figures.counts.created || a.name.localeCompare(b.name));
  return { dimension, items };
}

const NONE: Record<ReportDimension, string> = { queue: 'No queue', agent: 'Nobody', channel: 'none', inbox: 'No inbox', tag: '', label: '', customerTag: '' };

async function namesOf(db: Db, dimension: ReportDimension, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length || dimension === 'channel') return new Map();
  const table = { queue: 'queues', agent: 'users', inbox: 'inboxes', tag: 'tags', customerTag: 'tags', label: 'labels' } as const;
  const rows = await db.selectFrom(table[dimension]).select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Agent time per status and occupancy against capacity, for the agents of the viewer's queues. */
export async function reportAgents(db: Db, viewer: Viewer, q: ReportQuery, now: number): Promise<AgentReport> {
  const f = filterOf(viewer, q, await workspaceTimeZone(db, q.tz));
  let members: number[] | null = null;
  if (f.queueIds) {
    const rows = f.queueIds.length ? await db.selectFrom('queue_members').select('user_id').distinct().where('queue_id', 'in', f.queueIds).execute() : [];
    members = rows.map((r) => r.user_id);
  }
  const [users, intervals, handled] = await Promise.all([
    agentPresences(db, members ?? undefined),
    statusIntervals(db, members, f.from, f.to),
    aggregateFacts(db, f, 'agent'),
  ]);
  const items = users
    .filter((u) => !q.agentId?.length || q.agentId.includes(u.userId))
    .map((u) => {
      const time = agentStatusTime(intervals.filter((i) => i.userId === u.userId), f.from, f.to, now);
      const handleMs = handled.get(String(u.userId))?.durations.handle.sum ?? 0;
      const capacity = u.capacity ?? 5;
      return { userId: u.userId, name: u.name, capacity, byStatus: time.byStatus, handleMs, occupancy: occupancy(handleMs, capacity, time.workingMs) };
    });
  return { items };
}

/** The supervisor's live view: queues now and today's figures so far (the stream keeps it moving). */
export async function liveView(db: Db, viewer: Viewer, now: number): Promise<LiveView> {
  const scope = reportScope(viewer);
  const queues = await (scope ? db.selectFrom('queues').select(['id', 'name']).where('id', 'in', scope.length ? scope : [0]) : db.selectFrom('queues').select(['id', 'name'])).orderBy('name').execute();
  const ids = queues.map((q) => q.id);
  const tz = await workspaceTimeZone(db);
  const [counts, oldest, members, today] = await Promise.all([
    queueCounts(db, ids),
    ids.length
      ? db.selectFrom('conversations').select(['queue_id', (eb) => eb.fn.min('queued_at').as('oldest')]).where('queue_id', 'in', ids).where('status', '=', 'queued').groupBy('queue_id').execute()
      : [],
    ids.length ? db.selectFrom('queue_members').select(['queue_id', 'user_id']).where('queue_id', 'in', ids).execute() : [],
    figuresFor(db, { from: startOfLocalDay(now, tz), to: now + 1, queueIds: scope }),
  ]);
  const people = await agentPresences(db, [...new Set(members.map((m) => m.user_id))]);
  return {
    at: now,
    queues: queues.map((q) => {
      const c = counts.find((x) => x.queueId === q.id);
      const agents = people.filter((p) => members.some((m) => m.queue_id === q.id && m.user_id === p.userId));
      const o = oldest.find((x) => x.queue_id === q.id)?.oldest;
      return {
        queueId: q.id,
        name: q.name,
        waiting: c?.waiting ?? 0,
        longestWaitSince: o == null ? null : Number(o),
        offersOut: c?.offered ?? 0,
        agentsOnline: agents.filter((a) => a.status !== 'offline').length,
        agentsAvailable: agents.filter((a) => a.status === 'available').length,
        agentsAtCapacity: agents.filter((a) => a.status !== 'offline' && a.load + a.openOffers >= (a.capacity ?? 5)).length,
        agentsInWrapUp: agents.filter((a) => a.inWrapUp > 0).length,
      };
    }),
    today,
  };
}
