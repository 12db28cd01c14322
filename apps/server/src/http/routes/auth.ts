import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import crypto from 'node:crypto';
import { CreateTokenRequest, CreatedToken, ErrorBody, IdParams, LoginRequest, Me, Ok } from '@switchboard/protocol';
import { findUser, findUserByEmail } from '../../store/users.ts';
import { setPresence } from '../../routing/actions.ts';
import { hashPassword, hashToken, newToken, verifyPassword } from '../../auth/secrets.ts';
import { AppError } from '../../errors.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, requireAuth, viewerOf } from '../auth.ts';
import type { Services } from '../services.ts';
import { presentUser } from '../../presenters/users.ts';

// Verifying against a real hash when the email is unknown keeps timing from revealing which emails exist.
const dummyHash = hashPassword(crypto.randomBytes(12).toString('hex'));

export function authRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/auth/login',
      {
        // Per address and account: slows password guessing without locking out a whole office behind one NAT.
        config: { rateLimit: { max: 10, timeWindow: '1 minute', hook: 'preHandler', keyGenerator: (req) => `${req.ip}:${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}` } },
        schema: { tags: ['auth'], summary: 'Sign in with email and password', body: LoginRequest, response: { 200: Me, 401: ErrorBody, 429: ErrorBody } },
      },
      async (req, reply) => {
        const user = await findUserByEmail(s.store.db, req.body.email);
        const ok = await verifyPassword(req.body.password, user?.password_hash ?? (await dummyHash));
        if (!user || !ok || user.disabled) throw new AppError('invalid_credentials', 'Wrong email or password.', 401);
        const cookie = newToken('sbs');
        const csrfToken = crypto.randomBytes(24).toString('base64url');
        const now = s.clock.now();
        await s.store.db
          .insertInto('sessions')
          .values({ id: hashToken(cookie), user_id: user.id, csrf_token: csrfToken, created_at: now, expires_at: now + SESSION_TTL_MS })
          .execute();
        reply.setCookie(SESSION_COOKIE, cookie, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: s.config.secureCookies,
          maxAge: SESSION_TTL_MS / 1000,
        });
        return { user: await presentUser(s.store.db, user), csrfToken };
      },
    );

    app.post(
      '/auth/logout',
      { preHandler: requireAuth, schema: { tags: ['auth'], summary: 'Sign out (ends this session)', response: { 200: Ok } } },
      async (req, reply) => {
        if (req.auth?.sessionId) {
          await s.store.db.deleteFrom('sessions').where('id', '=', req.auth.sessionId).execute();
          // Signing out of the last browser means the agent has left: no more offers to them.
          const other = await s.store.db.selectFrom('sessions').select('id').where('user_id', '=', req.auth.user.id).where('expires_at', '>', s.clock.now()).limit(1).executeTakeFirst();
          if (!other) await setPresence(s.actions, req.auth.viewer, 'offline');
        }
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true as const };
      },
    );

    app.get('/me', { preHandler: requireAuth, schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: Me, 401: ErrorBody } } }, async (req) => ({
      // Fresh from the database: a token's sign-in may come from the short-lived cache.
      user: await presentUser(s.store.db, (await findUser(s.store.db, req.auth!.user.id)) ?? req.auth!.user),
      csrfToken: req.auth!.csrfToken,
    }));

    const TokenList = z.object({
      items: z.array(z.object({ id: z.number(), name: z.string(), createdAt: z.number(), lastUsedAt: z.number().nullable() })),
    });
    app.get('/me/tokens', { preHandler: requireAuth, schema: { tags: ['auth'], summary: 'Your personal API tokens', response: { 200: TokenList } } }, async (req) => {
      const rows = await s.store.db.selectFrom('api_tokens').selectAll().where('user_id', '=', viewerOf(req).id).orderBy('id').execute();
      return { items: rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at })) };
    });

    app.post(
      '/me/tokens',
      {
        preHandler: requireAuth,
        schema: { tags: ['auth'], summary: 'Create a personal API token (Bearer) for integrations', body: CreateTokenRequest, response: { 201: CreatedToken } },
      },
      async (req, reply) => {
        const token = newToken('sbt');
        const row = await s.store.db
          .insertInto('api_tokens')
          .values({ user_id: viewerOf(req).id, name: req.body.name, token_hash: hashToken(token), created_at: s.clock.now(), last_used_at: null })
          .returning('id')
          .executeTakeFirstOrThrow();
        reply.code(201);
        return { id: row.id, name: req.body.name, token };
      },
    );

    app.delete(
      '/me/tokens/:id',
      { preHandler: requireAuth, schema: { tags: ['auth'], summary: 'Revoke a personal API token', params: IdParams, response: { 200: Ok, 404: ErrorBody } } },
      async (req) => {
        const res = await s.store.db.deleteFrom('api_tokens').where('id', '=', req.params.id).where('user_id', '=', viewerOf(req).id).executeTakeFirst();
        if (!Number(res.numDeletedRows)) throw new AppError('not_found', 'No such token.', 404);
        return { ok: true as const };
      },
    );
  };
}
