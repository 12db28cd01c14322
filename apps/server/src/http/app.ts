import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import crypto from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { isDatabaseUnavailable } from '../store/health.ts';
import { isMissingReference } from '../store/constraints.ts';
import { frameworkErrorBody, rawClientError } from './frameworkErrors.ts';
import { registerSecurityHeaders } from './securityHeaders.ts';
import { builtAssets } from './assets.ts';
import { authenticate, refuseOutOfScope, refuseUntilPasswordChanged } from './auth.ts';
import { assignRouteScope, type RouteScope } from './scopes.ts';
import { requestLogFields } from './redact.ts';
import type { Services } from './services.ts';
import { authRoutes } from './routes/auth.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { contactRoutes } from './routes/contacts.ts';
import { adminRoutes } from './routes/admin.ts';
import { inboundRoutes } from './routes/inbound.ts';
import { routingRoutes } from './routes/routing.ts';
import { composerRoutes } from './routes/composer.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { tagCountRoutes } from './routes/tagCounts.ts';
import { inboxRoutes } from './routes/inboxes.ts';
import { emailRoutes } from './routes/email.ts';
import { discussRoutes } from './routes/discuss.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { channelAdminRoutes } from './routes/channelAdmin.ts';
import { reportRoutes } from './routes/reports.ts';
import { integrationRoutes } from './routes/integrations.ts';
import { profileRoutes } from './routes/profile.ts';
import { botRoutes } from './routes/bots.ts';
import { withExamples } from './openapiExamples.ts';
import { outboxRoutes } from './routes/outbox.ts';
import { accessRoutes } from './routes/access.ts';
import { StreamGateway } from '../realtime/gateway.ts';
import { registerCustomerSide } from './customerSide.ts';
import { degradingRateLimitStore } from './rateLimitStore.ts';
import { streamReference } from './streamDocs.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Answered whatever the database's state: they report it. */
const OPERATIONS = new Set(['/healthz', '/readyz', '/metrics']);
/** Where customers' messages come in: shed first under overload (senders retry, idempotently). */
const INGEST = /^\/api\/v1\/(inbound\/|widget\/(sessions|conversations))/;

/** A 503 the client should retry: the stable error body plus Retry-After in seconds. */
export function unavailable(reply: FastifyReply, code: string, message: string, retryAfterSeconds: number) {
  return reply.code(503).header('retry-after', String(retryAfterSeconds)).send({ error: { code, message } });
}
/** Routes whose writes change who may do what (see http/tokenCache.ts). */
const ACCESS_ROUTES = /^\/api\/v1\/(users|queues|me|auth|routing\/me|admin\/(tokens|groups))(\/|\?|$)/;
import { metrics, registry, socketSources } from '../metrics.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WEB_DIST = path.resolve(here, '../../../web/dist');

export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export interface BuiltApp {
  app: App;
  gateway: StreamGateway;
  /** Every route as registered (method and URL pattern): the security suite's authorization matrix covers each. */
  routes: Array<{ method: string; url: string; scope: RouteScope }>;
}

/**
 * /metrics (issue 9, finding 10): with METRICS_TOKEN, only that bearer token; without, only callers on
 * this machine (`req.ip` honours TRUST_PROXY, so a proxied outsider is not "loopback"). Others get
 * the same 404 as an unknown path.
 */
function metricsAllowed(req: FastifyRequest, token: string | undefined): boolean {
  if (token) {
    const given = Buffer.from(req.headers.authorization ?? '');
    const want = Buffer.from(`Bearer ${token}`);
    return given.length === want.length && crypto.timingSafeEqual(given, want);
  }
  return req.ip === '127.0.0.1' || req.ip === '::1' || req.ip === '::ffff:127.0.0.1';
}

/** Fastify's option for it, typed per kind (a union would pick the wrong Fastify overload). */
function trustProxyOption(t: number | string | false): { trustProxy?: string } {
  if (t === false) return {};
  // Fastify reads a string of digits as addresses, so a hop count goes in as a number.
  return { trustProxy: t as string };
}

