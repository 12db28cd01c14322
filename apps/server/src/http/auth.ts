import type { FastifyReply, FastifyRequest } from 'fastify';
import { canAdminister, type Viewer } from '@switchboard/core';
import { loadViewer, type UserRow } from '../store/users.ts';
import { hashToken } from '../auth/secrets.ts';
import { AppError } from '../errors.ts';
import type { ActionContext } from '../actions/context.ts';
import { endIdleSession, touchSession } from '../actions/sessions.ts';
import type { TokenCache } from './tokenCache.ts';
import { SCOPES, type Scope } from '@switchboard/protocol';
import { touchApiToken } from '../actions/tokens.ts';
import type { RouteScope } from './scopes.ts';

export const SESSION_COOKIE = 'sb_session';
export { SESSION_TTL_MS } from '../actions/sessions.ts';

export interface Auth {
  user: UserRow;
  /** `bot`: an agent bot calling with its token (its messages are the bot's, not an agent's). */
  viewer: Viewer & { name: string; bot?: boolean };
  via: 'session' | 'token';
  sessionId: string | null;
  tokenId: number | null;
  csrfToken: string | null;
  /** What this credential may reach (http/scopes.ts): every scope but for an integration or bot token. */
  scopes: ReadonlySet<Scope>;
  /** An integration or bot token's own limit of requests per minute; null: no per-token limit. */
  ratePerMinute: number | null;
}

/** Why a credential that was sent signs nobody in, when it is worth telling (an expired token). */
export type AuthRefusal = 'token_expired';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
    authRefusal: AuthRefusal | null;
  }
}

const EVERY_SCOPE: ReadonlySet<Scope> = new Set(SCOPES);
/** An integration token made without a limit may make this many requests a minute. */
export const DEFAULT_TOKEN_RATE_PER_MINUTE = 600;

/** A stored scope list, keeping only scopes this version knows (an unknown one opens nothing). */
function parseScopes(json: string | null): ReadonlySet<Scope> {
  if (json === null) return EVERY_SCOPE;
  try {
    const list: unknown = JSON.parse(json);
    return new Set(Array.isArray(list) ? SCOPES.filter((sc) => list.includes(sc)) : []);
  } catch {
    return new Set();
  }
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  return null;
}

/** How long a session may sit unused before it ends (SESSION_IDLE_MINUTES). */
export const DEFAULT_IDLE_MS = 8 * 3600 * 1000;
/** A session's last use is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

/** A browser session by the hash of its cookie: expired, idle or disabled users get nothing. */
export async function authBySession(ctx: ActionContext, sessionHash: string, idleMs = DEFAULT_IDLE_MS): Promise<Auth | null> {
  const db = ctx.store.db;
  const s = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.id as session_id', 'sessions.csrf_token', 'sessions.expires_at', 'sessions.created_at as session_created_at', 'sessions.last_seen_at'])
    .where('sessions.id', '=', sessionHash)
    .executeTakeFirst();
  const now = ctx.clock.now();
  if (!s || s.expires_at < now || s.disabled) return null;
  const lastSeen = s.last_seen_at ?? s.session_created_at;
  if (now - lastSeen > idleMs) {
    await endIdleSession(ctx, s.id, sessionHash);
    return null;
  }
  if (now - lastSeen > TOUCH_EVERY_MS) await touchSession(ctx, sessionHash, now);
  const { session_id, csrf_token, expires_at: _e, session_created_at: _c, last_seen_at: _l, ...user } = s;
  const viewer = await loadViewer(db, user);
  return { user, viewer: { ...viewer, name: user.name }, via: 'session', sessionId: session_id, tokenId: null, csrfToken: csrf_token, scopes: EVERY_SCOPE, ratePerMinute: null };
}

/** A token's last use is written at most this often. */
const TOKEN_TOUCH_EVERY_MS = 60_000;

/**
 * An API token, by its hash or (for a stream ticket issued on it) its id: a personal one acts as its
 * user with every scope, an integration one (or an agent bot's, actions/bots.ts) with its scopes only,
 * until it expires ('expired').
 */
export async function authByToken(ctx: ActionContext, by: { hash: string } | { id: number }, tokens?: TokenCache): Promise<Auth | AuthRefusal | null> {
  const cacheKey = 'hash' in by ? by.hash : null;
  const cached = cacheKey ? tokens?.get(cacheKey) : null;
  const now = ctx.clock.now();
  if (cached) return cached.expiresAt !== null && cached.expiresAt <= now ? 'token_expired' : cached.auth;
  if (cacheKey && tokens) return tokens.lookUpOnce(cacheKey, (generation) => lookUpToken(ctx, by, now, (auth, expiresAt) => tokens.set(cacheKey, auth, expiresAt, generation)));
  return lookUpToken(ctx, by, now);
}

