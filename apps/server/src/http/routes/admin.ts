import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateLabelRequest,
  CreateQueueRequest,
  CreateTagRequest,
  CreateUserRequest,
  ErrorBody,
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
} from '@switchboard/protocol';
import { requireAdmin, requireAuth } from '../auth.ts';
import type { Services } from '../services.ts';
import { listUsers } from '../../store/users.ts';
import { presentUser, presentUsers } from '../../presenters/users.ts';
import type { Db } from '../../store/db.ts';
import { createLabel, createQueue, createTag, createUser, deleteLabel, deleteTag, updateLabel, updateTag, updateUser, setQueueMembership } from '../../actions/directory.ts';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

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

    app.get('/users', { schema: { tags: ['users'], summary: 'Everyone in the workspace', response: { 200: z.object({ items: z.array(User) }), ...errors } } }, async () => ({
      items: await presentUsers(db, await listUsers(db)),
    }));

    app.post('/users', { schema: { tags: ['users'], summary: 'Create a user (admin)', body: CreateUserRequest, response: { 201: User, ...errors } } }, async (req, reply) => {
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
          summary: 'Change a user’s name, role, capacity, queues, or deactivate/reactivate them (admin)',
          description: 'Refused with 409 last_admin when it would leave the workspace without an active administrator. Deactivating ends the user’s sessions; their API tokens are refused while deactivated.',
          params: IdParams,
          body: UpdateUserRequest,
          response: { 200: User, ...errors },
        },
      },
      async (req) => {
        const admin = requireAdmin(req);
        return presentUser(db, await updateUser(s.actions, admin.id, req.params.id, req.body));
      },
    );

    app.get('/queues', { schema: { tags: ['queues'], summary: 'Queues and their members', response: { 200: z.object({ items: z.array(Queue) }), ...errors } } }, async () => ({
      items: await listQueues(db),
    }));

    app.post('/queues', { schema: { tags: ['queues'], summary: 'Create a queue (admin)', body: CreateQueueRequest, response: { 201: Queue, ...errors } } }, async (req, reply) => {
      const admin = requireAdmin(req);
      const id = await createQueue(s.actions, admin.id, req.body);
      reply.code(201);
      return (await listQueues(db)).find((q) => q.id === id)!;
    });

    app.put(
      '/queues/:id/members',
      { schema: { tags: ['queues'], summary: 'Set who serves a queue (admin)', params: IdParams, body: z.object({ memberIds: z.array(z.number().int().positive()).max(1000) }), response: { 200: Queue, ...errors } } },
      async (req) => {
        const admin = requireAdmin(req);
        await setQueueMembership(s.actions, admin.id, req.params.id, req.body.memberIds);
        return (await listQueues(db)).find((x) => x.id === req.params.id)!;
      },
    );

    app.get(
      '/tags',
      { schema: { tags: ['tags'], summary: 'Customer and conversation tags', querystring: z.object({ kind: TagKind.optional() }), response: { 200: z.object({ items: z.array(TagWithKind) }), ...errors } } },
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
          summary: 'Create a tag (admin)',
          body: CreateTagRequest,
          response: { 201: TagWithKind, ...errors },
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
      { schema: { tags: ['tags'], summary: 'Rename or recolour a tag (admin)', params: IdParams, body: UpdateTagRequest, response: { 200: TagWithKind, ...errors } } },
      async (req) => {
        const admin = requireAdmin(req);
        const t = await updateTag(s.actions, admin.id, req.params.id, req.body);
        return { id: t.id, name: t.name, color: t.color, kind: t.kind };
      },
    );
    app.delete(
      '/tags/:id',
      { schema: { tags: ['tags'], summary: 'Delete a tag; it is taken off every conversation and customer (admin)', params: IdParams, response: { 200: Ok, ...errors } } },
      async (req) => {
        const admin = requireAdmin(req);
        await deleteTag(s.actions, admin.id, req.params.id);
        return { ok: true as const };
      },
    );

    app.get('/labels', { schema: { tags: ['labels'], summary: 'Workflow labels', response: { 200: z.object({ items: z.array(LabelDefinition) }), ...errors } } }, async () => ({
      items: (await db.selectFrom('labels').selectAll().orderBy('name').execute()).map((l) => ({ id: l.id, name: l.name, color: l.color, builtin: l.builtin === 1 })),
    }));
    app.post(
      '/labels',
      { schema: { tags: ['labels'], summary: 'Create a custom label (admin)', body: CreateLabelRequest, response: { 201: LabelDefinition, ...errors } } },
      async (req, reply) => {
        const admin = requireAdmin(req);
        const row = await createLabel(s.actions, admin.id, req.body);
        reply.code(201);
        return { id: row.id, name: row.name, color: row.color, builtin: false };
      },
    );
    app.patch(
      '/labels/:id',
      { schema: { tags: ['labels'], summary: 'Rename or recolour a label, built-in ones too (admin)', params: IdParams, body: UpdateLabelRequest, response: { 200: LabelDefinition, ...errors } } },
      async (req) => {
        const admin = requireAdmin(req);
        const l = await updateLabel(s.actions, admin.id, req.params.id, req.body);
        return { id: l.id, name: l.name, color: l.color, builtin: l.builtin === 1 };
      },
    );
    app.delete(
      '/labels/:id',
      { schema: { tags: ['labels'], summary: 'Delete a custom label; it is taken off every conversation (admin). Built-in labels answer 409 label_builtin.', params: IdParams, response: { 200: Ok, ...errors } } },
      async (req) => {
        const admin = requireAdmin(req);
        await deleteLabel(s.actions, admin.id, req.params.id);
        return { ok: true as const };
      },
    );
  };
}
