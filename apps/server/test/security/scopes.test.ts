import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SCOPES } from '@switchboard/protocol';
import { createQueue, createUser, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../../test/harness.ts';
import { verifyFrame } from '../../../../test/frames.ts';
import Fastify from 'fastify';
import { assignRouteScope, routeScope } from '../../src/http/scopes.ts';

/**
 * Issue 16 item 3: scoped integration tokens. Every route of the route table has a scope; a token made
 * for posting customer messages and delivery reports gets 403 `insufficient_scope` everywhere else
 * (the stream's handshake included); expiry, revocation, last use and the per-token rate limit.
 */
let t: TestServer;
let admin: Caller;
let queueId: number;

async function integrationToken(body: Record<string, unknown>): Promise<{ id: number; token: string; scopes: string[] }> {
  const r = await admin.api('POST', '/api/v1/admin/tokens', body);
  expect(r.status).toBe(201);
  return r.body;
}

async function as(token: string, method: string, url: string, payload?: unknown) {
  const r = await t.server.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: r.statusCode, body: r.body ? (r.json() as any) : undefined, headers: r.headers };
}

const inboundMessage = (externalId: string, body: string) => ({ channel: 'api', externalId, contact: { name: `Customer ${externalId}` }, body, queueId });

function urlFor(pattern: string): string {
  return pattern.replace(/:key/, 'k'.repeat(32)).replace(/:(\w+)/g, '1').replace('*', 'x');
}

