import { AppError } from '../errors.ts';
import { hashToken, newToken } from '../auth/secrets.ts';
import type { Db } from '../store/db.ts';
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
  const rows = await db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

/** A personal API token (Bearer) for integrations: the secret is shown once, here. */
export async function createApiToken(ctx: ActionContext, userId: number, name: string): Promise<{ id: number; name: string; token: string }> {
  const token = newToken('sbt');
  const now = ctx.clock.now();
  const row = await runAction(ctx, (tx) =>
    tx.insertInto('api_tokens').values({ user_id: userId, name, token_hash: hashToken(token), created_at: now, last_used_at: null }).returning('id').executeTakeFirstOrThrow(),
  );
  return { id: row.id, name, token };
}

/** Revokes one of the user's own tokens; someone else's is not there for them. */
export async function revokeApiToken(ctx: ActionContext, userId: number, tokenId: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const res = await tx.deleteFrom('api_tokens').where('id', '=', tokenId).where('user_id', '=', userId).executeTakeFirst();
    if (!Number(res.numDeletedRows)) throw new AppError('not_found', 'No such token.', 404);
    // Every node's gateway closes the sockets opened with this token (actions/credentials.ts).
    emit(credentialsEnded(userId, [`token:${tokenId}`], now));
  });
}
