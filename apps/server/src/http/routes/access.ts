import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreatedIntegrationToken,
  CreateIntegrationTokenRequest,
  IdParams,
  IntegrationTokenList,
  Ok,
  SaveUserGroupRequest,
  UserGroup,
  UserGroupList,
  errorResponses,
  SIGNED_IN,
  type ErrorCode,
} from '@switchboard/protocol';
import { requireAdmin, requireAuth } from '../auth.ts';
import type { Services } from '../services.ts';
import { createIntegrationToken, listIntegrationTokens, revokeIntegrationToken } from '../../actions/tokens.ts';
import { createGroup, deleteGroup, updateGroup } from '../../actions/groups.ts';
import { listGroups } from '../../store/groups.ts';

const common: readonly ErrorCode[] = [...SIGNED_IN, 'forbidden'];

/**
 * Admin → Integrations → API tokens and Admin → Groups (issue 16 items 3 and 4): scoped integration
 * tokens (docs/tokens.md) and user groups with rights. Administrators only (scope `admin`).
 */
export function accessRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', requireAuth);
    const db = s.store.db;

    app.get(
      '/admin/tokens',
      { schema: { tags: ['integrations'], operationId: 'listIntegrationTokens', summary: 'Integration tokens with their scopes, expiry and last use (admin)', response: { 200: IntegrationTokenList, ...errorResponses(common) } } },
      async (req) => ({ items: await listIntegrationTokens(db, requireAdmin(req)) }),
    );
    app.post(
      '/admin/tokens',
      {
        schema: {
          tags: ['integrations'],
          operationId: 'createIntegrationToken',
          summary: 'Create an integration token: only the given scopes, an optional expiry, its own rate limit; the secret is in this answer only (admin)',
          body: CreateIntegrationTokenRequest,
          response: { 201: CreatedIntegrationToken, ...errorResponses(common) },
        },
      },
      async (req, reply) => {
        const created = await createIntegrationToken(s.actions, requireAdmin(req), req.body);
        reply.code(201);
        return created;
      },
    );
    app.delete(
      '/admin/tokens/:id',
      { schema: { tags: ['integrations'], operationId: 'revokeIntegrationToken', summary: 'Revoke an integration token at once (admin)', params: IdParams, response: { 200: Ok, ...errorResponses(common, 'not_found') } } },
      async (req) => {
        await revokeIntegrationToken(s.actions, requireAdmin(req), req.params.id);
        return { ok: true as const };
      },
    );

    app.get('/admin/groups', { schema: { tags: ['users'], operationId: 'listUserGroups', summary: 'User groups, their rights and members (admin)', response: { 200: UserGroupList, ...errorResponses(common) } } }, async (req) => {
      requireAdmin(req);
      return { items: await listGroups(db) };
    });
    app.post(
      '/admin/groups',
      {
        schema: {
          tags: ['users'],
          operationId: 'createUserGroup',
          summary: 'Create a user group: its rights are added to its members’ role defaults (admin)',
          body: SaveUserGroupRequest,
          response: { 201: UserGroup, ...errorResponses(common, 'group_name_taken', 'reference_not_found') },
        },
      },
      async (req, reply) => {
        const g = await createGroup(s.actions, requireAdmin(req), req.body);
        reply.code(201);
        return g;
      },
    );
    app.put(
      '/admin/groups/:id',
      {
        schema: { tags: ['users'], operationId: 'updateUserGroup', summary: 'Rename a user group, set its rights and members (admin)', params: IdParams, body: SaveUserGroupRequest, response: { 200: UserGroup, ...errorResponses(common, 'not_found', 'group_name_taken', 'reference_not_found') } },
      },
      async (req) => updateGroup(s.actions, requireAdmin(req), req.params.id, req.body),
    );
    app.delete(
      '/admin/groups/:id',
      { schema: { tags: ['users'], operationId: 'deleteUserGroup', summary: 'Delete a user group: its members keep their role’s defaults only (admin)', params: IdParams, response: { 200: Ok, ...errorResponses(common, 'not_found') } } },
      async (req) => {
        await deleteGroup(s.actions, requireAdmin(req), req.params.id);
        return { ok: true as const };
      },
    );
  };
}
