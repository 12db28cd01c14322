import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AgentPresence,
  DiscussionMessage,
  EndDiscussionBody,
  EngagementTrackingRecord,
  IdParams,
  NewRequestBody,
  Ok,
  PostDiscussionMessageBody,
  ReasonBody,
  RecipientType,
  RecordList,
  RecordListQuery,
  RequestSettings,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
} from '@switchboard/protocol';
import { requireAdmin, requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import {
  acceptAssignRequest,
  acceptDiscussRequest,
  endDiscussion,
  leaveDiscussion,
  rejectAssignRequest,
  rejectDiscussRequest,
  requestAssign,
  requestDiscuss,
  saveRequestSettings,
  withdrawAssignRequest,
  withdrawDiscussRequest,
} from '../../actions/discuss/requests.ts';
import { discussionTyping, listDiscussionMessages, postDiscussionMessage } from '../../actions/discuss/discussion.ts';
import { listRecords, myOpenRequests, oneRecord, queueNames, recordsOfConversation, requestTargets } from '../../actions/discuss/queries.ts';
import { loadRequestSettings } from '../../actions/discuss/steps.ts';
import { recordsCsv } from '../../actions/discuss/record.ts';

const tags = ['discuss'];
const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden', 'not_found'];
const Records = z.object({ items: z.array(EngagementTrackingRecord) });

/**
 * Seed 000: assign and discuss requests, the discussion panel's thread, the Engagement Tracking
 * Record and the Assign/Discuss settings. Each write is one action (actions/discuss/).
 */
export function discussRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    const db = s.store.db;

    app.get(
      '/conversations/:id/request-targets',
      {
        schema: {
          tags,
          operationId: 'listRequestTargets',
          summary: 'Colleagues who may be asked about this conversation, of one user type, with status and load',
          params: IdParams,
          querystring: z.object({ type: RecipientType.default('user') }),
          response: { 200: z.object({ items: z.array(AgentPresence) }), ...errorResponses(common) },
        },
      },
      async (req) => ({ items: await requestTargets(db, viewerOf(req), req.params.id, req.query.type) }),
    );

    for (const [type, operationId, fn, summary] of [
      ['discuss', 'requestDiscuss', requestDiscuss, 'Ask a colleague to discuss this conversation privately (they accept or reject)'],
      ['assign', 'requestAssign', requestAssign, 'Ask a colleague to take this conversation over (it moves when they accept)'],
    ] as const) {
      app.post(
        `/conversations/:id/${type}-requests`,
        { schema: { tags, operationId, summary, params: IdParams, body: NewRequestBody, response: { 201: EngagementTrackingRecord, ...errorResponses(common, 'cannot_request_yourself', 'recipient_not_found', 'recipient_type_mismatch', 'recipient_not_in_queue', 'recipient_in_charge', 'discussion_already_open', 'assign_request_pending', 'conversation_not_open') } } },
        async (req, reply) => {
          const record = await fn(s.actions, viewerOf(req), req.params.id, req.body.recipientId, req.body.recipientType);
          reply.code(201);
          return record;
        },
      );
    }

    const answer = [
      ['discuss', 'accept', 'acceptDiscussRequest', 'Accept a discuss request: the discussion panel opens', (v, id) => acceptDiscussRequest(s.actions, v, id)],
      ['discuss', 'reject', 'rejectDiscussRequest', 'Reject a discuss request, with a reason', (v, id, b) => rejectDiscussRequest(s.actions, v, id, b.reason)],
      ['discuss', 'withdraw', 'withdrawDiscussRequest', 'Withdraw your pending discuss request, with a reason', (v, id, b) => withdrawDiscussRequest(s.actions, v, id, b.reason)],
      ['assign', 'accept', 'acceptAssignRequest', 'Accept an assign request: the conversation is yours', (v, id) => acceptAssignRequest(s.actions, v, id)],
      ['assign', 'reject', 'rejectAssignRequest', 'Reject an assign request, with a reason', (v, id, b) => rejectAssignRequest(s.actions, v, id, b.reason)],
      ['assign', 'withdraw', 'withdrawAssignRequest', 'Withdraw your pending assign request, with a reason', (v, id, b) => withdrawAssignRequest(s.actions, v, id, b.reason)],
    ] as const satisfies readonly (readonly [string, string, string, string, (v: ReturnType<typeof viewerOf>, id: number, b: { reason: string }) => Promise<unknown>])[];
    for (const [type, verb, operationId, summary, fn] of answer) {
      const body = verb === 'accept' ? z.object({}).optional() : ReasonBody;
      app.post(
        `/${type}-requests/:id/${verb}`,
        { schema: { tags, operationId, summary, params: IdParams, body, response: { 200: EngagementTrackingRecord, ...errorResponses(common, 'not_recipient', 'not_initiator', 'request_not_pending', 'reason_required', 'reason_too_long', 'at_capacity') } } },
        async (req) => fn(viewerOf(req), req.params.id, (req.body ?? { reason: '' }) as { reason: string }) as never,
      );
    }

    app.post(
      '/discussions/:id/end',
      { schema: { tags, operationId: 'endDiscussion', summary: 'End the discussion (initiator): was the issue resolved?', params: IdParams, body: EndDiscussionBody, response: { 200: EngagementTrackingRecord, ...errorResponses(common, 'not_initiator', 'not_a_discussion', 'discussion_not_active', 'request_not_open') } } },
      async (req) => endDiscussion(s.actions, viewerOf(req), req.params.id, req.body.resolved),
    );
    app.post(
      '/discussions/:id/leave',
      { schema: { tags, operationId: 'leaveDiscussion', summary: 'Leave the discussion (consultant): it ends at once', params: IdParams, response: { 200: EngagementTrackingRecord, ...errorResponses(common, 'not_consultant', 'not_a_discussion', 'request_not_open') } } },
      async (req) => leaveDiscussion(s.actions, viewerOf(req), req.params.id),
    );
    app.get(
      '/discussions/:id/messages',
      { schema: { tags, operationId: 'listDiscussionMessages', summary: 'The discussion’s private thread, oldest first', params: IdParams, response: { 200: z.object({ items: z.array(DiscussionMessage) }), ...errorResponses(common, 'not_in_discussion') } } },
      async (req) => ({ items: await listDiscussionMessages(db, viewerOf(req), req.params.id) }),
    );
    app.post(
      '/discussions/:id/messages',
      { schema: { tags, operationId: 'postDiscussionMessage', summary: 'Write in the discussion (never reaches the customer)', params: IdParams, body: PostDiscussionMessageBody, response: { 201: DiscussionMessage, ...errorResponses(common, 'not_in_discussion', 'discussion_not_active', 'message_empty', 'message_too_long', 'attachment_not_in_conversation', 'attachment_not_stored', 'attachment_too_large', 'attachment_type_not_allowed') } } },
      async (req, reply) => {
        const m = await postDiscussionMessage(s.actions, viewerOf(req), req.params.id, req.body);
        reply.code(201);
        return m;
      },
    );
    app.post(
      '/discussions/:id/typing',
      { schema: { tags, operationId: 'discussionTyping', summary: 'Say you are typing in the discussion', params: IdParams, body: z.object({ typing: z.boolean() }), response: { 200: Ok, ...errorResponses(common, 'not_in_discussion', 'discussion_not_active') } } },
      async (req) => {
        await discussionTyping(s.actions, viewerOf(req), req.params.id, req.body.typing);
        return { ok: true as const };
      },
    );

    app.get(
      '/conversations/:id/requests',
      { schema: { tags, operationId: 'listConversationRecords', summary: 'The Engagement Tracking Records of a conversation (its Tracking section)', params: IdParams, response: { 200: Records, ...errorResponses(common) } } },
      async (req) => ({ items: await recordsOfConversation(db, viewerOf(req), req.params.id) }),
    );
    app.get(
      '/requests/mine',
      { schema: { tags, operationId: 'listMyOpenRequests', summary: 'Requests waiting for your answer, your pending requests and your discussions now', response: { 200: Records, ...errorResponses(common) } } },
      async (req) => ({ items: await myOpenRequests(db, viewerOf(req)) }),
    );
    app.get(
      '/requests/:id',
      { schema: { tags, operationId: 'getEngagementTrackingRecord', summary: 'One Engagement Tracking Record', params: IdParams, response: { 200: EngagementTrackingRecord, ...errorResponses(common) } } },
      async (req) => oneRecord(db, viewerOf(req), req.params.id),
    );
    app.get(
      '/engagement-records',
      {
        schema: {
          tags,
          operationId: 'listEngagementTrackingRecords',
          summary: 'Every Engagement Tracking Record you manage (supervisors: their queues; admins: all), newest first',
          querystring: RecordListQuery,
          response: { 200: RecordList, ...errorResponses(common) },
        },
      },
      async (req) => listRecords(db, viewerOf(req), req.query),
    );
    app.get(
      '/engagement-records.csv',
      {
        schema: {
          tags,
          operationId: 'exportEngagementTrackingRecords',
          summary: 'The same list as CSV (up to 10,000 rows per export; page with until=)',
          querystring: RecordListQuery.omit({ cursor: true, limit: true }),
          produces: ['text/csv'],
          response: { 200: z.string(), ...errorResponses(common) },
        },
      },
      async (req, reply) => {
        const viewer = viewerOf(req);
        const items = [];
        let cursor: string | undefined;
        do {
          const page = await listRecords(db, viewer, { ...req.query, limit: 500, ...(cursor ? { cursor } : {}) });
          items.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor && items.length < 10_000);
        reply.serializer((p: unknown) => String(p)).header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="engagement-tracking-records.csv"');
        return recordsCsv(items, await queueNames(db));
      },
    );

    app.get(
      '/settings/requests',
      { schema: { tags, operationId: 'getRequestSettings', summary: 'Assign/Discuss settings: request timeouts', response: { 200: RequestSettings, ...errorResponses(common) } } },
      async () => loadRequestSettings(db),
    );
    app.put(
      '/settings/requests',
      { schema: { tags, operationId: 'updateRequestSettings', summary: 'Change the Assign/Discuss settings (admins)', body: RequestSettings.partial(), response: { 200: RequestSettings, ...errorResponses(common) } } },
      async (req) => {
        requireAdmin(req);
        return saveRequestSettings(s.actions, req.body);
      },
    );
  };
}
