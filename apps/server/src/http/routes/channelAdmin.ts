import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, Message, errorResponses, SIGNED_IN, type ErrorCode } from '@switchboard/protocol';
import { requireAdmin, requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { AppError, notFound } from '../../errors.ts';
import { findInbox } from '../../channels/inboxes.ts';
import { testConnection } from '../../channels/connection.ts';
import { ProviderError } from '../../channels/provider.ts';
import { syncWhatsappTemplates } from '../../channels/whatsapp/templates.ts';
import { visibleConversation } from '../../actions/context.ts';
import { listWhatsappTemplates, sendWhatsappTemplate } from '../../actions/whatsappTemplates.ts';
import { metrics } from '../../metrics.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden', 'not_found'];
const WhatsappTemplate = z
  .object({ id: z.number(), name: z.string(), language: z.string(), status: z.string(), category: z.string().nullable(), body: z.string(), parameters: z.number().describe('How many {{n}} parameters the body takes') })
  .meta({ id: 'WhatsappTemplate' });
const present = (r: { id: number; name: string; language: string; status: string; category: string | null; body: string; parameters: number }) => ({ id: r.id, name: r.name, language: r.language, status: r.status, category: r.category, body: r.body, parameters: r.parameters });
const TemplateParams = z.object({ id: z.coerce.number().int().positive(), templateId: z.coerce.number().int().positive() });
const SendTemplateRequest = z
  .object({
    parameters: z.array(z.string().max(1000)).max(20).default([]).describe('In order, {{1}} first; each may use the customer variables ({{first_name}}…)'),
    clientId: z.string().min(1).max(64).optional(),
  })
  .meta({ id: 'SendTemplateRequest' });

/** Test connection and WhatsApp templates (admin), and sending a template (the conversation's agent). */
export function channelAdminRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    const tags = ['inboxes'];

    app.post(
      '/inboxes/:id/test',
      { schema: { tags, operationId: 'testInboxConnection', summary: 'Call the provider with the inbox’s settings and say whether it answers (admin)', params: IdParams, response: { 200: z.object({ ok: z.boolean(), detail: z.string() }), ...errorResponses(common) } } },
      async (req) => {
        requireAdmin(req);
        const inbox = await findInbox(s.store.db, req.params.id);
        if (!inbox) throw notFound('inbox');
        return testConnection(s.messaging.deps, inbox);
      },
    );

    app.post(
      '/inboxes/:id/templates/sync',
      { schema: { tags, operationId: 'syncWhatsappTemplates', summary: 'Fetch the message templates of the WhatsApp business account (admin)', params: IdParams, response: { 200: z.object({ items: z.array(WhatsappTemplate) }), ...errorResponses(common, 'provider_error') } } },
      async (req) => {
        requireAdmin(req);
        const inbox = await findInbox(s.store.db, req.params.id);
        if (!inbox || inbox.channel !== 'whatsapp') throw notFound('inbox');
        try {
          await syncWhatsappTemplates(s.messaging.deps, inbox);
        } catch (err) {
          if (err instanceof ProviderError) throw new AppError('provider_error', `WhatsApp did not give the templates: ${err.message}`, 502);
          throw err;
        }
        return { items: (await listWhatsappTemplates(s.store.db, inbox.id)).map(present) };
      },
    );

    app.get(
      '/inboxes/:id/templates',
      { schema: { tags, operationId: 'listInboxTemplates', summary: 'The WhatsApp templates last synced for the inbox (admin)', params: IdParams, response: { 200: z.object({ items: z.array(WhatsappTemplate) }), ...errorResponses(common) } } },
      async (req) => {
        requireAdmin(req);
        return { items: (await listWhatsappTemplates(s.store.db, req.params.id)).map(present) };
      },
    );

    app.get(
      '/conversations/:id/whatsapp-templates',
      { schema: { tags: ['conversations'], operationId: 'listConversationTemplates', summary: 'The approved WhatsApp templates this conversation may send', params: IdParams, response: { 200: z.object({ items: z.array(WhatsappTemplate) }), ...errorResponses(common) } } },
      async (req) => {
        const c = await visibleConversation(s.actions, viewerOf(req), req.params.id);
        if (c.channel !== 'whatsapp' || c.inbox_id == null) return { items: [] };
        return { items: (await listWhatsappTemplates(s.store.db, c.inbox_id)).filter((t) => t.status === 'APPROVED').map(present) };
      },
    );

    app.post(
      '/conversations/:id/whatsapp-templates/:templateId',
      {
        schema: {
          tags: ['conversations'],
          operationId: 'sendWhatsappTemplate',
          summary: 'Send an approved WhatsApp template with its parameters (allowed outside the 24-hour window)',
          params: TemplateParams,
          body: SendTemplateRequest,
          response: { 201: Message, 200: Message, ...errorResponses(common, 'not_whatsapp', 'template_not_found', 'template_not_approved', 'template_parameters', 'not_assignee', 'customer_blocked', 'consultant_cannot_message_customer', 'conversation_not_open') },
        },
      },
      async (req, reply) => {
        const posted = await sendWhatsappTemplate(s.actions, viewerOf(req), req.params.id, { templateId: req.params.templateId, parameters: req.body.parameters, clientId: req.body.clientId });
        if (posted.created) metrics.messagesCreated.inc({ sender: 'agent' });
        reply.code(posted.created ? 201 : 200);
        return posted.message;
      },
    );
  };
}
