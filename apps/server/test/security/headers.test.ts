import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectStream, createUser, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../../test/harness.ts';

/**
 * Issue 9 item 7: no CSP, no frame-ancestors, no nosniff, no Referrer-Policy, no `no-store` on
 * private answers, and the stream took a cookie-authenticated upgrade from any Origin.
 */
let t: TestServer;
let admin: Caller;
let token: string;
beforeAll(async () => {
  t = await startTestServer({ listen: true });
  const a = await createUser(t, 'admin', 'Ada Admin');
  admin = await signIn(t, a);
  token = await tokenFor(t, a.id);
});
afterAll(() => t.close());

const get = (url: string, headers: Record<string, string> = {}) => t.server.app.inject({ method: 'GET', url, headers });
const directives = (csp: unknown) => Object.fromEntries(String(csp).split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

describe('the agent app', () => {
  it('sends a CSP that allows only its own scripts and forbids framing it, nosniff and a Referrer-Policy', async () => {
    const r = await get('/');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    const csp = directives(r.headers['content-security-policy']);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('same-origin');
    // Every script the built page loads is a file of its own origin (no inline script to allow).
    expect(r.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('private API answers are not stored by any cache', async () => {
    const me = await admin.api('GET', '/api/v1/me');
    expect(me.status).toBe(200);
    const r = await t.server.app.inject({ method: 'GET', url: '/api/v1/conversations', cookies: { sb_session: admin.cookie } });
    expect(r.headers['cache-control']).toBe('no-store');
    expect((await get('/api/v1/me')).headers['cache-control']).toBe('no-store');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('the widget', () => {
  it('its frame may be embedded only by the configured site origins', async () => {
    let r = await get('/widget/frame.html');
    expect(r.statusCode).toBe(200);
    expect(directives(r.headers['content-security-policy'])['frame-ancestors']).toEqual(["'self'"]);
    expect(r.headers['x-frame-options']).toBeUndefined();

    const saved = await admin.api('PUT', '/api/v1/settings/widget', { siteOrigins: ['https://shop.example.com', 'http://localhost:8080'] });
    expect(saved.status).toBe(200);
    expect(saved.body.siteOrigins).toEqual(['https://shop.example.com', 'http://localhost:8080']);
    r = await get('/widget/frame.html?mode=widget&host=https%3A%2F%2Fshop.example.com');
    expect(directives(r.headers['content-security-policy'])['frame-ancestors']).toEqual(["'self'", 'https://shop.example.com', 'http://localhost:8080']);
    expect(directives(r.headers['content-security-policy'])['script-src']).toEqual(["'self'"]);
  });

  it.each(['https://shop.example.com/checkout', 'shop.example.com', '*', "https://a.example 'unsafe-inline'", 'javascript:alert(1)', 'https://*.example.com'])(
    'a site origin like %j is refused',
    async (origin) => {
      const r = await admin.api('PUT', '/api/v1/settings/widget', { siteOrigins: [origin] });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    },
  );

  it('the loader script may still be loaded by other sites', async () => {
    const r = await get('/widget.js');
    expect(r.statusCode).toBe(200);
    expect(r.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect((await get('/')).headers['cross-origin-resource-policy']).toBe('same-origin');
  });
});

describe('the stream', () => {
  const url = () => `${t.url.replace('http', 'ws')}/api/v1/stream`;
  function refusedStatus(options: WebSocket.ClientOptions): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url(), options);
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => {
        ws.close();
        reject(new Error('the upgrade was accepted'));
      });
      ws.once('error', () => {});
    });
  }

  it('refuses a cookie-authenticated upgrade from a foreign Origin', async () => {
    expect(await refusedStatus({ headers: { cookie: `sb_session=${admin.cookie}`, origin: 'https://evil.example' } })).toBe(403);
  });

  it('takes one from its own origin, and Bearer or a ticket from anywhere', async () => {
    const own = await connectStream(url(), { headers: { cookie: `sb_session=${admin.cookie}`, origin: t.url } }, undefined, ['ready', 'resync']);
    own.close();
    const viaBearer = await connectStream(url(), { headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example' } }, undefined, ['ready', 'resync']);
    viaBearer.close();
    const ticket = await admin.api('POST', '/api/v1/stream/ticket');
    expect(ticket.status).toBe(201);
    const viaTicket = await connectStream(`${url()}?ticket=${encodeURIComponent(ticket.body.ticket)}`, { headers: { origin: 'https://elsewhere.example' } }, undefined, ['ready', 'resync']);
    viaTicket.close();
  });
});
