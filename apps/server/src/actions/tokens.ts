import type { IntegrationToken, Scope } from '@switchboard/protocol';
import { canAdminister, type Viewer } from '@switchboard/core';
import { AppError, forbidden } from '../errors.ts';
import { hashToken, newToken } from '../auth/secrets.ts';
import type { Db } from '../store/db.ts';
import type { ApiTokensTable } from '../store/schema.ts';
import type { Selectable } from 'kysely';
import { runAction, type ActionContext } from './context.ts';
import { credentialsEnded } from './credentials.ts';

export interface ApiTokenSummary {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** A user's personal API tokens (never the secret: only its hash is stored). */
export async function listApiTokens(db: Db, userId: number): Promise<ApiTokenSummary[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).where('kind', '=', 'personal').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/** A personal API token (Bearer) for integrations: the secret is shown once, here. */
export async function createApiToken(ctx: ActionContext, userId: number, name: string): Promise<{ id: number; name: string; token: string }> {
  const token = newToken('sbt');
  const now = ctx.clock.now();
  const row = await runAction(ctx, (tx) =>
    tx.insertInto('api_tokens').values({ user_id: userId, name, token_hash: hashToken(token), created_at: now, last_used_at: null, kind: 'personal', scopes: null, expires_at: null, rate_per_minute: null }).returning('id').executeTakeFirstOrThrow(),
  );
  return { id: row.id, name, token };
}

/** Revokes one of the user's own tokens; someone else's is not there for them. */
export async function revokeApiToken(ctx: ActionContext, userId: number, tokenId: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const res = await tx.deleteFrom('api_tokens').where('id', '=', tokenId).where('user_id', '=', userId).where('kind', '=', 'personal').executeTakeFirst();
    if (!Number(res.numDeletedRows)) throw new AppError('not_found', 'No such token.', 404);
    // Every node's gateway closes the sockets opened with this token (actions/credentials.ts).
    emit(credentialsEnded(userId, [`token:${tokenId}`], now));
  });
}

/** Notes a token's use (http/auth.ts writes it at most once a minute): not an event, like a session's. */
export async function touchApiToken(ctx: ActionContext, tokenId: number, now: number): Promise<void> {
  await ctx.store.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', tokenId).execute();
}

function presentIntegrationToken(r: Selectable<ApiTokensTable>): IntegrationToken {
  let scopes: Scope[] = [];
  try {
    scopes = JSON.parse(r.scopes ?? '[]') as Scope[];
  } catch {
    scopes = [];
  }
  return { id: r.id, name: r.name, scopes, expiresAt: r.expires_at, ratePerMinute: r.rate_per_minute ?? 600, createdBy: r.user_id, createdAt: r.created_at, lastUsedAt: r.last_used_at };
}

/** The workspace's integration tokens, newest last (administrators only). */
export async function listIntegrationTokens(db: Db, viewer: Viewer): Promise<IntegrationToken[]> {
  if (!canAdminister(viewer)) throw forbidden('Only administrators manage integration tokens.');
  const rows = await db.selectFrom('api_tokens').selectAll().where('kind', '=', 'integration').orderBy('id').execute();
  return rows.map(presentIntegrationToken);
}

/**
 * An integration token (issue 16): only its scopes, until its expiry, at its own rate. It acts as
 * the administrator who made it, so it never reaches further than they do; the secret is shown once.
 */
export async function createIntegrationToken(
  ctx: ActionContext,
  admin: Viewer,
  input: { name: string; scopes: Scope[]; expiresAt?: number | null; ratePerMinute?: number },
): Promise<IntegrationToken & { token: string }> {
  if (!canAdminister(admin)) throw forbidden('Only administrators manage integration tokens.');
  const now = ctx.clock.now();
  if (input.expiresAt != null && input.expiresAt <= now) throw new AppError('validation_failed', 'The expiry must be in the future.', 400);
  const token = newToken('sbi');
  const scopes = [...new Set(input.scopes)];
  const row = await runAction(ctx, (tx) =>
    tx
      .insertInto('api_tokens')
      .values({
        user_id: admin.id,
        name: input.name,
        token_hash: hashToken(token),
        created_at: now,
        last_used_at: null,
        kind: 'integration',
        scopes: JSON.stringify(scopes),
        expires_at: input.expiresAt ?? null,
        rate_per_minute: input.ratePerMinute ?? 600,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return { ...presentIntegrationToken(row), token };
}

/** Revokes an integration token: its sockets close on every node, cached sign-ins are dropped. */
export async function revokeIntegrationToken(ctx: ActionContext, admin: Viewer, tokenId: number): Promise<void> {
  if (!canAdminister(admin)) throw forbidden('Only administrators manage integration tokens.');
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const row = await tx.deleteFrom('api_tokens').where('id', '=', tokenId).where('kind', '=', 'integration').returning('user_id').executeTakeFirst();
    if (!row) throw new AppError('not_found', 'No such token.', 404);
    emit(credentialsEnded(row.user_id, [`token:${tokenId}`], now));
  });
}
