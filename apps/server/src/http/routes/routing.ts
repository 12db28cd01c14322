import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AgentPresence,
  ChooseQueuesRequest,
  ConversationList,
  ErrorBody,
  IdParams,
  MyRouting,
  Ok,
  QueueCounts,
  QueueRouting,
  SetPresenceRequest,
  TransferToAgentRequest,
  TransferToQueueRequest,
  UpdateQueueRoutingRequest,
} from '@switchboard/protocol';
import { requireAdmin, requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { presentConversations } from '../../presenters/conversations.ts';
import { agentPresences, queueCounts } from '../../routing/engine.ts';
import { queueRouting, updateQueueRouting } from '../../actions/routing/settings.ts';
import {
  acceptOffer,
  chooseQueues,
  customerLeaves,
  declineOffer,
  keepWaiting,
  myRouting,
  pickConversation,
  requestCallback,
  setPresence,
  transferToAgent,
  transferToQueue,
} from '../../routing/actions.ts';

const tags = ['routing'];
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const Accepted = z.object({ ok: z.literal(true), conversationId: z.number() });

/** Presence, queues served, offers, pick list, transfers and queue routing settings. */
export function routingRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    const db = s.store.db;

    app.get('/routing/me', { schema: { tags, summary: 'Your status, queues served, load and open offers', response: { 200: MyRouting, ...errors } } }, async (req) =>
      myRouting(s.actions, viewerOf(req)),
    );
    app.put('/routing/me/status', { schema: { tags, summary: 'Set your status (only available agents get offers)', body: SetPresenceRequest, response: { 200: MyRouting, ...errors } } }, async (req) => {
      await setPresence(s.actions, viewerOf(req), req.body.status);
      return myRouting(s.actions, viewerOf(req));
    });
    app.put('/routing/me/queues', { schema: { tags, summary: 'Choose the queues you serve (at login, or later)', body: ChooseQueuesRequest, response: { 200: MyRouting, ...errors } } }, async (req) => {
      await chooseQueues(s.actions, viewerOf(req), req.body.queueIds);
      return myRouting(s.actions, viewerOf(req));
    });
    app.get(
      '/routing/agents',
      { schema: { tags, summary: 'Every agent’s status and load against capacity (supervisors, transfer picker)', response: { 200: z.object({ items: z.array(AgentPresence) }), ...errors } } },
      async () => ({ items: await agentPresences(db) }),
    );
    app.get('/routing/queues', { schema: { tags, summary: 'Waiting, offered and in-progress counts of your queues', response: { 200: z.object({ items: z.array(QueueCounts) }), ...errors } } }, async (req) => {
      const v = viewerOf(req);
      const ids = v.role === 'admin' ? (await db.selectFrom('queues').select('id').execute()).map((q) => q.id) : [...v.queueIds];
      return { items: await queueCounts(db, ids) };
    });

    app.post('/routing/offers/:id/accept', { schema: { tags, summary: 'Accept an offer: the conversation is yours', params: IdParams, response: { 200: Accepted, ...errors } } }, async (req) => ({
      ok: true as const,
      conversationId: await acceptOffer(s.actions, viewerOf(req), req.params.id),
    }));
    app.post('/routing/offers/:id/decline', { schema: { tags, summary: 'Decline an offer: it goes to someone else', params: IdParams, response: { 200: Ok, ...errors } } }, async (req) => {
      await declineOffer(s.actions, viewerOf(req), req.params.id);
      return { ok: true as const };
    });

    app.get(
      '/routing/pick-list',
      { schema: { tags, summary: 'Waiting conversations you can pick, in processing order', querystring: z.object({ queueId: z.coerce.number().int().positive().optional() }), response: { 200: ConversationList, ...errors } } },
      async (req) => {
        const v = viewerOf(req);
        const queues = [...v.queueIds].filter((q) => req.query.queueId === undefined || q === req.query.queueId);
        if (!queues.length) return { items: [], nextCursor: null };
        const rows = await db
          .selectFrom('conversations')
          .selectAll()
          .where('queue_id', 'in', queues)
          .where('status', '=', 'queued')
          .where('assignee_id', 'is', null)
          .orderBy('queued_at')
          .orderBy('id')
          .limit(200)
          .execute();
        return { items: await presentConversations(db, v.id, rows), nextCursor: null };
      },
    );
    app.post('/conversations/:id/pick', { schema: { tags, summary: 'Pick a waiting conversation from the pick list', params: IdParams, response: { 200: Ok, ...errors } } }, async (req) => {
      await pickConversation(s.actions, viewerOf(req), req.params.id);
      return { ok: true as const };
    });
    app.post(
      '/conversations/:id/transfer-to-agent',
      { schema: { tags, summary: 'Transfer to an agent, with a note they will see', params: IdParams, body: TransferToAgentRequest, response: { 200: Ok, ...errors } } },
      async (req) => {
        await transferToAgent(s.actions, viewerOf(req), req.params.id, req.body.userId, req.body.note);
        return { ok: true as const };
      },
    );
    app.post(
      '/conversations/:id/transfer-to-queue',
      { schema: { tags, summary: 'Transfer to a queue: it re-enters routing', params: IdParams, body: TransferToQueueRequest, response: { 200: Ok, ...errors } } },
      async (req) => {
        await transferToQueue(s.actions, viewerOf(req), req.params.id, req.body.queueId, req.body.note);
        return { ok: true as const };
      },
    );

    // The waiting customer (seed 003), for channel integrations and the widget's backend (admin token).
    const Customer = z.object({ contactId: z.number().int().positive() });
    for (const [path, summary, fn] of [
      ['leave', 'The customer stops waiting: the chat request is abandoned', customerLeaves],
      ['request-callback', 'The customer asks for a callback instead of waiting', requestCallback],
      ['keep-waiting', 'The customer keeps waiting: the abandonment clock restarts', keepWaiting],
    ] as const) {
      app.post(`/inbound/conversations/:id/${path}`, { schema: { tags: ['channels'], summary, params: IdParams, body: Customer, response: { 200: Ok, ...errors } } }, async (req) => {
        requireAdmin(req);
        await fn(s.actions, req.body.contactId, req.params.id);
        return { ok: true as const };
      });
    }

    app.get('/queues/:id/routing', { schema: { tags, summary: 'A queue’s routing mode and timers', params: IdParams, response: { 200: QueueRouting, ...errors } } }, async (req) =>
      queueRouting(db, req.params.id),
    );
    app.put(
      '/queues/:id/routing',
      { schema: { tags, summary: 'Change a queue’s routing mode and timers (admin)', params: IdParams, body: UpdateQueueRoutingRequest, response: { 200: QueueRouting, ...errors } } },
      async (req) => {
        requireAdmin(req);
        return updateQueueRouting(s.actions, req.params.id, req.body);
      },
    );
  };
}
