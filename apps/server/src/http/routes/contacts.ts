import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Contact,
  ContactSearchQuery,
  CreateContactRequest,
  Id,
  IdParams,
  SetContactTagRequest,
  UpdateContactRequest,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
} from '@switchboard/protocol';
import { sql } from 'kysely';
import { canBrowseContacts } from '@switchboard/core';
import { presentContacts } from '../../presenters/contacts.ts';
import { requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { createContact, reachContact, removeContactTag, setContactTag, setCustomerBlocked, updateContact } from '../../actions/contacts.ts';
import { contactVisibleTo } from '../../store/contacts.ts';
import { notFound } from '../../errors.ts';
import { phoneDigits } from '../../store/search.ts';

const tags = ['contacts'];
const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden', 'not_found'];

export function contactRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);

    app.get(
      '/contacts',
      { schema: { tags, operationId: 'searchContacts', summary: 'Search contacts by name, email or phone', querystring: ContactSearchQuery, response: { 200: z.object({ items: z.array(Contact) }), ...errorResponses(common) } } },
      async (req) => {
        // Only the contacts the viewer may see (core `canSeeContact`), whatever the search.
        const viewer = viewerOf(req);
        let q = s.store.db.selectFrom('contacts').selectAll();
        if (!canBrowseContacts(viewer)) q = q.where((eb) => contactVisibleTo(eb, viewer));
        if (req.query.q) {
          const p = `%${req.query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
          const digits = req.query.q.replace(/[^0-9]/g, '');
          q = q.where((eb) =>
            eb.or([
              eb(sql`lower(name)`, 'like', sql`${p} escape '\\'`),
              eb(sql`lower(email)`, 'like', sql`${p} escape '\\'`),
              ...(digits.length >= 3 ? [eb(phoneDigits('phone'), 'like', `%${digits}%`)] : []),
            ]),
          );
        }
        const rows = await q.orderBy('name').limit(req.query.limit).execute();
        return { items: await presentContacts(s.store.db, rows) };
      },
    );

    app.post('/contacts', { schema: { tags, operationId: 'createContact', summary: 'Create a contact', body: CreateContactRequest, response: { 201: Contact, ...errorResponses(common, 'identity_taken', 'too_many_attributes') } } }, async (req, reply) => {
      reply.code(201);
      return createContact(s.actions, viewerOf(req), req.body);
    });

    app.get('/contacts/:id', { schema: { tags, operationId: 'getContact', summary: 'One contact', params: IdParams, response: { 200: Contact, ...errorResponses(common) } } }, async (req) => {
      await reachContact(s.store.db, viewerOf(req), req.params.id, 'read');
      const row = await s.store.db.selectFrom('contacts').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      if (!row) throw notFound('contact');
      return (await presentContacts(s.store.db, [row]))[0]!;
    });

    app.patch(
      '/contacts/:id',
      { schema: { tags, operationId: 'updateContact', summary: 'Edit a contact (custom attributes merge)', params: IdParams, body: UpdateContactRequest, response: { 200: Contact, ...errorResponses(common, 'identity_taken', 'too_many_attributes') } } },
      async (req) => updateContact(s.actions, viewerOf(req), req.params.id, req.body),
    );

    app.post('/contacts/:id/block', { schema: { tags, operationId: 'blockContact', summary: 'Block the customer: no messages either way', params: IdParams, response: { 200: Contact, ...errorResponses(common) } } }, async (req) =>
      setCustomerBlocked(s.actions, viewerOf(req), req.params.id, true),
    );
    app.post('/contacts/:id/unblock', { schema: { tags, operationId: 'unblockContact', summary: 'Unblock the customer', params: IdParams, response: { 200: Contact, ...errorResponses(common) } } }, async (req) =>
      setCustomerBlocked(s.actions, viewerOf(req), req.params.id, false),
    );

    app.put(
      '/contacts/:id/tags',
      { schema: { tags, operationId: 'setContactTag', summary: 'Add a customer tag, or pin/unpin it', params: IdParams, body: SetContactTagRequest, response: { 200: Contact, ...errorResponses(common, 'tag_not_found') } } },
      async (req) => setContactTag(s.actions, viewerOf(req), req.params.id, req.body.tagId, req.body.pinned),
    );
    app.delete(
      '/contacts/:id/tags/:tagId',
      { schema: { tags, operationId: 'removeContactTag', summary: 'Remove a customer tag', params: z.object({ id: Id, tagId: Id }), response: { 200: Contact, ...errorResponses(common) } } },
      async (req) => removeContactTag(s.actions, viewerOf(req), req.params.id, req.params.tagId),
    );
  };
}
