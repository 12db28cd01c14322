import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AgentReport,
  LiveView,
  ReportOverview,
  ReportQuery,
  ReportSeries,
  ReportSeriesQuery,
  ReportTable,
  ReportTableParams,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
} from '@switchboard/protocol';
import { requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { liveView, reportAgents, reportOverview, reportScope, reportSeries, reportTable } from '../../reports/figures.ts';
import { overviewCsv, seriesCsv, tableCsv } from '../../reports/csv.ts';

const tags = ['reports'];
const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden'];
const CSV_NOTE = ' Send `Accept: text/csv` for the same figures as CSV.';

function wantsCsv(req: FastifyRequest): boolean {
  return /\btext\/csv\b/.test(req.headers.accept ?? '');
}
function csv(reply: FastifyReply, name: string, body: string) {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(body);
}

/** Reports (issue 15): supervisors see their queues' figures, administrators all, agents none (403). */
export function reportRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    // Who is asking is judged before the query string (an anonymous caller learns nothing of the schema).
    app.addHook('onRequest', requireAuth);
    app.addHook('onRequest', async (req) => {
      reportScope(viewerOf(req)); // agents: 403 before anything is read
    });
    const db = s.store.db;

    app.get(
      '/reports/overview',
      { schema: { tags, operationId: 'getReportOverview', summary: 'Headline figures of a range against the previous period of the same length.' + CSV_NOTE, querystring: ReportQuery, response: { 200: ReportOverview, ...errorResponses(common) } } },
      async (req, reply) => {
        const o = await reportOverview(db, viewerOf(req), req.query);
        return wantsCsv(req) ? csv(reply, 'overview', overviewCsv(o)) : o;
      },
    );
    app.get(
      '/reports/series',
      { schema: { tags, operationId: 'getReportSeries', summary: 'Counts, means, medians and 90th percentiles per day, week or month in the workspace’s time zone.' + CSV_NOTE, querystring: ReportSeriesQuery, response: { 200: ReportSeries, ...errorResponses(common) } } },
      async (req, reply) => {
        const r = await reportSeries(db, viewerOf(req), req.query);
        return wantsCsv(req) ? csv(reply, `series-${r.grain}`, seriesCsv(r)) : r;
      },
    );
    app.get(
      '/reports/tables/:dimension',
      { schema: { tags, operationId: 'getReportTable', summary: 'Figures per queue, agent, channel, inbox, tag, label or customer tag.' + CSV_NOTE, params: ReportTableParams, querystring: ReportQuery, response: { 200: ReportTable, ...errorResponses(common) } } },
      async (req, reply) => {
        const t = await reportTable(db, viewerOf(req), req.params.dimension, req.query);
        return wantsCsv(req) ? csv(reply, `by-${t.dimension}`, tableCsv(t)) : t;
      },
    );
    app.get(
      '/reports/agents',
      { schema: { tags, operationId: 'getReportAgents', summary: 'Agent time per status and occupancy against capacity', querystring: ReportQuery, response: { 200: AgentReport, ...errorResponses(common) } } },
      async (req) => reportAgents(db, viewerOf(req), req.query, s.actions.clock.now()),
    );
    app.get(
      '/reports/live',
      { schema: { tags, operationId: 'getReportLive', summary: 'The live view: queues now and today’s figures so far (the stream’s queue.counts and presence.updated frames keep it moving)', response: { 200: LiveView, ...errorResponses(common) } } },
      async (req) => liveView(db, viewerOf(req), s.actions.clock.now()),
    );
  };
}
