import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateLabelRequest,
  CreateQueueRequest,
  CreateTagRequest,
  CreateUserRequest,
  IdParams,
  LabelDefinition,
  Ok,
  Queue,
  TagKind,
  TagWithKind,
  UpdateLabelRequest,
  UpdateTagRequest,
  UpdateUserRequest,
  User,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
} from '@switchboard/protocol';
import { requireAdmin, requireAuth } from '../auth.ts';
import type { Services } from '../services.ts';
import { listUsers } from '../../store/users.ts';
import { presentUser, presentUsers } from '../../presenters/users.ts';
import type { Db } from '../../store/db.ts';
import { createLabel, createQueue, createTag, createUser, deleteLabel, deleteTag, updateLabel, updateTag, updateUser, setQueueMembership } from '../../actions/directory.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden'];

export async function listQueues(db: Db): Promise<Queue[]> {
  const [queues, members] = await Promise.all([
    db.selectFrom('queues').selectAll().orderBy('name').execute(),
    db.selectFrom('queue_members').selectAll().execute(),
  ]);
  return queues.map((q) => ({
    id: q.id,
    name: q.name,
    routingMode: q.routing_mode,
    memberIds: members.filter((m) => m.queue_id === q.id).map((m) => m.user_id),
  }));
}

/** Users, queues, tags and labels. Reading is for every signed-in user (pickers need it); writing for admins. */
export function adminRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    const db = s.store.db;

    app.get('/users', { schema: { tags: ['users'], operationId: 'listUsers', summary: 'Everyone in the workspace', response: { 200: z.object({ items: z.array(User) }), ...errorResponses(common) } } }, async () => ({
      items: await presentUsers(db, await listUsers(db)),
    }));

    app.post('/users', { schema: { tags: ['users'], operationId: 'createUser', summary: 'Create a user (admin)', body: CreateUserRequest, response: { 201: User, ...errorResponses(common, 'email_taken', 'queue_not_found') } } }, async (req, reply) => {
      const admin = requireAdmin(req);
      const user = await createUser(s.actions, admin.id, req.body);
      reply.code(201);
      return presentUser(db, user);
    });

    app.patch(
      '/users/:id',
      {
        schema: {
          tags: ['users'],
          operationId: 'updateUser',
          summary: 'Change a user’s name, role, capacity, queues, or deactivate/reactivate them (admin)',
          description: 'Refused with 409 last_admin when it would leave the workspace without an active administrator. Deactivating ends the user’s sessions; their API tokens are refused while deactivated.',
          params: IdParams,
          body: UpdateUserRequest,
          response: { 200: User, ...errorResponses(common, 'not_found', 'email_taken', 'last_admin', 'queue_not_found') },
        },
      },
      async (req) => {
        const admin = requireAdmin(req);
        return presentUser(db, await updateUser(s.actions, admin.id, req.params.id, req.body));
      },
    );

    app.get('/queues', { schema: { tags: ['queues'], operationId: 'listQueues', summary: 'Queues and their members', response: { 200: z.object({ items: z.array(Queue) }), ...errorResponses(common) } } }, async () => ({
      items: await listQueues(db),
    }));

    app.post('/queues', { schema: { tags: ['queues'], operationId: 'createQueue', summary: 'Create a queue (admin)', body: CreateQueueRequest, response: { 201: Queue, ...errorResponses(common, 'queue_name_taken') } } }, async (req, reply) => {
      const admin = requireAdmin(req);
      const id = await createQueue(s.actions, admin.id, req.body);
      reply.code(201);
      return (await listQueues(db)).find((q) => q.id === id)!;
    });

    app.put(
      '/queues/:id/members',
      { schema: { tags: ['queues'], operationId: 'setQueueMembers', summary: 'Set who serves a queue (admin)', params: IdParams, body: z.object({ memberIds: z.array(z.number().int().positive()).max(1000) }), response: { 200: Queue, ...errorResponses(common, 'not_found') } } },
      async (req) => {
        const admin = requireAdmin(req);
        await setQueueMembership(s.actions, admin.id, req.params.id, req.body.memberIds);
        return (await listQueues(db)).find((x) => x.id === req.params.id)!;
      },
    );

    app.get(
      '/tags',
      { schema: { tags: ['tags'], operationId: 'listTags', summary: 'Customer and conversation tags', querystring: z.object({ kind: TagKind.optional() }), response: { 200: z.object({ items: z.array(TagWithKind) }), ...errorResponses(common) } } },
      async (req) => {
        let q = db.selectFrom('tags').selectAll();
        if (req.query.kind) q = q.where('kind', '=', req.query.kind);
        return { items: (await q.orderBy('name').execute()).map((t) => ({ id: t.id, name: t.name, color: t.color, kind: t.kind })) };
      },
    );
    app.post(
      '/tags',
      {
        schema: {
          tags: ['tags'],
          operationId: 'createTag',
          summary: 'Create a tag (admin)',
          body: CreateTagRequest,
          response: { 201: TagWithKind, ...errorResponses(common, 'tag_name_taken') },
        },
      },
      async (req, reply) => {
        const admin = requireAdmin(req);
        const row = await createTag(s.actions, admin.id, req.body);
        reply.code(201);
        return { id: row.id, name: row.name, color: row.color, kind: row.kind };
      },
    );

    app.patch(
      '/tags/:id',
      { schema: { tags: ['tags'], operationId: 'updateTag', summary: 'Rename or recolour a tag (admin)', params: IdParams, body: UpdateTagRequest, response: { 200: TagWithKind, ...errorResponses(common, 'not_found', 'tag_name_taken') } } },
      async (req) => {
        const admin = requireAdmin(req);
        const t = await updateTag(s.actions, admin.id, req.params.id, req.body);
        return { id: t.id, name: t.name, color: t.color, kind: t.kind };
      },
    );
    app.delete(
      '/tags/:id',
      { schema: { tags: ['tags'], operationId: 'deleteTag', summary: 'Delete a tag; it is taken off every conversation and customer (admin)', params: IdParams, response: { 200: Ok, ...errorResponses(common, 'not_found') } } },
      async (req) => {
        const admin = requireAdmin(req);
        await deleteTag(s.actions, admin.id, req.params.id);
        return { ok: true as const };
      },
    );

    app.get('/labels', { schema: { tags: ['labels'], operationId: 'listLabels', summary: 'Workflow labels', response: { 200: z.object({ items: z.array(LabelDefinition) }), ...errorResponses(common) } } }, async () => ({
      items: (await db.selectFrom('labels').selectAll().orderBy('name').execute()).map((l) => ({ id: l.id, name: l.name, color: l.color, builtin: l.builtin === 1 })),
    }));
    app.post(
      '/labels',
      { schema: { tags: ['labels'], operationId: 'createLabel', summary: 'Create a custom label (admin)', body: CreateLabelRequest, response: { 201: LabelDefinition, ...errorResponses(common, 'label_name_taken') } } },
      async (req, reply) => {
        const admin = requireAdmin(req);
        const row = await createLabel(s.actions, admin.id, req.body);
        reply.code(201);
        return { id: row.id, name: row.name, color: row.color, builtin: false };
      },
    );
    app.patch(
      '/labels/:id',
      { schema: { tags: ['labels'], operationId: 'updateLabel', summary: 'Rename or recolour a label, built-in ones too (admin)', params: IdParams, body: UpdateLabelRequest, response: { 200: LabelDefinition, ...errorResponses(common, 'not_found', 'label_name_taken') } } },
      async (req) => {
        const admin = requireAdmin(req);
        const l = await updateLabel(s.actions, admin.id, req.params.id, req.body);
        return { id: l.id, name: l.name, color: l.color, builtin: l.builtin === 1 };
      },
    );
    app.delete(
      '/labels/:id',
      { schema: { tags: ['labels'], operationId: 'deleteLabel', summary: 'Delete a custom label; it is taken off every conversation (admin). Built-in labels answer 409 label_builtin.', params: IdParams, response: { 200: Ok, ...errorResponses(common, 'not_found', 'label_builtin') } } },
      async (req) => {
        const admin = requireAdmin(req);
        await deleteLabel(s.actions, admin.id, req.params.id);
        return { ok: true as const };
      },
    );
  };
}