/** The first frame a stream socket gets with these headers, and how it closes (0: still open, closed by us). */
function streamAnswer(headers: Record<string, string>): Promise<{ frame: any; code: number }> {
  const ws = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/stream`, { headers });
  let frame: any = null;
  ws.on('open', () => ws.send(JSON.stringify({ type: 'hello' })));
  return new Promise((resolve, reject) => {
    ws.on('message', (raw) => {
      frame ??= JSON.parse(String(raw));
      expect(verifyFrame('agent', frame)).toBeNull(); // the error frames are in the stream's contract
      if (frame.type === 'ready') {
        ws.close();
        resolve({ frame, code: 0 });
      }
    });
    ws.on('close', (code) => resolve({ frame, code }));
    ws.on('error', reject);
  });
}

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  queueId = await createQueue(t, 'Billing');
  admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin', [queueId]));
}, 60_000);
afterAll(() => t.close());

describe('every route has a scope', () => {
  it('the route table gives each /api/v1 route one of the scopes, or marks it public (no staff credential)', () => {
    const api = t.server.routes.filter((r) => r.url.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThan(150);
    const unknown = api.filter((r) => r.scope !== 'public' && !(SCOPES as readonly string[]).includes(r.scope));
    expect(unknown).toEqual([]);
    // Public routes take the visitor's token, a provider's signature or nothing: sign-in, the widget, channel webhooks.
    const publicOnes = api.filter((r) => r.scope === 'public').map((r) => r.url);
    expect(publicOnes.every((u) => /^\/api\/v1\/(auth\/(login|session)|widget\/|webhooks\/)/.test(u))).toBe(true);
  });

  it('a new route no rule names has no scope, so the server would not start, until it declares one', async () => {
    const app = Fastify();
    app.addHook('onRoute', (r) => void assignRouteScope(r));
    const start = async () => {
      await app.register(async (api) => {
        api.get('/brand-new-things', async () => ({}));
      }, { prefix: '/api/v1' });
      await app.ready();
    };
    await expect(start()).rejects.toThrow(/GET \/api\/v1\/brand-new-things has no single scope/);
    const declared = Fastify();
    declared.addHook('onRoute', (r) => void assignRouteScope(r));
    await declared.register(async (api) => {
      api.get('/brand-new-things', { config: { scope: 'workspace:read' } }, async () => ({}));
    }, { prefix: '/api/v1' });
    await declared.ready();
    await declared.close();
    expect(routeScope('GET', '/api/v1/brand-new-things', undefined)).toBeUndefined();
    expect(routeScope('POST', '/api/v1/brand-new-things', 'conversations:write')).toBe('conversations:write');
    // A new route under a known prefix gets that prefix's scope: reading conversations is never `public`.
    expect(routeScope('GET', '/api/v1/conversations/:id/brand-new', undefined)).toBe('conversations:read');
    expect(routeScope('POST', '/api/v1/conversations/:id/brand-new', undefined)).toBe('conversations:write');
  });
});

describe('an integration token made for inbound messages and delivery reports', () => {
  let inbound: { id: number; token: string };
  beforeAll(async () => {
    inbound = await integrationToken({ name: 'CRM inbound', scopes: ['inbound:write'] });
  });

  it('posts a customer message and a delivery report', async () => {
    const r = await as(inbound.token, 'POST', '/api/v1/inbound/messages', inboundMessage('scoped-1', 'hello from the CRM'));
    expect(r.status).toBe(201);
    expect((await admin.api('POST', `/api/v1/conversations/${r.body.conversationId}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    const reply = await admin.api('POST', `/api/v1/conversations/${r.body.conversationId}/messages`, { body: 'we are on it' });
    expect(reply.status).toBe(201);
    const delivery = await as(inbound.token, 'POST', `/api/v1/messages/${reply.body.id}/delivery`, { status: 'delivered' });
    expect([delivery.status, delivery.body]).toEqual([200, expect.anything()]);
  });

  it('every other route of the route table answers 403 insufficient_scope', async () => {
    const others = t.server.routes.filter((r) => r.url.startsWith('/api/v1/') && r.scope !== 'public' && r.scope !== 'inbound:write' && r.url !== '/api/v1/stream');
    const wrong: string[] = [];
    for (let i = 0; i < others.length; i += 8) {
      await Promise.all(
        others.slice(i, i + 8).map(async (r) => {
          const res = await as(inbound.token, r.method, urlFor(r.url), r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
          if (res.status !== 403 || res.body?.error?.code !== 'insufficient_scope') wrong.push(`${r.method} ${r.url}: ${res.status} ${res.body?.error?.code}`);
        }),
      );
    }
    expect(wrong).toEqual([]);
  });

  it('cannot open the stream, by header or by ticket', async () => {
    const answer = await streamAnswer({ authorization: `Bearer ${inbound.token}` });
    expect(answer.frame).toMatchObject({ type: 'error', code: 'insufficient_scope' });
    expect(answer.code).toBe(4403);
    expect((await as(inbound.token, 'POST', '/api/v1/stream/ticket')).body.error.code).toBe('insufficient_scope');
  });

  it('shows its last use to administrators, and never its secret', async () => {
    const list = await admin.api('GET', '/api/v1/admin/tokens');
    const row = list.body.items.find((x: any) => x.id === inbound.id);
    expect(row).toMatchObject({ name: 'CRM inbound', scopes: ['inbound:write'], expiresAt: null, ratePerMinute: 600 });
    expect(row.lastUsedAt).toBe(t.clock.now());
    expect(JSON.stringify(list.body)).not.toContain(inbound.token);
  });
});