/** Builds the HTTP + WebSocket app without listening, so tests can inject or listen on port 0. */
export async function buildApp(s: Services, logger: Logger): Promise<BuiltApp> {
  // return503OnClosing off: a request already sent on an open connection while we shut down is
  // served, not refused (the listener is closed by then, so nothing new arrives; see server.close).
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // X-Forwarded-For only from the configured proxies (TRUST_PROXY), else the socket's address.
    ...trustProxyOption(s.config.trustProxy),
    return503OnClosing: false,
    // Fastify's own refusals (a bad percent-encoding, a path parameter past maxParamLength, a
    // malformed request line) answer in our `{error:{code,message}}` shape too.
    frameworkErrors: (err, _req, reply) => void (reply as FastifyReply).code(err.statusCode ?? 400).send(frameworkErrorBody(err)),
    clientErrorHandler: rawClientError,
    // Request log lines never carry a secret-looking query parameter (http/redact.ts).
    childLoggerFactory: (parent, bindings, opts) => parent.child(bindings, { ...opts, serializers: { ...opts.serializers, req: requestLogFields as never } }),
  }).withTypeProvider<ZodTypeProvider>();
  const routes: BuiltApp['routes'] = [];
  app.addHook('onRoute', (r) => {
    // Every route has a scope (http/scopes.ts): one that would need a rule nobody wrote stops the start.
    const scope = assignRouteScope(r);
    const methods = [r.method].flat().filter((m) => m !== 'HEAD');
    for (const method of methods) routes.push({ method, url: r.url, scope });
  });
  app.setValidatorCompiler(validatorCompiler);
  // Error bodies come from the error handler below, with codes from the catalogue (protocol/errors.ts):
  // they go out as they are. Checking them against a route's documented codes would turn an
  // undocumented code into a 500; the documented codes are the contract, not a runtime filter.
  app.setSerializerCompiler<Parameters<typeof serializerCompiler>[0]['schema']>((route) => (Number(route.httpStatus) >= 400 ? (data: unknown) => JSON.stringify(data) : serializerCompiler(route)));

  app.setErrorHandler((err, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const first = err.validation[0];
      const where = first?.instancePath ? `${err.validationContext ?? 'body'}${first.instancePath.replace(/\//g, '.')}` : (err.validationContext ?? 'request');
      return reply.code(400).send({
        error: { code: 'validation_failed', message: `Invalid ${where}: ${first?.message ?? 'invalid value'}`, details: err.validation.map((v) => ({ path: v.instancePath, message: v.message })) },
      });
    }
    if (isDatabaseUnavailable(err)) {
      s.store.health.failed(err);
      return unavailable(reply, 'database_unavailable', 'The database does not answer right now; try again in a moment.', s.store.health.retryAfter);
    }
    if (err instanceof AppError) {
      return reply.code(err.status).send({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
    }
    if (isMissingReference(err)) {
      req.log.warn({ err }, 'a write named a row that does not exist');
      return reply.code(422).send({ error: { code: 'reference_not_found', message: 'Something this request refers to does not exist.' } });
    }
    const e = err as Error & { statusCode?: number; code?: string };
    const status = e.statusCode;
    if (status === 429) return reply.code(429).send({ error: { code: 'rate_limited', message: 'Too many attempts; wait a minute and try again.' } });
    if (status && status >= 400 && status < 500) return reply.code(status).send(frameworkErrorBody(e));
    if (isResponseSerializationError(err)) req.log.error({ err, issues: err.cause }, 'response did not match its schema');
    else req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'internal_error', message: 'Something went wrong on our side; it has been logged.' } });
  });
  app.setNotFoundHandler((req, reply) => {
    // Under /assets/ and /widget/ are built files, never an app route: a chunk a deploy removed is a 404, not the shell.
    if (/^\/(api|assets|widget)\//.test(req.url) || !fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
      return reply.code(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` } });
    }
    // The web app routes on the client: unknown paths get its shell.
    return reply.type('text/html').sendFile('index.html', WEB_DIST);
  });

  await app.register(cookie);
  registerSecurityHeaders(app, s);
  await app.register(rateLimit, {
    global: false,
    store: degradingRateLimitStore(s.redis, `${s.config.redisPrefix}ratelimit:`),
    errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, error: 'rate_limited', message: `Too many attempts; try again in ${ctx.after}.` }),
  });
  await app.register(swagger, {
    openapi: {
      // 3.1: its schemas are JSON Schema 2020-12, which is what zod emits (nullable as type arrays).
      openapi: '3.1.0',
      info: { title: 'Switchboard API', version: '1', description: `Omnichannel customer conversations. Errors are \`{ error: { code, message } }\`.\n${streamReference()}` },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'sb_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
    // Fills components.schemas from the zod registry (schemas named with `.meta({ id })`), then
    // gives every body an example (http/openapiExamples.ts).
    transformObject: (o) => withExamples(jsonSchemaTransformObject(o)),
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  // A socket being closed (slow or abusive, realtime/backpressure.ts) that does not answer the close
  // is dropped after closeTimeout, so what it holds is freed soon, not after ws's default 30 s.
  // (ws takes closeTimeout, lib/websocket-server.js; @types/ws does not list it yet.)
  const wsOptions = { maxPayload: 64 * 1024, closeTimeout: 5000 };
  await app.register(websocket, { options: wsOptions });
  const sockets = () => app.websocketServer.clients;
  socketSources.add(sockets);
  app.addHook('onClose', async () => void socketSources.delete(sockets));

  // An integration token's own limit (issue 16): counted per token, shared between nodes like the others.
  const perToken = app.createRateLimit({ max: (req) => req.auth?.ratePerMinute ?? 1, timeWindow: 60_000, keyGenerator: (req) => `token:${req.auth?.tokenId}` });
  app.addHook('onRequest', async (req, reply) => {
    req.auth = null;
    req.authRefusal = null;
    // While the database is known to be down, nothing that needs it waits on it: 503 at once.
    if (!s.store.health.up && !OPERATIONS.has(req.url)) {
      metrics.loadShed.inc({ reason: 'database' });
      return unavailable(reply, 'database_unavailable', 'The database does not answer right now; try again in a moment.', s.store.health.retryAfter);
    }
    if (s.lifecycle.draining) reply.header('connection', 'close');
    if (req.method === 'POST' && INGEST.test(req.url) && !s.shedder.admit(req, reply)) return reply;
    if (req.url.startsWith('/api/v1/') && !/^\/api\/v1\/(widget\/)?stream(\?|$)/.test(req.url)) {
      const auth = await authenticate(s.actions, req, s.tokens, s.config.sessionIdleMs);
      if (auth === 'token_expired') req.authRefusal = auth;
      else req.auth = auth;
    }
    refuseOutOfScope(req, req.routeOptions.config.scope);
    if (req.auth?.ratePerMinute != null && req.routeOptions.config.scope !== 'public') {
      const r = await perToken(req);
      reply.header('x-ratelimit-limit', String(req.auth.ratePerMinute));
      if (!r.isAllowed) {
        if (r.isExceeded) {
          reply.header('retry-after', String(r.ttlInSeconds));
          throw new AppError('rate_limited', `This token made more than ${req.auth.ratePerMinute} requests this minute; try again in ${r.ttlInSeconds} s.`, 429);
        }
        reply.header('x-ratelimit-remaining', String(r.remaining));
      }
    }
    refuseUntilPasswordChanged(req);
  });
  app.addHook('onResponse', async (req, reply) => {
    // Users, roles, memberships, tokens or sessions may have changed: no cached sign-in outlives that here.
    if (!SAFE_METHODS.has(req.method) && ACCESS_ROUTES.test(req.url)) s.tokens.clear();
    metrics.httpDuration.observe({ method: req.method, route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  // Ready = this node should get traffic: it answers within a second either way (store.ping is bounded).
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    if (s.lifecycle.draining) return unavailable(reply, 'draining', 'This server is shutting down.', 1);
    try {
      if (!s.store.health.up) throw new Error('down');
      await s.store.ping();
      return { ok: true, database: s.store.dialect, redis: s.redis ? (s.redis.up ? 'up' : 'down') : 'off' };
    } catch {
      return unavailable(reply, 'database_unreachable', 'The database does not answer.', s.store.health.retryAfter);
    }
  });
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (!metricsAllowed(req, s.config.metricsToken)) return reply.code(404).send({ error: { code: 'not_found', message: 'No route GET /metrics' } });
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (api) => {
      await api.register(authRoutes(s));
      await api.register(conversationRoutes(s));
      await api.register(contactRoutes(s));
      await api.register(adminRoutes(s));
      await api.register(inboundRoutes(s));
      await api.register(routingRoutes(s));
      await api.register(composerRoutes(s));
      await api.register(attachmentRoutes(s));
      await api.register(tagCountRoutes(s));
      await api.register(inboxRoutes(s));
      await api.register(emailRoutes(s));
      await api.register(discussRoutes(s));
      await api.register(outboxRoutes(s));
      await api.register(webhookRoutes(s));
      await api.register(channelAdminRoutes(s));
      await api.register(reportRoutes(s));
      await api.register(integrationRoutes(s));
      await api.register(accessRoutes(s));
      await api.register(profileRoutes(s));
      await api.register(botRoutes(s));
    },
    { prefix: '/api/v1' },
  );

  const gateway = new StreamGateway(s);
  gateway.register(app);
  await registerCustomerSide(app, s); // issue 3: widget, portal, tickets, /widget.js, /demo

  if (fs.existsSync(WEB_DIST)) {
    await app.register(fastifyStatic, { ...builtAssets(WEB_DIST), prefix: '/', wildcard: false, index: 'index.html' });
  }
  return { app, gateway, routes };
}
