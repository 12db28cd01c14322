import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AgentPresence,
  ChooseQueuesRequest,
  ConversationList,
  IdParams,
  MyRouting,
  Ok,
  QueueCounts,
  QueueRouting,
  SetPresenceRequest,
  TransferToAgentRequest,
  TransferToQueueRequest,
  UpdateQueueRoutingRequest,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
} from '@switchboard/protocol';
import { requireAdmin, requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { presentConversations } from '../../presenters/conversations.ts';
import { agentPresences } from '../../routing/engine.ts';
import { queueCounts } from '../../routing/counts.ts';
import { queueRouting, updateQueueRouting } from '../../actions/routing/settings.ts';
import { acceptOffer, declineOffer, pickConversation } from '../../actions/routing/offers.ts';
import { chooseQueues, myRouting, setPresence } from '../../actions/routing/presence.ts';
import { transferToAgent, transferToQueue } from '../../actions/routing/transfers.ts';
import { customerLeaves, keepWaiting, requestCallback } from '../../actions/routing/waiting.ts';

const tags = ['routing'];
const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden', 'not_found'];
const Accepted = z.object({ ok: z.literal(true), conversationId: z.number() });

/** Presence, queues served, offers, pick list, transfers and queue routing settings. */
export function routingRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    const db = s.store.db;

    app.get('/routing/me', { schema: { tags, operationId: 'getMyRouting', summary: 'Your status, queues served, load and open offers', response: { 200: MyRouting, ...errorResponses(common) } } }, async (req) =>
      myRouting(s.actions, viewerOf(req)),
    );
    app.put('/routing/me/status', { schema: { tags, operationId: 'setMyStatus', summary: 'Set your status (only available agents get offers)', body: SetPresenceRequest, response: { 200: MyRouting, ...errorResponses(common) } } }, async (req) => {
      await setPresence(s.actions, viewerOf(req), req.body.status);
      return myRouting(s.actions, viewerOf(req));
    });
    app.put('/routing/me/queues', { schema: { tags, operationId: 'setMyQueues', summary: 'Choose the queues you serve (at login, or later)', body: ChooseQueuesRequest, response: { 200: MyRouting, ...errorResponses(common, 'queue_not_found') } } }, async (req) => {
      await chooseQueues(s.actions, viewerOf(req), req.body.queueIds);
      return myRouting(s.actions, viewerOf(req));
    });
    app.get(
      '/routing/agents',
      { schema: { tags, operationId: 'listAgentPresence', summary: 'Every agent’s status and load against capacity (supervisors, transfer picker)', response: { 200: z.object({ items: z.array(AgentPresence) }), ...errorResponses(common) } } },
      async () => ({ items: await agentPresences(db) }),
    );
    app.get('/routing/queues', { schema: { tags, operationId: 'listQueueCounts', summary: 'Waiting, offered and in-progress counts of your queues', response: { 200: z.object({ items: z.array(QueueCounts) }), ...errorResponses(common) } } }, async (req) => {
      const v = viewerOf(req);
      const ids = v.role === 'admin' ? (await db.selectFrom('queues').select('id').execute()).map((q) => q.id) : [...v.queueIds];
      return { items: await queueCounts(db, ids) };
    });

    app.post('/routing/offers/:id/accept', { schema: { tags, operationId: 'acceptOffer', summary: 'Accept an offer: the conversation is yours', params: IdParams, response: { 200: Accepted, ...errorResponses(common, 'offer_not_found', 'offer_withdrawn', 'offer_expired', 'offer_not_yours', 'offer_declined', 'offer_already_accepted', 'at_capacity', 'conversation_taken') } } }, async (req) => ({
      ok: true as const,
      conversationId: await acceptOffer(s.actions, viewerOf(req), req.params.id),
    }));
    app.post('/routing/offers/:id/decline', { schema: { tags, operationId: 'declineOffer', summary: 'Decline an offer: it goes to someone else', params: IdParams, response: { 200: Ok, ...errorResponses(common, 'offer_not_found', 'offer_withdrawn', 'offer_expired', 'offer_not_yours') } } }, async (req) => {
      await declineOffer(s.actions, viewerOf(req), req.params.id);
      return { ok: true as const };
    });

    app.get(
      '/routing/pick-list',
      { schema: { tags, operationId: 'getPickList', summary: 'Waiting conversations you can pick, in processing order', querystring: z.object({ queueId: z.coerce.number().int().positive().optional() }), response: { 200: ConversationList, ...errorResponses(common) } } },
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
    app.post('/conversations/:id/pick', { schema: { tags, operationId: 'pickConversation', summary: 'Pick a waiting conversation from the pick list', params: IdParams, response: { 200: Ok, ...errorResponses(common, 'conversation_taken', 'at_capacity', 'queue_not_found') } } }, async (req) => {
      await pickConversation(s.actions, viewerOf(req), req.params.id);
      return { ok: true as const };
    });
    app.post(
      '/conversations/:id/transfer-to-agent',
      { schema: { tags, operationId: 'transferToAgent', summary: 'Transfer to an agent, with a note they will see', params: IdParams, body: TransferToAgentRequest, response: { 200: Ok, ...errorResponses(common, 'assignee_not_found', 'already_assigned', 'at_capacity', 'not_assignee', 'consultant_cannot_message_customer') } } },
      async (req) => {
        await transferToAgent(s.actions, viewerOf(req), req.params.id, req.body.userId, req.body.note);
        return { ok: true as const };
      },
    );
    app.post(
      '/conversations/:id/transfer-to-queue',
      { schema: { tags, operationId: 'transferToQueue', summary: 'Transfer to a queue: it re-enters routing', params: IdParams, body: TransferToQueueRequest, response: { 200: Ok, ...errorResponses(common, 'queue_not_found', 'already_in_queue', 'not_assignee', 'consultant_cannot_message_customer') } } },
      async (req) => {
        await transferToQueue(s.actions, viewerOf(req), req.params.id, req.body.queueId, req.body.note);
        return { ok: true as const };
      },
    );

    // The waiting customer (seed 003), for channel integrations and the widget's backend (admin token).
    const Customer = z.object({ contactId: z.number().int().positive() });
    for (const [path, operationId, summary, fn] of [
      ['leave', 'inboundLeave', 'The customer stops waiting: the chat request is abandoned', customerLeaves],
      ['request-callback', 'inboundRequestCallback', 'The customer asks for a callback instead of waiting', requestCallback],
      ['keep-waiting', 'inboundKeepWaiting', 'The customer keeps waiting: the abandonment clock restarts', keepWaiting],
    ] as const) {
      app.post(`/inbound/conversations/:id/${path}`, { schema: { tags: ['channels'], operationId, summary, params: IdParams, body: Customer, response: { 200: Ok, ...errorResponses(common, 'conversation_not_waiting', 'callback_not_possible', 'contact_not_found') } } }, async (req) => {
        requireAdmin(req);
        await fn(s.actions, req.body.contactId, req.params.id);
        return { ok: true as const };
      });
    }

    app.get('/queues/:id/routing', { schema: { tags, operationId: 'getQueueRouting', summary: 'A queue’s routing mode and timers', params: IdParams, response: { 200: QueueRouting, ...errorResponses(common) } } }, async (req) =>
      queueRouting(db, req.params.id),
    );
    app.put(
      '/queues/:id/routing',
      { schema: { tags, operationId: 'updateQueueRouting', summary: 'Change a queue’s routing mode and timers (admin)', params: IdParams, body: UpdateQueueRoutingRequest, response: { 200: QueueRouting, ...errorResponses(common) } } },
      async (req) => {
        requireAdmin(req);
        return updateQueueRouting(s.actions, req.params.id, req.body);
      },
    );
  };
}