describe('scopes, expiry, revocation and limits', () => {
  it('a read-only token reads conversations and may not reply', async () => {
    const posted = await as((await integrationToken({ name: 'poster', scopes: ['inbound:write'] })).token, 'POST', '/api/v1/inbound/messages', inboundMessage('scoped-2', 'read me'));
    const reader = await integrationToken({ name: 'dashboard', scopes: ['conversations:read', 'contacts:read'] });
    expect((await as(reader.token, 'GET', `/api/v1/conversations/${posted.body.conversationId}`)).status).toBe(200);
    expect((await as(reader.token, 'GET', '/api/v1/contacts')).status).toBe(200);
    const reply = await as(reader.token, 'POST', `/api/v1/conversations/${posted.body.conversationId}/messages`, { body: 'no' });
    expect([reply.status, reply.body.error.code]).toEqual([403, 'insufficient_scope']);
    const answer = await streamAnswer({ authorization: `Bearer ${reader.token}` });
    expect(answer.frame.type).toBe('ready');
  });

  it("a customer's history lists conversations and tickets: a contacts-only token may read the contact, not it", async () => {
    const posted = await as((await integrationToken({ name: 'poster 2', scopes: ['inbound:write'] })).token, 'POST', '/api/v1/inbound/messages', inboundMessage('scoped-3', 'history'));
    const contactId = (await admin.api('GET', `/api/v1/conversations/${posted.body.conversationId}`)).body.contact.id;
    const contactsOnly = await integrationToken({ name: 'crm sync', scopes: ['contacts:read'] });
    expect((await as(contactsOnly.token, 'GET', `/api/v1/contacts/${contactId}`)).status).toBe(200);
    const refused = await as(contactsOnly.token, 'GET', `/api/v1/contacts/${contactId}/history`);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'insufficient_scope']);
    const reader = await integrationToken({ name: 'history reader', scopes: ['conversations:read'] });
    const history = await as(reader.token, 'GET', `/api/v1/contacts/${contactId}/history`);
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).toContain(String(posted.body.conversationId));
  });

  it('acts as the administrator who made it: an agent cannot make one, and a scope never adds a right', async () => {
    const agent = await signIn(t, await createUser(t, 'agent', 'Agnes Agent', [queueId]));
    const r = await agent.api('POST', '/api/v1/admin/tokens', { name: 'mine', scopes: ['admin'] });
    expect(r.status).toBe(403);
    // An agent's personal token is unchanged: every scope, the agent's own rights.
    const personal = await tokenFor(t, agent.id);
    expect((await as(personal, 'GET', '/api/v1/conversations')).status).toBe(200);
    expect((await as(personal, 'GET', '/api/v1/admin/tokens')).status).toBe(403);
  });

  it('an expired token is refused with token_expired, on HTTP and on the stream', async () => {
    const soon = await integrationToken({ name: 'short', scopes: ['conversations:read'], expiresAt: t.clock.now() + 60_000 });
    expect((await as(soon.token, 'GET', '/api/v1/conversations')).status).toBe(200);
    t.clock.advance(61_000);
    const r = await as(soon.token, 'GET', '/api/v1/conversations');
    expect([r.status, r.body.error.code]).toEqual([401, 'token_expired']);
    const answer = await streamAnswer({ authorization: `Bearer ${soon.token}` });
    expect(answer.frame).toMatchObject({ type: 'error', code: 'token_expired' });
    const past = await admin.api('POST', '/api/v1/admin/tokens', { name: 'past', scopes: ['admin'], expiresAt: t.clock.now() - 1 });
    expect([past.status, past.body.error.code]).toEqual([400, 'validation_failed']);
  });

  it('a revoked token is refused at once', async () => {
    const gone = await integrationToken({ name: 'gone', scopes: ['conversations:read'] });
    expect((await as(gone.token, 'GET', '/api/v1/conversations')).status).toBe(200);
    expect((await admin.api('DELETE', `/api/v1/admin/tokens/${gone.id}`)).status).toBe(200);
    expect((await as(gone.token, 'GET', '/api/v1/conversations')).status).toBe(401);
    expect((await admin.api('GET', '/api/v1/admin/tokens')).body.items.some((x: any) => x.id === gone.id)).toBe(false);
  });

  it('each token has its own rate limit: past it, 429 rate_limited with Retry-After; another token is unaffected', async () => {
    const slow = await integrationToken({ name: 'slow', scopes: ['conversations:read'], ratePerMinute: 3 });
    const other = await integrationToken({ name: 'other', scopes: ['conversations:read'], ratePerMinute: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await as(slow.token, 'GET', '/api/v1/conversations')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await as(slow.token, 'GET', '/api/v1/conversations');
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await as(other.token, 'GET', '/api/v1/conversations')).status).toBe(200);
  });

  it('refuses unknown scopes at creation', async () => {
    const r = await admin.api('POST', '/api/v1/admin/tokens', { name: 'odd', scopes: ['everything'] });
    expect([r.status, r.body.error.code]).toEqual([400, 'validation_failed']);
  });
});
