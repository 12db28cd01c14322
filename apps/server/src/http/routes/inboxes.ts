import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateInboxRequest,
  IdParams,
  Inbox,
  Ok,
  UpdateInboxRequest,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
} from '@switchboard/protocol';
import { requireAdmin, requireAuth } from '../auth.ts';
import type { Services } from '../services.ts';
import { notFound } from '../../errors.ts';
import { createInbox, deleteInbox, findInbox, listInboxes, presentInbox, updateInbox } from '../../channels/inboxes.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden'];
const tags = ['inboxes'];

/** Admin → Inboxes: channel instances (email addresses, WhatsApp numbers, pages, bots). Administrators only. */
export function inboxRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    app.addHook('onRequest', async (req) => {
      requireAdmin(req);
    });

    app.get('/inboxes', { schema: { tags, operationId: 'listInboxes', summary: 'Every inbox, with its settings; secrets only by name (admin)', response: { 200: z.object({ items: z.array(Inbox) }), ...errorResponses(common) } } }, async () => ({
      items: (await listInboxes(s.store.db)).map((r) => presentInbox(r, s.secrets)),
    }));

    app.post(
      '/inboxes',
      {
        schema: {
          tags,
          operationId: 'createInbox',
          summary: 'Set up an inbox (admin)',
          description: 'Settings and secrets follow the channel (see the request schema). Secrets are stored encrypted and never returned. 409 inbox_address_taken when another inbox of the channel has the address.',
          body: CreateInboxRequest,
          response: { 201: Inbox, ...errorResponses(common, 'inbox_address_taken', 'queue_not_found') },
        },
      },
      async (req, reply) => {
        const admin = requireAdmin(req);
        reply.code(201);
        return presentInbox(await createInbox(s.actions, s.secrets, admin.id, req.body), s.secrets);
      },
    );

    app.get('/inboxes/:id', { schema: { tags, operationId: 'getInbox', summary: 'One inbox (admin)', params: IdParams, response: { 200: Inbox, ...errorResponses(common, 'not_found') } } }, async (req) => {
      const row = await findInbox(s.store.db, req.params.id);
      if (!row) throw notFound('inbox');
      return presentInbox(row, s.secrets);
    });

    app.patch(
      '/inboxes/:id',
      {
        schema: {
          tags,
          operationId: 'updateInbox',
          summary: 'Change an inbox (admin)',
          description: 'Settings are sent whole and checked against the inbox’s channel; only the secrets named change, `null` removes one.',
          params: IdParams,
          body: UpdateInboxRequest,
          response: { 200: Inbox, ...errorResponses(common, 'not_found', 'inbox_address_taken', 'queue_not_found') },
        },
      },
      async (req) => {
        const admin = requireAdmin(req);
        return presentInbox(await updateInbox(s.actions, s.secrets, admin.id, req.params.id, req.body), s.secrets);
      },
    );

    app.delete('/inboxes/:id', { schema: { tags, operationId: 'deleteInbox', summary: 'Delete an inbox; its conversations stay (admin)', params: IdParams, response: { 200: Ok, ...errorResponses(common, 'not_found') } } }, async (req) => {
      const admin = requireAdmin(req);
      await deleteInbox(s.actions, admin.id, req.params.id);
      return { ok: true as const };
    });
  };
}
