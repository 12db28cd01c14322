import type { RouteOptions } from 'fastify';
import type { Scope } from '@switchboard/protocol';

/**
 * The scope every /api/v1 route needs (issue 16 item 3), so that a route cannot be added without
 * one: `app.ts`'s onRoute hook gives each route the scope it declares in its options
 * (`config: { scope }`) or else the first rule below matching its method and path, and refuses to
 * start when neither names one. `public` routes take no staff credential at all (sign-in, the
 * widget's visitor side, the channel providers' signed webhooks). The global onRequest hook then
 * refuses a token without the scope with 403 `insufficient_scope`; the stream socket checks it at
 * the handshake (realtime/gateway.ts). Sessions and personal tokens hold every scope.
 */
export type RouteScope = Scope | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a token needs for this route (see http/scopes.ts); rules fill it in when absent. */
    scope?: RouteScope;
  }
}

const READ = /^(GET|HEAD)$/;
const ANY = /./;
const WRITE = /^(POST|PUT|PATCH|DELETE)$/;

/** Ordered: the first match wins. Paths are below /api/v1. */
const RULES: Array<[method: RegExp, path: RegExp, scope: RouteScope]> = [
  [/^POST$/, /^\/auth\/login$/, 'public'],
  [READ, /^\/auth\/session$/, 'public'],
  [ANY, /^\/widget(\/|$)/, 'public'], // the visitor's own token (X-Visitor-Token), never a staff credential
  [ANY, /^\/webhooks\//, 'public'], // the channel provider's signature is the credential
  [ANY, /^\/(me|auth|routing\/me)(\/|$)/, 'account'],
  [WRITE, /^\/(inbound\/|messages\/[^/]+\/delivery$)/, 'inbound:write'],
  [ANY, /^\/(reports|engagement-records)(\/|\.csv$|$)/, 'reports:read'],
  [READ, /^\/(contacts|customer-tags)(\/|$)/, 'contacts:read'],
  [WRITE, /^\/contacts(\/|$)/, 'contacts:write'],
  [ANY, /^\/(admin|inboxes|groups)(\/|$)/, 'admin'],
  [READ, /^\/routing\/pick-list$/, 'conversations:read'], // lists waiting conversations
  [READ, /^\/(users|queues|tags|labels|settings|canned-messages|composer\/rules|attachments\/limits|routing)(\/|$)/, 'workspace:read'],
  [WRITE, /^\/(users|queues|tags|labels|settings|canned-messages|composer\/rules)(\/|$)/, 'admin'],
  [READ, /^\/(conversations|requests|discussions|tickets|chat-sessions|stream|files)(\/|$)/, 'conversations:read'],
  [/^POST$/, /^\/stream\/ticket$/, 'conversations:read'],
  [WRITE, /^\/(conversations|assign-requests|discuss-requests|discussions|tickets|session-notes|routing\/offers|composer\/(check|clean))(\/|$)/, 'conversations:write'],
];

/** The scope of a route of `/api/v1` by its method and path pattern, or undefined when no rule names one. */
export function scopeByRule(method: string, apiPath: string): RouteScope | undefined {
  return RULES.find(([m, p]) => m.test(method) && p.test(apiPath))?.[2];
}

/** The scope a route ends up with: its own declaration first, else the rules. */
export function routeScope(method: string, url: string, declared: RouteScope | undefined): RouteScope | undefined {
  if (declared) return declared;
  if (!url.startsWith('/api/v1/')) return 'public'; // outside the API: health, docs, the apps' files
  return scopeByRule(method, url.slice('/api/v1'.length));
}

/**
 * For app.ts's onRoute hook: fills in the route's `config.scope` and answers it, or throws (so the
 * server does not start) when no declaration or rule names one, or its methods would need different ones.
 */
export function assignRouteScope(r: Pick<RouteOptions, 'method' | 'url' | 'config'>): RouteScope {
  const methods = [r.method].flat().filter((m) => m !== 'HEAD');
  // A HEAD route (Fastify adds one per GET) needs what its GET needs.
  const scopes = new Set((methods.length ? methods : ['GET']).map((m) => routeScope(m, r.url, r.config?.scope)));
  const [scope] = scopes;
  if (!scope || scopes.size > 1) throw new Error(`Route ${methods.join(',')} ${r.url} has no single scope: declare config.scope or add a rule in http/scopes.ts`);
  r.config = { ...r.config, scope };
  return scope;
}
