import type { FastifyReply, FastifyRequest } from 'fastify';
import { canAdminister, type Viewer } from '@switchboard/core';
import type { Store } from '../store/db.ts';
import { loadViewer, type UserRow } from '../store/users.ts';
import { hashToken } from '../auth/secrets.ts';
import { AppError } from '../errors.ts';
import type { Clock } from '../clock.ts';
import type { TokenCache } from './tokenCache.ts';

export const SESSION_COOKIE = 'sb_session';
export { SESSION_TTL_MS } from '../actions/sessions.ts';

export interface Auth {
  user: UserRow;
  viewer: Viewer & { name: string };
  via: 'session' | 'token';
  sessionId: string | null;
  csrfToken: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  return null;
}

/** Resolves who is calling from the session cookie or a personal API token (Bearer). */
export async function authenticate(store: Store, clock: Clock, req: FastifyRequest, allowQueryToken = false, tokens?: TokenCache): Promise<Auth | null> {
  const db = store.db;
  const cookie = req.cookies?.[SESSION_COOKIE];
  let token = bearer(req);
  if (!token && allowQueryToken) token = (req.query as { access_token?: string } | undefined)?.access_token ?? null;
  if (cookie && !token) {
    const s = await db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .selectAll('users')
      .select(['sessions.id as session_id', 'sessions.csrf_token', 'sessions.expires_at'])
      .where('sessions.id', '=', hashToken(cookie))
      .executeTakeFirst();
    if (!s || s.expires_at < clock.now() || s.disabled) return null;
    const { session_id, csrf_token, expires_at: _e, ...user } = s;
    const viewer = await loadViewer(db, user);
    return { user, viewer: { ...viewer, name: user.name }, via: 'session', sessionId: session_id, csrfToken: csrf_token };
  }
  if (token) {
    const tokenHash = hashToken(token);
    const cached = tokens?.get(tokenHash);
    if (cached) return cached;
    const row = await db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('users')
      .select('api_tokens.id as token_id')
      .where('api_tokens.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row || row.disabled) return null;
    const { token_id: _t, ...user } = row;
    const viewer = await loadViewer(db, user);
    const auth: Auth = { user, viewer: { ...viewer, name: user.name }, via: 'token', sessionId: null, csrfToken: null };
    tokens?.set(tokenHash, auth);
    return auth;
  }
  return null;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every /api/v1 route but login goes through this: signed in, and CSRF-safe for cookie sessions. */
export async function requireAuth(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!req.auth) throw new AppError('unauthorized', 'Sign in first.', 401);
  // A cookie rides along on cross-site requests; a custom header cannot without CORS, which we never allow.
  if (req.auth.via === 'session' && !SAFE.has(req.method) && req.headers['x-csrf-token'] !== req.auth.csrfToken) {
    throw new AppError('csrf_failed', 'Missing or wrong X-CSRF-Token header.', 403);
  }
}

export function viewerOf(req: FastifyRequest): Viewer & { name: string } {
  if (!req.auth) throw new AppError('unauthorized', 'Sign in first.', 401);
  return req.auth.viewer;
}

export function requireAdmin(req: FastifyRequest): Viewer & { name: string } {
  const v = viewerOf(req);
  if (!canAdminister(v)) throw new AppError('forbidden', 'Only administrators can do that.', 403);
  return v;
}