async function lookUpToken(ctx: ActionContext, by: { hash: string } | { id: number }, now: number, keep?: (auth: Auth, expiresAt: number | null) => void): Promise<Auth | AuthRefusal | null> {
  const db = ctx.store.db;
  let q = db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select(['api_tokens.id as token_id', 'api_tokens.kind as token_kind', 'api_tokens.scopes as token_scopes', 'api_tokens.expires_at as token_expires_at', 'api_tokens.rate_per_minute as token_rate', 'api_tokens.last_used_at as token_last_used_at']);
  q = 'hash' in by ? q.where('api_tokens.token_hash', '=', by.hash) : q.where('api_tokens.id', '=', by.id);
  const row = await q.executeTakeFirst();
  if (!row || row.disabled) return null;
  const { token_id, token_kind, token_scopes, token_expires_at, token_rate, token_last_used_at, ...user } = row;
  if (token_expires_at !== null && token_expires_at <= now) return 'token_expired';
  if (token_last_used_at === null || now - token_last_used_at > TOKEN_TOUCH_EVERY_MS) await touchApiToken(ctx, token_id, now);
  const viewer = await loadViewer(db, user);
  // Integration and bot tokens hold their stored scopes and a rate of their own; personal ones all.
  const scoped = token_kind !== 'personal';
  const auth: Auth = {
    user,
    viewer: { ...viewer, name: user.name, ...(user.kind === 'bot' ? { bot: true } : {}) },
    via: 'token',
    sessionId: null,
    tokenId: token_id,
    csrfToken: null,
    scopes: scoped ? parseScopes(token_scopes) : EVERY_SCOPE,
    ratePerMinute: scoped ? (token_rate ?? DEFAULT_TOKEN_RATE_PER_MINUTE) : null,
  };
  keep?.(auth, token_expires_at);
  return auth;
}

/** The credential a sign-in rests on, as named in stream tickets and `credential.ended` events. */
export function credentialOf(auth: Auth): string {
  return auth.sessionId ? `session:${auth.sessionId}` : `token:${auth.tokenId}`;
}

/** The sign-in behind a credential name (a redeemed stream ticket), if it still holds. */
export async function authByCredential(ctx: ActionContext, credential: string, idleMs?: number): Promise<Auth | AuthRefusal | null> {
  const [kind, id] = [credential.slice(0, credential.indexOf(':')), credential.slice(credential.indexOf(':') + 1)];
  if (kind === 'session') return authBySession(ctx, id, idleMs);
  if (kind === 'token' && /^\d+$/.test(id)) return authByToken(ctx, { id: Number(id) });
  return null;
}

/**
 * Resolves who is calling from the session cookie or a personal API token (Bearer header). Never
 * from the URL: query strings end up in logs and browser history.
 */
export async function authenticate(ctx: ActionContext, req: FastifyRequest, tokens?: TokenCache, idleMs?: number): Promise<Auth | AuthRefusal | null> {
  const cookie = req.cookies?.[SESSION_COOKIE];
  const token = bearer(req);
  if (cookie && !token) return authBySession(ctx, hashToken(cookie), idleMs);
  if (token) return authByToken(ctx, { hash: hashToken(token) }, tokens);
  return null;
}

/**
 * The credential's reach, for the route's scope (http/scopes.ts): an expired token is told so on
 * any route that takes a credential, a token without the scope gets 403 `insufficient_scope`.
 */
export function refuseOutOfScope(req: FastifyRequest, scope: RouteScope | undefined): void {
  if (scope === undefined || scope === 'public') return;
  if (req.authRefusal === 'token_expired') throw new AppError('token_expired', 'This API token has expired; create a new one.', 401);
  if (req.auth && !req.auth.scopes.has(scope)) {
    throw new AppError('insufficient_scope', `This API token lacks the ${scope} scope this route needs.`, 403, { needed: scope });
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What a user whose password was reset may still do: see who they are, choose a new one, sign out. */
const WHILE_RESET = /^(GET \/api\/v1\/me|POST \/api\/v1\/me\/password|POST \/api\/v1\/auth\/(logout|login)|GET \/api\/v1\/auth\/session)(\?|$)/;

/** After an administrator's reset, nothing else works until the user has chosen a new password. */
export function refuseUntilPasswordChanged(req: FastifyRequest): void {
  if (req.auth?.user.must_change_password && !WHILE_RESET.test(`${req.method} ${req.url}`)) {
    throw new AppError('password_change_required', 'Choose a new password first (POST /api/v1/me/password).', 403);
  }
}

/** Every /api/v1 route but login goes through this: signed in, and CSRF-safe for cookie sessions. */
export async function requireAuth(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (req.authRefusal === 'token_expired') throw new AppError('token_expired', 'This API token has expired; create a new one.', 401);
  if (!req.auth) throw new AppError('unauthorized', 'Sign in first.', 401);
  // A cookie rides along on cross-site requests; a custom header cannot without CORS, which we never allow.
  if (req.auth.via === 'session' && !SAFE.has(req.method) && req.headers['x-csrf-token'] !== req.auth.csrfToken) {
    throw new AppError('csrf_failed', 'Missing or wrong X-CSRF-Token header.', 403);
  }
}

export function viewerOf(req: FastifyRequest): Auth['viewer'] {
  if (!req.auth) throw new AppError('unauthorized', 'Sign in first.', 401);
  return req.auth.viewer;
}

export function requireAdmin(req: FastifyRequest): Viewer & { name: string } {
  const v = viewerOf(req);
  if (!canAdminister(v)) throw new AppError('forbidden', 'Only administrators can do that.', 403);
  return v;
}
