import helmet from 'helmet';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './app.ts';
import type { Services } from './services.ts';
import { loadWidgetSettings } from '../actions/visitors.ts';

/**
 * Security headers (issue 9 item 7), set by helmet on every answer:
 * - the agent app's CSP: scripts and styles only from its own origin (Vite emits files, no inline
 *   script; `'unsafe-inline'` for styles is for the email view's sandboxed srcdoc frame, which
 *   inherits this policy, and React's style attributes); images also from http(s) because an email
 *   shown with "remote images allowed" loads them in that frame (its own meta CSP narrows again);
 *   sockets to its own origin; `frame-ancestors 'none'`: nobody may frame the workspace.
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`, HSTS only over HTTPS
 *   deployments (`SECURE_COOKIES=1`).
 * - `Cache-Control: no-store` on every API answer that did not choose its own caching, so private
 *   data is not kept by browsers or shared caches.
 * The widget frame (/widget/frame.html) keeps its own policy: `frame-ancestors` lists the site
 * origins an administrator allowed (`siteOrigins` in the widget settings) besides our own origin.
 * The demo pages stand for a customer's site with inline snippets, so they go without a CSP.
 */
export function registerSecurityHeaders(app: App, s: Services): void {
  // helmet itself, built once: @fastify/helmet builds a new helmet (parsing the CSP) for every
  // request, a few per cent of the message path's CPU.
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', 'http:', 'https:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    hsts: s.config.secureCookies ? { maxAge: 180 * 24 * 3600 } : false,
    crossOriginEmbedderPolicy: false,
    // Same-origin, except /widget.js, which customers' sites load with a plain <script> (below).
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', (req, reply, done) => setHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));

  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload) => {
    const url = req.url;
    if (url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (url === '/widget.js' || url.startsWith('/widget/assets/')) reply.header('cross-origin-resource-policy', 'cross-origin');
    if (url.startsWith('/widget/frame.html')) {
      // Read per load (one row by key): a change applies at once, on every node.
      const ancestors = ["'self'", ...(await loadWidgetSettings(s.store.db)).siteOrigins].join(' ');
      reply.removeHeader('x-frame-options');
      reply.header(
        'content-security-policy',
        `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors ${ancestors}`,
      );
    }
    if (url === '/demo' || url.startsWith('/demo/') || url.startsWith('/demo?')) {
      reply.removeHeader('content-security-policy');
    }
    return payload;
  });
}

/**
 * Whether a browser's `Origin` is this server's own: a cookie rides along on a cross-site
 * WebSocket upgrade (no CORS there), so the stream refuses a cookie-authenticated upgrade from
 * any other origin. Non-browser clients send no Origin and authenticate by Bearer or ticket.
 */
export function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.host;
  } catch {
    return false;
  }
}
