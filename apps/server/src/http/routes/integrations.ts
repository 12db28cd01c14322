import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateWebhookRequest,
  IdParams,
  Ok,
  UpdateWebhookRequest,
  Webhook,
  WebhookDeliveriesResponse,
  WebhookDeliveryParams,
  WebhooksResponse,
  WebhookWithSecret,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
  type WebhookDelivery,
  type WebhookEvent,
} from '@switchboard/protocol';
import { requireAdmin, requireAuth } from '../auth.ts';
import type { Services } from '../services.ts';
import { notFound } from '../../errors.ts';
import { createWebhook, deleteWebhook, LOG_SIZE, redeliverWebhookDelivery, updateWebhook, type WebhookDeliveryRow, type WebhookRow } from '../../actions/webhooks.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden'];
const tags = ['integrations'];

function present(r: WebhookRow): Webhook {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    events: JSON.parse(r.events) as WebhookEvent[],
    includeInternal: r.include_internal === 1,
    enabled: r.enabled === 1,
    disabledReason: r.disabled_reason,
    failingSince: r.failing_since == null ? null : Number(r.failing_since),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function presentDelivery(d: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: d.id,
    messageId: d.message_id,
    event: d.event as WebhookEvent,
    status: d.status,
    attempts: d.attempts,
    responseCode: d.response_code,
    durationMs: d.duration_ms,
    error: d.error,
    createdAt: Number(d.created_at),
    lastAttemptAt: d.last_attempt_at == null ? null : Number(d.last_attempt_at),
  };
}

/** Admin → Integrations → Webhooks (issue 16 item 1). Administrators only; docs/webhooks.md for receivers. */
export function integrationRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    app.addHook('onRequest', async (req) => {
      requireAdmin(req);
    });
    const db = s.store.db;
    const find = async (id: number) => {
      const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).where('bot_id', 'is', null).executeTakeFirst();
      if (!row) throw notFound('webhook');
      return row;
    };

    app.get('/admin/webhooks', { schema: { tags, operationId: 'listWebhooks', summary: 'Every outgoing webhook (admin)', response: { 200: WebhooksResponse, ...errorResponses(common) } } }, async () => ({
      items: (await db.selectFrom('webhooks').selectAll().where('bot_id', 'is', null).orderBy('id').execute()).map(present),
    }));

    app.post(
      '/admin/webhooks',
      {
        schema: {
          tags,
          operationId: 'createWebhook',
          summary: 'Add an outgoing webhook; its signing secret is in this answer only (admin)',
          description:
            'Deliveries are POSTed as JSON and signed per the Standard Webhooks spec (webhook-id, webhook-timestamp, webhook-signature); see docs/webhooks.md. The URL must not resolve to a loopback, private or link-local address (422 webhook_target_refused) unless the server runs with WEBHOOKS_ALLOW_PRIVATE=1.',
          body: CreateWebhookRequest,
          response: { 201: WebhookWithSecret, ...errorResponses(common, 'webhook_target_refused') },
        },
      },
      async (req, reply) => {
        const viewer = requireAdmin(req);
        const { row, secret } = await createWebhook(s.actions, s.secrets, viewer, req.body, s.webhooks.policy);
        await s.webhooks.sync();
        reply.code(201);
        return { ...present(row), secret };
      },
    );

    app.get('/admin/webhooks/:id', { schema: { tags, operationId: 'getWebhook', summary: 'One outgoing webhook (admin)', params: IdParams, response: { 200: Webhook, ...errorResponses(common, 'not_found') } } }, async (req) =>
      present(await find(req.params.id)),
    );

    app.patch(
      '/admin/webhooks/:id',
      {
        schema: {
          tags,
          operationId: 'updateWebhook',
          summary: 'Change a webhook, or turn it off or on again (admin)',
          params: IdParams,
          body: UpdateWebhookRequest,
          response: { 200: Webhook, ...errorResponses(common, 'not_found', 'webhook_target_refused') },
        },
      },
      async (req) => present(await updateWebhook(s.actions, requireAdmin(req), req.params.id, req.body, s.webhooks.policy)),
    );

    app.delete('/admin/webhooks/:id', { schema: { tags, operationId: 'deleteWebhook', summary: 'Delete a webhook and its delivery log (admin)', params: IdParams, response: { 200: Ok, ...errorResponses(common, 'not_found') } } }, async (req) => {
      await deleteWebhook(s.actions, requireAdmin(req), req.params.id);
      await s.webhooks.sync();
      return { ok: true as const };
    });

    app.get(
      '/admin/webhooks/:id/deliveries',
      {
        schema: {
          tags,
          operationId: 'listWebhookDeliveries',
          summary: `A webhook's last ${LOG_SIZE} deliveries, newest first: status, time, response code, duration (admin)`,
          params: IdParams,
          response: { 200: WebhookDeliveriesResponse, ...errorResponses(common, 'not_found') },
        },
      },
      async (req) => {
        await find(req.params.id);
        const rows = await db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', req.params.id).orderBy('id', 'desc').limit(LOG_SIZE).execute();
        return { items: rows.map(presentDelivery) };
      },
    );

    app.post(
      '/admin/webhooks/:id/deliveries/:deliveryId/redeliver',
      {
        schema: {
          tags,
          operationId: 'redeliverWebhookDelivery',
          summary: 'Send a delivery again: the same body under the same webhook-id, newly signed (admin)',
          params: WebhookDeliveryParams,
          response: { 200: Ok, ...errorResponses(common, 'not_found') },
        },
      },
      async (req) => {
        await redeliverWebhookDelivery(s.actions, requireAdmin(req), req.params.id, req.params.deliveryId);
        return { ok: true as const };
      },
    );
  };
}
