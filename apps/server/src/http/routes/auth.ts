import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import { z } from 'zod';
import { abilitiesOf } from '@switchboard/core';
import {
  CreateTokenRequest,
  CreatedToken,
  IdParams,
  LoginRequest,
  Me,
  SessionState,
  Ok,
  StreamTicket,
  ChangePasswordRequest,
  ResetPasswordRequest,
  errorResponses,
  SIGNED_IN,
} from '@switchboard/protocol';
import { findUser, loadViewer } from '../../store/users.ts';
import { signIn, signOut } from '../../actions/sessions.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../../actions/tokens.ts';
import { SESSION_COOKIE, SESSION_TTL_MS, credentialOf, requireAuth, viewerOf } from '../auth.ts';
import { issueStreamTicket } from '../../actions/credentials.ts';
import { changeOwnPassword, resetPassword } from '../../actions/passwords.ts';
import type { Services } from '../services.ts';
import { presentUser } from '../../presenters/users.ts';

/** Sign-in attempts per minute from one address for one account, and from one address in all. */
export const SIGN_IN_LIMITS = { perAccountAndAddress: 10, perAddress: 30 };

export function authRoutes(s: Services): FastifyPluginAsyncZod {
  return async (app) => {
    // Two limits, counted separately (issue 9): per account *from one address* slows guessing one
    // password without letting someone else's address lock the owner out; per address across all
    // accounts limits password spraying (one password tried on many accounts) from one place. The
    // second counts only *failed* sign-ins, so an office behind one address can start its day.
    // (The plugin runs one limit per request, so the per-address one is counted here by hand; an
    // address over it is refused by this node until its window ends, the count itself is shared.)
    const addressLimit = app.createRateLimit({ max: SIGN_IN_LIMITS.perAddress, timeWindow: '1 minute', keyGenerator: (req) => `signin-address:${req.ip}` });
    const blockedUntil = new Map<string, number>();
    const refuse = (reply: FastifyReply, seconds: number): never => {
      reply.header('retry-after', String(seconds));
      throw new AppError('rate_limited', `Too many sign-in attempts from your address; try again in ${seconds} s.`, 429);
    };
    const perAddress = async (req: FastifyRequest, reply: FastifyReply) => {
      const until = blockedUntil.get(req.ip);
      if (until === undefined) return;
      if (until > Date.now()) refuse(reply, Math.ceil((until - Date.now()) / 1000));
      blockedUntil.delete(req.ip);
    };
    const failedFrom = async (req: FastifyRequest, reply: FastifyReply) => {
      const r = await addressLimit(req);
      if (r.isAllowed || !r.isExceeded) return;
      if (blockedUntil.size > 10_000) blockedUntil.clear(); // bounded: a flood of addresses costs memory, not correctness
      blockedUntil.set(req.ip, Date.now() + r.ttlInSeconds * 1000);
      refuse(reply, r.ttlInSeconds);
    };
    app.post(
      '/auth/login',
      {
        preHandler: perAddress,
        config: {
          rateLimit: {
            max: SIGN_IN_LIMITS.perAccountAndAddress,
            timeWindow: '1 minute',
            hook: 'preHandler',
            keyGenerator: (req) => `${req.ip}:${String((req.body as { email?: unknown } | undefined)?.email ?? '').toLowerCase()}`,
          },
        },
        schema: { tags: ['auth'], operationId: 'signIn', summary: 'Sign in with email and password', body: LoginRequest, response: { 200: Me, ...errorResponses('invalid_credentials', 'rate_limited') } },
      },
      async (req, reply) => {
        const signedIn = await signIn(s.actions, req.body.email, req.body.password).catch(async (err: unknown) => {
          if (err instanceof AppError && err.code === 'invalid_credentials') await failedFrom(req, reply);
          throw err;
        });
        const { user, cookie, csrfToken } = signedIn;
        reply.setCookie(SESSION_COOKIE, cookie, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: s.config.secureCookies,
          maxAge: SESSION_TTL_MS / 1000,
        });
        return { user: await presentUser(s.store.db, user), csrfToken, mustChangePassword: user.must_change_password === 1, abilities: abilitiesOf(await loadViewer(s.store.db, user)) };
      },
    );

    app.post(
      '/auth/logout',
      { onRequest: requireAuth, schema: { tags: ['auth'], operationId: 'signOut', summary: 'Sign out (ends this session)', response: { 200: Ok, ...errorResponses(SIGNED_IN) } } },
      async (req, reply) => {
        if (req.auth?.sessionId) {
          await signOut(s.actions, req.auth.user.id, req.auth.sessionId);
        }
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true as const };
      },
    );

    // The app's first call: 200 signed in or not (GET /me answers 401 signed out, which browsers log as an error).
    app.get('/auth/session', { schema: { tags: ['auth'], operationId: 'getSession', summary: 'Whether you are signed in, and as whom', security: [], response: { 200: SessionState, ...errorResponses('password_change_required') } } }, async (req) => {
      if (!req.auth) return { signedIn: false, me: null };
      const user = await presentUser(s.store.db, (await findUser(s.store.db, req.auth.user.id)) ?? req.auth.user);
      return { signedIn: true, me: { user, csrfToken: req.auth.csrfToken, mustChangePassword: req.auth.user.must_change_password === 1, abilities: abilitiesOf(req.auth.viewer) } };
    });

    app.get('/me', { onRequest: requireAuth, schema: { tags: ['auth'], operationId: 'getMe', summary: 'The signed-in user', response: { 200: Me, ...errorResponses(SIGNED_IN) } } }, async (req) => ({
      // Fresh from the database: a token's sign-in may come from the short-lived cache.
      user: await presentUser(s.store.db, (await findUser(s.store.db, req.auth!.user.id)) ?? req.auth!.user),
      csrfToken: req.auth!.csrfToken,
      mustChangePassword: req.auth!.user.must_change_password === 1,
      abilities: abilitiesOf(req.auth!.viewer),
    }));

    const TokenList = z.object({
      items: z.array(z.object({ id: z.number(), name: z.string(), createdAt: z.number(), lastUsedAt: z.number().nullable() })),
    });
    app.get('/me/tokens', { onRequest: requireAuth, schema: { tags: ['auth'], operationId: 'listMyTokens', summary: 'Your personal API tokens', response: { 200: TokenList, ...errorResponses(SIGNED_IN) } } }, async (req) => {
      return { items: await listApiTokens(s.store.db, viewerOf(req).id) };
    });

    app.post(
      '/me/tokens',
      {
        onRequest: requireAuth,
        schema: { tags: ['auth'], operationId: 'createMyToken', summary: 'Create a personal API token (Bearer) for integrations', body: CreateTokenRequest, response: { 201: CreatedToken, ...errorResponses(SIGNED_IN) } },
      },
      async (req, reply) => {
        const created = await createApiToken(s.actions, viewerOf(req).id, req.body.name);
        reply.code(201);
        return created;
      },
    );

    app.delete(
      '/me/tokens/:id',
      { onRequest: requireAuth, schema: { tags: ['auth'], operationId: 'revokeMyToken', summary: 'Revoke a personal API token', params: IdParams, response: { 200: Ok, ...errorResponses(SIGNED_IN, 'not_found') } } },
      async (req) => {
        await revokeApiToken(s.actions, viewerOf(req).id, req.params.id);
        return { ok: true as const };
      },
    );

    app.post(
      '/stream/ticket',
      {
        onRequest: requireAuth,
        schema: {
          tags: ['auth'],
          operationId: 'createStreamTicket',
          summary: 'A one-time ticket for the stream socket (`/api/v1/stream?ticket=…`), good for 30 seconds; the socket then ends with the session or token it was issued on',
          response: { 201: StreamTicket, ...errorResponses(SIGNED_IN) },
        },
      },
      async (req, reply) => {
        reply.code(201);
        return issueStreamTicket(s.actions, credentialOf(req.auth!));
      },
    );

    app.post(
      '/me/password',
      {
        onRequest: requireAuth,
        schema: {
          tags: ['auth'],
          operationId: 'changeMyPassword',
          summary: 'Change your password (the current one is required); your other sessions end',
          body: ChangePasswordRequest,
          response: { 200: Ok, ...errorResponses(SIGNED_IN, 'wrong_password', 'weak_password') },
        },
      },
      async (req) => {
        await changeOwnPassword(s.actions, req.auth!.user.id, req.auth!.sessionId, req.body.currentPassword, req.body.newPassword);
        return { ok: true as const };
      },
    );

    app.post(
      '/users/:id/password-reset',
      {
        onRequest: requireAuth,
        schema: {
          tags: ['users'],
          operationId: 'resetUserPassword',
          summary: 'Set a temporary password (admin); the user must choose a new one at their next sign-in, and their sessions end',
          params: IdParams,
          body: ResetPasswordRequest,
          response: { 200: Ok, ...errorResponses(SIGNED_IN, 'forbidden', 'not_found', 'weak_password') },
        },
      },
      async (req) => {
        await resetPassword(s.actions, viewerOf(req), req.params.id, req.body.temporaryPassword);
        return { ok: true as const };
      },
    );
  };
}
