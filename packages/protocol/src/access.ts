import { z } from 'zod';
import { Id } from './common.ts';

/**
 * API token scopes (issue 16): the one list. Every /api/v1 route names the scope it needs
 * (apps/server/src/http/scopes.ts); a token without it gets 403 `insufficient_scope`. Sessions and
 * personal tokens hold them all; an integration token holds only those it was made with.
 */
export const SCOPES = [
  'inbound:write',
  'conversations:read',
  'conversations:write',
  'contacts:read',
  'contacts:write',
  'reports:read',
  'workspace:read',
  'account',
  'admin',
] as const;
export const Scope = z.enum(SCOPES).meta({ id: 'Scope' });
export type Scope = z.infer<typeof Scope>;

/** What each scope opens, for the docs and the admin screen. */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'inbound:write': 'Post customer messages (POST /inbound/messages), delivery reports (POST /messages/:id/delivery) and the waiting customer’s choices',
  'conversations:read': 'Read conversations, messages, requests, discussions, tickets; open the agent stream',
  'conversations:write': 'Act on conversations: reply, notes, status, assign, transfer, upload attachments, discuss',
  'contacts:read': 'Read and search contacts',
  'contacts:write': 'Create, edit, tag, block contacts',
  'reports:read': 'Reports, live view and engagement records (also as CSV)',
  'workspace:read': 'Users, queues, tags, labels, settings, canned messages, routing status',
  account: 'The token owner’s own account: /me, their tokens, password, presence, sign-out',
  admin: 'Administration: users, queues, tags, inboxes, settings, webhooks, tokens, groups, outbox (the owner must be an administrator too)',
};

export const CreateTokenRequest = z.object({ name: z.string().trim().min(1).max(80) });
export const CreatedToken = z.object({ id: Id, name: z.string(), token: z.string().describe('Shown once') });

export const PersonalToken = z.object({ id: Id, name: z.string(), createdAt: z.number(), lastUsedAt: z.number().nullable() });
export const PersonalTokenList = z.object({ items: z.array(PersonalToken) });

/** An integration token: scoped, optionally expiring, optionally rate-limited; made by an administrator. */
export const IntegrationToken = z
  .object({
    id: Id,
    name: z.string(),
    scopes: z.array(Scope),
    expiresAt: z.number().nullable().describe('Unix ms; after it the token answers 401 `token_expired`'),
    ratePerMinute: z.number().int().describe('Requests per minute this token may make (429 `rate_limited` beyond)'),
    createdBy: Id.nullable().describe('The administrator the token acts as'),
    createdAt: z.number(),
    lastUsedAt: z.number().nullable().describe('Unix ms of its last accepted request (written at most once a minute)'),
  })
  .meta({ id: 'IntegrationToken' });
export type IntegrationToken = z.infer<typeof IntegrationToken>;
export const IntegrationTokenList = z.object({ items: z.array(IntegrationToken) });

export const CreateIntegrationTokenRequest = z
  .object({
    name: z.string().trim().min(1).max(80),
    scopes: z.array(Scope).min(1).max(SCOPES.length),
    expiresAt: z.number().int().positive().nullable().optional().describe('Unix ms; omitted or null: never expires'),
    ratePerMinute: z.number().int().min(1).max(100_000).optional().describe('Default 600'),
  })
  .meta({ examples: [{ name: 'CRM inbound', scopes: ['inbound:write'], expiresAt: null, ratePerMinute: 600 }] });
export const CreatedIntegrationToken = IntegrationToken.extend({ token: z.string().describe('The secret, shown once: send it as `Authorization: Bearer …`') });

/** The rights a user group grants (core GROUP_RIGHTS; the role gives defaults, groups add). */
export const GroupRight = z.enum(['deleteConversations', 'exportReports', 'manageCannedMessages', 'seeAllQueues', 'reassignOthers']).meta({ id: 'GroupRight' });
export type GroupRight = z.infer<typeof GroupRight>;

export const UserGroup = z
  .object({ id: Id, name: z.string(), rights: z.array(GroupRight), memberIds: z.array(Id) })
  .meta({ id: 'UserGroup' });
export type UserGroup = z.infer<typeof UserGroup>;
export const UserGroupList = z.object({ items: z.array(UserGroup) });
export const SaveUserGroupRequest = z
  .object({ name: z.string().trim().min(1).max(80), rights: z.array(GroupRight).max(10), memberIds: z.array(Id).max(10_000) })
  .meta({ examples: [{ name: 'Team leads', rights: ['deleteConversations', 'reassignOthers'], memberIds: [3, 4] }] });
export type SaveUserGroupRequest = z.infer<typeof SaveUserGroupRequest>;
