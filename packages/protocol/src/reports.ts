import { z } from 'zod';
import { Id, Timestamp } from './common.ts';

/** Reports (issue 15): the figures of a range of conversations, by period and by dimension. */
const YEAR_MS = 366 * 24 * 3600 * 1000;

export const REPORT_DIMENSIONS = ['queue', 'agent', 'channel', 'inbox', 'tag', 'label', 'customerTag'] as const;
export const ReportDimension = z.enum(REPORT_DIMENSIONS);
export type ReportDimension = z.infer<typeof ReportDimension>;

const ids = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).filter((x) => x !== '').map(Number))
  .pipe(z.array(z.number().int().positive()).max(100));

/** The range and filters every report takes (the screen's filter bar). */
export const ReportQuery = z
  .object({
    from: z.coerce.number().int().min(0).describe('Start of the range (epoch ms, inclusive): conversations that arrived from then'),
    to: z.coerce.number().int().min(0).describe('End of the range (epoch ms, exclusive); at most a year after from'),
    tz: z.string().min(1).max(64).optional().describe('IANA time zone for days, weeks and months; default the workspace’s (office hours)'),
    queueId: ids.optional().describe('Only these queues (comma-separated ids)'),
    agentId: ids.optional().describe('Only conversations these agents last had'),
    channel: z.string().min(1).max(40).optional(),
    inboxId: ids.optional(),
    tagId: ids.optional().describe('Conversations with any of these conversation tags'),
    labelId: ids.optional().describe('Conversations with any of these labels'),
    customerTagId: ids.optional().describe('Conversations whose pinned customer has any of these tags'),
  })
  .refine((q) => q.to > q.from, { message: 'to must be after from', path: ['to'] })
  .refine((q) => q.to - q.from <= YEAR_MS, { message: 'a range is at most a year', path: ['to'] });
export type ReportQuery = z.infer<typeof ReportQuery>;

export const ReportSeriesQuery = ReportQuery.and(z.object({ grain: z.enum(['day', 'week', 'month']).default('day') }));
export const ReportTableParams = z.object({ dimension: ReportDimension });

const ms = z.number().nullable().describe('milliseconds; null when nothing was measured');
export const DurationFigure = z.object({ count: z.number().int(), mean: ms, median: ms, p90: ms });

export const ReportCounts = z.object({
  created: z.number().int(),
  resolved: z.number().int().describe('Resolved (seed 001: handled) and not reopened since'),
  abandoned: z.number().int(),
  callback: z.number().int(),
  reopened: z.number().int(),
  linked: z.number().int().describe('Follow-ups started by writing to a resolved conversation (seed 004)'),
  offersDeclined: z.number().int(),
  offersTimedOut: z.number().int(),
  repliesDue: z.number().int().describe('Replies awaited against the queue’s reply time limit'),
  repliesBreached: z.number().int().describe('Of those, sent after the limit'),
});

export const ReportFigures = z.object({
  counts: ReportCounts,
  answeredInTime: z.number().nullable().describe('Share (0..1) of awaited replies sent within the limit'),
  durations: z.object({
    firstResponse: DurationFigure.describe('Arrival to the first agent reply'),
    resolution: DurationFigure.describe('Arrival to resolution'),
    handle: DurationFigure.describe('Time active or pending with an agent in charge'),
    wrapUp: DurationFigure.describe('Time in wrap-up'),
    wait: DurationFigure.describe('Arrival to the first accept: time waiting in the queue'),
  }),
});
export type ReportFigures = z.infer<typeof ReportFigures>;

export const RequestReport = z.object({
  type: z.enum(['assign', 'discuss']),
  total: z.number().int(),
  byOutcome: z.object({ accepted: z.number().int(), rejected: z.number().int(), withdrawn: z.number().int(), timed_out: z.number().int(), cancelled: z.number().int(), pending: z.number().int() }),
  timeToAnswer: DurationFigure,
  resolvedYes: z.number().int(),
  resolvedNo: z.number().int(),
});

const Range = z.object({ from: Timestamp, to: Timestamp });

export const ReportOverview = z.object({
  range: Range,
  previousRange: Range,
  timeZone: z.string(),
  current: ReportFigures,
  previous: ReportFigures.describe('The previous period: counts and means (its medians and 90th percentiles are null)'),
  requests: z.object({ assign: RequestReport, discuss: RequestReport }),
});
export type ReportOverview = z.infer<typeof ReportOverview>;

export const ReportSeries = z.object({
  grain: z.enum(['day', 'week', 'month']),
  timeZone: z.string(),
  /** Counts and means per period; percentiles are in the overview and tables. */
  items: z.array(z.object({ period: z.string().describe('Local date the period starts on, YYYY-MM-DD'), figures: ReportFigures })),
});
export type ReportSeries = z.infer<typeof ReportSeries>;

export const ReportTableRow = z.object({
  key: z.string().describe('The dimension’s value: an id, or a channel name; "none" for conversations without one'),
  name: z.string(),
  figures: ReportFigures,
});
export const ReportTable = z.object({ dimension: ReportDimension, items: z.array(ReportTableRow) });
export type ReportTable = z.infer<typeof ReportTable>;

export const AgentReportRow = z.object({
  userId: Id,
  name: z.string(),
  capacity: z.number().int(),
  byStatus: z.object({ available: z.number(), busy: z.number(), do_not_respond: z.number(), away: z.number(), offline: z.number() }).describe('milliseconds per status in the range'),
  handleMs: z.number(),
  occupancy: z.number().nullable().describe('Conversation time over capacity × (available + busy) time'),
});
export const AgentReport = z.object({ items: z.array(AgentReportRow) });
export type AgentReport = z.infer<typeof AgentReport>;

export const LiveQueue = z.object({
  queueId: Id,
  name: z.string(),
  waiting: z.number().int(),
  longestWaitSince: Timestamp.nullable().describe('When the longest-waiting conversation started waiting'),
  offersOut: z.number().int(),
  agentsOnline: z.number().int(),
  agentsAvailable: z.number().int(),
  agentsAtCapacity: z.number().int(),
  agentsInWrapUp: z.number().int(),
});
export const LiveView = z.object({
  at: Timestamp,
  queues: z.array(LiveQueue),
  today: ReportFigures.describe('Conversations that arrived since local midnight'),
});
export type LiveView = z.infer<typeof LiveView>;
