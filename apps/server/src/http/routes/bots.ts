import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Bot, BotsResponse, BotWithSecrets, CreateBotRequest, HandoffRequest, IdParams, Ok, UpdateBotRequest, errorResponses, SIGNED_IN, type ErrorCode } from '@switchboard/protocol';
import { requireAdmin, requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import type { Db } from '../../store/db.ts';
import { notFound } from '../../errors.ts';
import { createBot, deleteBot, handOffConversation, updateBot } from '../../actions/bots.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden'];
const tags = ['integrations'];

/** Every bot (or one), in three queries whatever their number. */
async function presentBots(db: Db, id?: number): Promise<Bot[]> {
  let q = db
    .selectFrom('users')
    .innerJoin('webhooks', 'webhooks.bot_id', 'users.id')
    .select(['users.id', 'users.name', 'users.disabled', 'users.created_at', 'webhooks.url', 'webhooks.id as webhook_id'])
    .where('users.kind', '=', 'bot');
  if (id !== undefined) q = q.where('users.id', '=', id);
  const rows = await q.orderBy('users.id').execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [queues, held, failures] = await Promise.all([
    db.selectFrom('queues').select(['id', 'bot_id']).where('bot_id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('conversations').select(['assignee_id', (eb) => eb.fn.countAll<number>().as('n')]).where('assignee_id', 'in', ids).where('status', 'in', ['active', 'pending']).groupBy('assignee_id').execute(),
    db
      .selectFrom('webhook_deliveries')
      .select(['webhook_id', 'error'])
      .where('webhook_id', 'in', rows.map((r) => r.webhook_id))
      .where('status', '=', 'failed')
      .orderBy('id', 'desc')
      .execute(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    url: r.url,
    queueIds: queues.filter((q) => q.bot_id === r.id).map((q) => q.id),
    active: r.disabled === 0,
    holding: Number(held.find((h) => h.assignee_id === r.id)?.n ?? 0),
    lastError: failures.find((f) => f.webhook_id === r.webhook_id)?.error ?? null,
    createdAt: Number(r.created_at),
  }));
}

/**
 * Admin → Bots (issue 16 item 2; docs/bots.md), and the bot's one call of its own: hand-off. A bot
 * replies with the ordinary `POST /conversations/{id}/messages`, Bearer its token.
 */
export function botRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    const db = s.store.db;
    const one = async (id: number) => {
      const [bot] = await presentBots(db, id);
      if (!bot) throw notFound('bot');
      return bot;
    };

    app.get('/admin/bots', { schema: { tags, operationId: 'listBots', summary: 'Every agent bot (admin)', response: { 200: BotsResponse, ...errorResponses(common) } } }, async (req) => {
      requireAdmin(req);
      return { items: (await presentBots(db)).filter((b) => b.active) };
    });

    app.post(
      '/admin/bots',
      {
        schema: {
          tags,
          operationId: 'createBot',
          summary: 'Add an agent bot; its token and signing secret are in this answer only (admin)',
          description:
            'The bot is a user of kind `bot`. New conversations of the queues in `queueIds` are assigned to it; it is sent `conversation_created` and `message_created` for the conversations it holds, signed like webhooks (docs/webhooks.md), replies with `POST /conversations/{id}/messages` and hands over with `POST /conversations/{id}/handoff`, both with Bearer `token`. A delivery that fails hands the conversation to humans at once.',
          body: CreateBotRequest,
          response: { 201: BotWithSecrets, ...errorResponses(common, 'webhook_target_refused', 'queue_not_found') },
        },
      },
      async (req, reply) => {
        const { id, token, secret } = await createBot(s.actions, s.secrets, requireAdmin(req), req.body, s.webhooks.policy);
        await s.webhooks.sync();
        reply.code(201);
        return { ...(await one(id)), token, secret };
      },
    );

    app.get('/admin/bots/:id', { schema: { tags, operationId: 'getBot', summary: 'One agent bot (admin)', params: IdParams, response: { 200: Bot, ...errorResponses(common, 'not_found') } } }, async (req) => {
      requireAdmin(req);
      return one(req.params.id);
    });

    app.patch(
      '/admin/bots/:id',
      {
        schema: { tags, operationId: 'updateBot', summary: 'Rename a bot, change its URL or the queues that start with it (admin)', params: IdParams, body: UpdateBotRequest, response: { 200: Bot, ...errorResponses(common, 'not_found', 'webhook_target_refused', 'queue_not_found') } },
      },
      async (req) => {
        await updateBot(s.actions, requireAdmin(req), req.params.id, req.body, s.webhooks.policy);
        return one(req.params.id);
      },
    );

    app.delete(
      '/admin/bots/:id',
      { schema: { tags, operationId: 'deleteBot', summary: 'Remove a bot: what it holds goes to humans, its token stops working (admin)', params: IdParams, response: { 200: Ok, ...errorResponses(common, 'not_found') } } },
      async (req) => {
        await deleteBot(s.actions, requireAdmin(req), req.params.id);
        await s.webhooks.sync();
        return { ok: true as const };
      },
    );

    app.post(
      '/conversations/:id/handoff',
      {
        schema: {
          tags: ['conversations'],
          operationId: 'handOffConversation',
          summary: 'The bot holding the conversation hands it to humans: it waits in its queue and is offered as usual',
          params: IdParams,
          body: HandoffRequest,
          response: { 200: Ok, ...errorResponses(SIGNED_IN, 'not_found', 'not_held_by_bot') },
        },
      },
      async (req) => {
        await handOffConversation(s.actions, viewerOf(req), req.params.id, req.body.note);
        return { ok: true as const };
      },
    );
  };
}
