import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, openStream, signIn, startTestServer, tokenFor, type Caller, type StreamClient, type TestServer } from '../../../../test/harness.ts';
import { newVisitor, openVisitorStream, type VisitorCaller } from '../widgetHelpers.ts';

/**
 * Issue 9, "Also": the authorization matrix. Every route of Fastify's route table (collected by an
 * onRoute hook, `server.routes`) × every kind of principal, on one server with parallel requests.
 * A route missing from ACCESS below fails the first test: a new route is covered the day it is added.
 * Then the conversation-scoped events on both streams, live and replayed.
 *
 * Classes: public (anyone); visitor (a widget visitor token, never a staff credential); staff (any
 * signed-in user or token; finer rules have their own tests); admin (administrators only);
 * conversation (who may see conversation :id, core `canSeeConversation`: an unseen one is 404);
 * contact (its customer: core `canSeeContact`, reached through a conversation one sees);
 * provider (a channel provider's signed webhook: no principal of ours gets in without it);
 * capability (an unguessable key is the right: an unknown key is 404 for all); stream (the sockets,
 * checked below).
 */
type Access = 'public' | 'visitor' | 'staff' | 'admin' | 'conversation' | 'contact' | 'provider' | 'capability' | 'stream';
const ACCESS: Record<string, Access> = {
  'DELETE /api/v1/admin/bots/:id': 'admin',
  'DELETE /api/v1/admin/groups/:id': 'admin',
  'DELETE /api/v1/admin/tokens/:id': 'admin',
  'DELETE /api/v1/admin/webhooks/:id': 'admin',
  'DELETE /api/v1/canned-messages/:id': 'staff',
  'DELETE /api/v1/contacts/:id/tags/:tagId': 'contact',
  'DELETE /api/v1/inboxes/:id': 'admin',
  'DELETE /api/v1/labels/:id': 'admin',
  'DELETE /api/v1/me/avatar': 'staff',
  'DELETE /api/v1/me/tokens/:id': 'staff',
  'DELETE /api/v1/tags/:id': 'admin',
  'GET /api/v1/admin/groups': 'admin',
  'GET /api/v1/admin/outbox': 'admin',
  'GET /api/v1/admin/outbox/:consumer/dead-letters': 'admin',
  'GET /api/v1/admin/bots': 'admin',
  'GET /api/v1/admin/bots/:id': 'admin',
  'GET /api/v1/admin/tokens': 'admin',
  'GET /api/v1/admin/webhooks': 'admin',
  'GET /api/v1/admin/webhooks/:id': 'admin',
  'GET /api/v1/admin/webhooks/:id/deliveries': 'admin',
  'GET /api/v1/attachments/limits': 'staff',
  'GET /api/v1/canned-messages': 'staff',
  'GET /api/v1/chat-sessions': 'staff',
  'GET /api/v1/composer/rules': 'staff',
  'GET /api/v1/contacts': 'staff',
  'GET /api/v1/contacts/:id': 'contact',
  'GET /api/v1/contacts/:id/history': 'contact',
  'GET /api/v1/conversations': 'staff',
  'GET /api/v1/conversations/:id': 'conversation',
  'GET /api/v1/conversations/:id/attachments/:key': 'conversation',
  'GET /api/v1/conversations/:id/chat-request': 'conversation',
  'GET /api/v1/conversations/:id/emails': 'conversation',
  'GET /api/v1/conversations/:id/emails/:messageId': 'conversation',
  'GET /api/v1/conversations/:id/emails/:messageId/raw': 'conversation',
  'GET /api/v1/conversations/:id/messages': 'conversation',
  'GET /api/v1/conversations/:id/messaging-window': 'conversation',
  'GET /api/v1/conversations/:id/request-targets': 'conversation',
  'GET /api/v1/conversations/:id/requests': 'conversation',
  'GET /api/v1/conversations/:id/whatsapp-templates': 'conversation',
  'GET /api/v1/conversations/unread': 'staff',
  'GET /api/v1/customer-tags/counts': 'staff',
  'GET /api/v1/discussions/:id/messages': 'staff',
  'GET /api/v1/engagement-records': 'staff',
  'GET /api/v1/engagement-records.csv': 'staff',
  'GET /api/v1/files/:key': 'capability',
  'GET /api/v1/inboxes': 'admin',
  'GET /api/v1/inboxes/:id': 'admin',
  'GET /api/v1/inboxes/:id/templates': 'admin',
  'GET /api/v1/labels': 'staff',
  'GET /api/v1/me': 'staff',
  'GET /api/v1/me/profile': 'staff',
  'GET /api/v1/me/tokens': 'staff',
  'GET /api/v1/users/:id/avatar': 'staff',
  'GET /api/v1/queues': 'staff',
  'GET /api/v1/queues/:id/routing': 'staff',
  'GET /api/v1/reports/agents': 'staff',
  'GET /api/v1/reports/live': 'staff',
  'GET /api/v1/reports/overview': 'staff',
  'GET /api/v1/reports/series': 'staff',
  'GET /api/v1/reports/tables/:dimension': 'staff',
  'GET /api/v1/requests/:id': 'staff',
  'GET /api/v1/requests/mine': 'staff',
  'GET /api/v1/routing/agents': 'staff',
  'GET /api/v1/routing/me': 'staff',
  'GET /api/v1/routing/pick-list': 'staff',
  'GET /api/v1/routing/queues': 'staff',
  'GET /api/v1/settings/channels': 'staff',
  'GET /api/v1/settings/requests': 'staff',
  'GET /api/v1/settings/widget': 'staff',
  'GET /api/v1/stream': 'stream',
  'GET /api/v1/tags': 'staff',
  'GET /api/v1/tickets': 'staff',
  'GET /api/v1/tickets/:id': 'staff',
  'GET /api/v1/users': 'staff',
  'GET /api/v1/webhooks/messenger': 'provider',
  'GET /api/v1/webhooks/whatsapp': 'provider',
  'GET /api/v1/widget/config': 'public',
  'GET /api/v1/widget/conversations/:id': 'visitor',
  'GET /api/v1/widget/conversations/:id/messages': 'visitor',
  'GET /api/v1/widget/me': 'visitor',
  'GET /api/v1/widget/stream': 'stream',
  'GET /api/v1/widget/tickets': 'visitor',
  'GET /api/v1/widget/tickets/:id': 'visitor',
  'PATCH /api/v1/admin/bots/:id': 'admin',
  'PATCH /api/v1/admin/webhooks/:id': 'admin',
  'PATCH /api/v1/contacts/:id': 'contact',
  'PATCH /api/v1/me/profile': 'staff',
  'PATCH /api/v1/conversations/:id': 'conversation',
  'PATCH /api/v1/inboxes/:id': 'admin',
  'PATCH /api/v1/labels/:id': 'admin',
  'PATCH /api/v1/session-notes/:id': 'staff',
  'PATCH /api/v1/tags/:id': 'admin',
  'PATCH /api/v1/tickets/:id': 'staff',
  'PATCH /api/v1/users/:id': 'admin',
  'PATCH /api/v1/widget/me': 'visitor',
  'POST /api/v1/admin/groups': 'admin',
  'POST /api/v1/admin/outbox/:consumer/dead-letters/:id/retry': 'admin',
  'POST /api/v1/admin/bots': 'admin',
  'POST /api/v1/admin/tokens': 'admin',
  'POST /api/v1/admin/webhooks': 'admin',
  'POST /api/v1/admin/webhooks/:id/deliveries/:deliveryId/redeliver': 'admin',
  'POST /api/v1/assign-requests/:id/accept': 'staff',
  'POST /api/v1/assign-requests/:id/reject': 'staff',
  'POST /api/v1/assign-requests/:id/withdraw': 'staff',
  'POST /api/v1/auth/login': 'public',
  'GET /api/v1/auth/session': 'public',
  'POST /api/v1/auth/logout': 'staff',
  'POST /api/v1/canned-messages': 'staff',
  'POST /api/v1/composer/check': 'staff',
  'POST /api/v1/composer/clean': 'staff',
  'POST /api/v1/contacts': 'staff',
  'POST /api/v1/contacts/:id/block': 'contact',
  'POST /api/v1/contacts/:id/unblock': 'contact',
  'POST /api/v1/conversations': 'staff',
  'POST /api/v1/conversations/:id/assign-requests': 'conversation',
  'POST /api/v1/conversations/:id/attachments': 'conversation',
  'POST /api/v1/conversations/:id/close': 'conversation',
  'POST /api/v1/conversations/:id/close-wrap-up': 'conversation',
  'POST /api/v1/conversations/:id/complete': 'conversation',
  'POST /api/v1/conversations/:id/discuss-requests': 'conversation',
  'POST /api/v1/conversations/:id/end-chat': 'conversation',
  'POST /api/v1/conversations/:id/end-session': 'conversation',
  'POST /api/v1/conversations/:id/handoff': 'conversation',
  'POST /api/v1/conversations/:id/messages': 'conversation',
  'POST /api/v1/conversations/:id/notes': 'conversation',
  'POST /api/v1/conversations/:id/pick': 'conversation',
  'POST /api/v1/conversations/:id/read': 'conversation',
  'POST /api/v1/conversations/:id/reassign': 'conversation',
  'POST /api/v1/conversations/:id/reopen': 'conversation',
  'POST /api/v1/conversations/:id/resolve': 'conversation',
  'POST /api/v1/conversations/:id/transfer-to-agent': 'conversation',
  'POST /api/v1/conversations/:id/transfer-to-queue': 'conversation',
  'POST /api/v1/conversations/:id/typing': 'conversation',
  'POST /api/v1/conversations/:id/unpin-customer': 'conversation',
  'POST /api/v1/conversations/:id/unread': 'conversation',
  'POST /api/v1/conversations/:id/whatsapp-templates/:templateId': 'conversation',
  'POST /api/v1/conversations/delete': 'admin',
  'POST /api/v1/discuss-requests/:id/accept': 'staff',
  'POST /api/v1/discuss-requests/:id/reject': 'staff',
  'POST /api/v1/discuss-requests/:id/withdraw': 'staff',
  'POST /api/v1/discussions/:id/end': 'staff',
  'POST /api/v1/discussions/:id/leave': 'staff',
  'POST /api/v1/discussions/:id/messages': 'staff',
  'POST /api/v1/discussions/:id/typing': 'staff',
  'POST /api/v1/inbound/conversations/:id/keep-waiting': 'admin',
  'POST /api/v1/inbound/conversations/:id/leave': 'admin',
  'POST /api/v1/inbound/conversations/:id/request-callback': 'admin',
  'POST /api/v1/inbound/messages': 'admin',
  'POST /api/v1/inboxes': 'admin',
  'POST /api/v1/inboxes/:id/templates/sync': 'admin',
  'POST /api/v1/inboxes/:id/test': 'admin',
  'POST /api/v1/labels': 'admin',
  'POST /api/v1/me/password': 'staff',
  'POST /api/v1/me/tokens': 'staff',
  'POST /api/v1/messages/:id/delivery': 'admin',
  'POST /api/v1/queues': 'admin',
  'POST /api/v1/routing/offers/:id/accept': 'staff',
  'POST /api/v1/routing/offers/:id/decline': 'staff',
  'POST /api/v1/stream/ticket': 'staff',
  'POST /api/v1/tags': 'admin',
  'POST /api/v1/tickets': 'staff',
  'POST /api/v1/tickets/:id/notes': 'staff',
  'POST /api/v1/users': 'admin',
  'POST /api/v1/users/:id/password-reset': 'admin',
  'POST /api/v1/webhooks/messenger': 'provider',
  'POST /api/v1/webhooks/telegram/:botId': 'provider',
  'POST /api/v1/webhooks/whatsapp': 'provider',
  'POST /api/v1/widget/conversations': 'visitor',
  'POST /api/v1/widget/conversations/:id/callback': 'visitor',
  'POST /api/v1/widget/conversations/:id/keep-waiting': 'visitor',
  'POST /api/v1/widget/conversations/:id/leave': 'visitor',
  'POST /api/v1/widget/conversations/:id/messages': 'visitor',
  'POST /api/v1/widget/conversations/:id/read': 'visitor',
  'POST /api/v1/widget/sessions': 'public',
  'POST /api/v1/widget/stream-ticket': 'visitor',
  'POST /api/v1/widget/tickets/:id/notes': 'visitor',
  'POST /api/v1/widget/uploads': 'visitor',
  'PUT /api/v1/admin/groups/:id': 'admin',
  'PUT /api/v1/canned-messages/:id': 'staff',
  'PUT /api/v1/me/avatar': 'staff',
  'PUT /api/v1/composer/rules': 'admin',
  'PUT /api/v1/contacts/:id/tags': 'contact',
  'PUT /api/v1/conversations/:id/draft': 'conversation',
  'PUT /api/v1/queues/:id/members': 'admin',
  'PUT /api/v1/queues/:id/routing': 'admin',
  'PUT /api/v1/routing/me/queues': 'staff',
  'PUT /api/v1/routing/me/status': 'staff',
  'PUT /api/v1/settings/channels': 'admin',
  'PUT /api/v1/settings/requests': 'admin',
  'PUT /api/v1/settings/widget': 'admin',
};
/** Outside /api/v1: the web app's shell and assets, the widget's files, health, docs, metrics. */
const OUTSIDE_API: Array<[RegExp, Access | 'loopback']> = [
  [/^GET \/metrics$/, 'loopback'],
  [/^GET \/(healthz|readyz|widget\.js|widget\/\*|index\.html|assets\/.*|api\/openapi\.json|api\/docs.*|demo.*)?$/, 'public'],
];

let t: TestServer;
const P: Record<string, { headers: Record<string, string>; staff: boolean }> = {};
let conversationId: number;
let contactId: number;
let visitor: VisitorCaller;
let visitorChat: number;
let callers: Record<string, Caller> = {};

const staffHeaders = (c: Caller) => ({ cookie: `sb_session=${c.cookie}`, 'x-csrf-token': c.csrf });

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  const billing = await createQueue(t, 'Billing');
  const sales = await createQueue(t, 'Sales');
  const adminUser = await createUser(t, 'admin', 'Ada Admin');
  const adminToken = await tokenFor(t, adminUser.id);
  const mk = async (key: string, role: 'admin' | 'supervisor' | 'agent', name: string, queues: number[]) => (callers[key] = await signIn(t, await createUser(t, role, name, queues)));
  callers.admin = await signIn(t, adminUser);
  await Promise.all([
    mk('agentOutside', 'agent', 'Otto Outside', [sales]),
    mk('agentOfQueue', 'agent', 'Quinn Queue', [billing]),
    mk('assigned', 'agent', 'Asa Assigned', [billing]),
    mk('consultant', 'agent', 'Cora Consultant', [billing]),
    mk('supervisorElsewhere', 'supervisor', 'Sid Elsewhere', [sales]),
    mk('supervisorOfQueue', 'supervisor', 'Sue Queue', [billing]),
  ]);
  const agentToken = await tokenFor(t, callers.agentOfQueue!.id);
  const revoked = await callers.agentOfQueue!.api('POST', '/api/v1/me/tokens', { name: 'soon gone' });
  expect((await callers.agentOfQueue!.api('DELETE', `/api/v1/me/tokens/${revoked.body.id}`)).status).toBe(200);

  const r = await customerWrites(t, adminToken, { externalId: 'matrix-1', name: 'Matrix Customer', body: 'my secret order 777', queueId: billing });
  conversationId = r.body.conversationId;
  contactId = (await callers.admin.api('GET', `/api/v1/conversations/${conversationId}`)).body.contact.id;
  expect((await callers.admin.api('POST', `/api/v1/conversations/${conversationId}/reassign`, { assigneeId: callers.assigned!.id })).status).toBe(200);
  const ask = await callers.assigned!.api('POST', `/api/v1/conversations/${conversationId}/discuss-requests`, { recipientId: callers.consultant!.id, recipientType: 'user' });
  expect(ask.status, JSON.stringify(ask.body)).toBe(201);
  expect((await callers.consultant!.api('POST', `/api/v1/discuss-requests/${ask.body.id}/accept`, {})).status).toBe(200);
  visitor = await newVisitor(t, { name: 'Vera Visitor' });
  visitorChat = (await visitor.api('POST', '/api/v1/widget/conversations', { message: 'hello from the widget' })).body.id;

  P.anonymous = { headers: {}, staff: false };
  P.visitor = { headers: { 'x-visitor-token': visitor.token }, staff: false };
  P.revokedToken = { headers: { authorization: `Bearer ${revoked.body.token}` }, staff: false };
  P.adminToken = { headers: { authorization: `Bearer ${adminToken}` }, staff: true };
  P.agentToken = { headers: { authorization: `Bearer ${agentToken}` }, staff: true };
  for (const [k, c] of Object.entries(callers)) P[k] = { headers: staffHeaders(c), staff: true };
}, 60_000);
afterAll(() => t.close());

const ADMINS = new Set(['admin', 'adminToken']);
/** Who sees conversation :id (assigned to Asa in Billing, Cora consulted). */
const SEES_CONVERSATION = new Set(['admin', 'adminToken', 'assigned', 'consultant', 'supervisorOfQueue']);
const ok = (s: number) => s >= 200 && s < 300;

function urlFor(pattern: string): string {
  return pattern
    .replace(':id', String(pattern.startsWith('/api/v1/widget/') ? visitorChat : pattern.startsWith('/api/v1/conversations/') ? conversationId : pattern.startsWith('/api/v1/contacts/') ? contactId : 999_999))
    .replace(/:key/, 'k'.repeat(32))
    .replace(/:(\w+)/g, '1')
    .replace('*', 'x');
}

// First the streams, while the conversation is as set up (the matrix below acts on it as every principal).
describe('the streams, live and replayed', () => {
  it('a conversation’s message and note reach exactly those who may see it; the customer gets the message only', async () => {
    const staff = Object.keys(callers);
    const live: Record<string, StreamClient> = {};
    await Promise.all(staff.map(async (k) => (live[k] = await openStream(t, callers[k]!))));
    const customerChat = await customerWrites(t, (await tokenFor(t, callers.admin!.id)), { externalId: 'matrix-1', body: 'customer again 778' });
    expect(customerChat.body.conversationId).toBe(conversationId);
    expect((await callers.assigned!.api('POST', `/api/v1/conversations/${conversationId}/messages`, { body: 'note 779', internal: true })).status).toBe(201);
    await live.admin!.next((f) => f.data?.message?.body === 'note 779');
    await t.server.services.dispatcher.flush();
    const bodies = (c: StreamClient) => c.frames.map((f) => f.data?.message?.body).filter(Boolean);
    const replay: Record<string, StreamClient> = {};
    for (const c of Object.values(live)) c.close();
    await Promise.all(staff.map(async (k) => (replay[k] = await openStream(t, callers[k]!, 0))));
    for (const k of staff) {
      const sees = SEES_CONVERSATION.has(k);
      for (const [mode, c] of [['live', live[k]!], ['replayed', replay[k]!]] as const) {
        const got = bodies(c);
        expect([k, mode, got.includes('customer again 778')]).toEqual([k, mode, sees]);
        expect([k, mode, got.includes('note 779')]).toEqual([k, mode, sees]);
        if (mode === 'replayed') expect([k, got.includes('my secret order 777')]).toEqual([k, sees]);
      }
    }
    for (const c of Object.values(replay)) c.close();

    // The customer stream: the visitor's own chat only; an agent's reply reaches them, a note never.
    expect((await callers.admin!.api('POST', `/api/v1/conversations/${visitorChat}/reassign`, { assigneeId: callers.admin!.id })).status).toBe(200);
    const vs = await openVisitorStream(t, visitor.token);
    expect((await callers.admin!.api('POST', `/api/v1/conversations/${visitorChat}/messages`, { body: 'reply 780' })).status).toBe(201);
    expect((await callers.admin!.api('POST', `/api/v1/conversations/${visitorChat}/messages`, { body: 'note 781', internal: true })).status).toBe(201);
    await vs.next((f) => JSON.stringify(f).includes('reply 780'));
    await t.server.services.dispatcher.flush();
    const vreplay = await openVisitorStream(t, visitor.token, 0);
    for (const s of [vs, vreplay]) {
      const text = JSON.stringify(s.frames);
      expect(text).toContain('reply 780');
      expect(text).not.toContain('note 781');
      expect(text).not.toContain('note 779');
      expect(text).not.toContain('customer again 778');
    }
    vs.close();
    vreplay.close();
  });

  it('the streams refuse the signed-out, the revoked and the visitor on the staff side', async () => {
    for (const who of ['anonymous', 'revokedToken', 'visitor']) {
      const r = await t.server.app.inject({ method: 'POST', url: '/api/v1/stream/ticket', headers: P[who]!.headers });
      expect([who, r.statusCode]).toEqual([who, 401]);
    }
    const r = await t.server.app.inject({ method: 'POST', url: '/api/v1/widget/stream-ticket', headers: P.agentOfQueue!.headers });
    expect(r.statusCode).toBe(401);
  });
});

describe('the authorization matrix', () => {
  it('has an expected access for every route in the route table', () => {
    const missing = t.server.routes
      .map((r) => `${r.method} ${r.url}`)
      .filter((k) => !(k in ACCESS) && !OUTSIDE_API.some(([re]) => re.test(k)));
    expect(missing).toEqual([]);
  });

  it('every route × every principal answers as its class says', async () => {
    const routes = t.server.routes.filter((r) => `${r.method} ${r.url}` in ACCESS);
    const cases = routes.flatMap((r) => Object.keys(P).map((who) => ({ r, who })));
    // In parallel, a few at a time: as many as a real database pool serves without queueing long.
    const run = async ({ r, who }: (typeof cases)[number]) => {
        const res = await t.server.app.inject({
          method: r.method as 'GET',
          url: urlFor(r.url),
          headers: { ...P[who]!.headers, 'x-forwarded-for': `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` },
          ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: {} }),
        });
        return { key: `${r.method} ${r.url}`, who, status: res.statusCode, body: res.body };
    };
    // Signing out ends the session the other requests use: it goes last, on its own.
    const isLogout = (c: (typeof cases)[number]) => `${c.r.method} ${c.r.url}` === 'POST /api/v1/auth/logout';
    const results: Array<Awaited<ReturnType<typeof run>>> = [];
    for (const group of [cases.filter((c) => !isLogout(c)), cases.filter(isLogout)]) {
      for (let i = 0; i < group.length; i += 8) results.push(...(await Promise.all(group.slice(i, i + 8).map(run))));
    }
    const wrong: string[] = [];
    for (const { key, who, status, body } of results) {
      const access = ACCESS[key]!;
      const get = key.startsWith('GET ');
      const bad = (why: string) => wrong.push(`${key} as ${who}: ${status} (${why})`);
      if (status >= 500) bad('never a 5xx');
      if (ok(status) && body.includes('my secret order 777') && !SEES_CONVERSATION.has(who) && who !== 'agentOfQueue') bad('leaked the conversation');
      switch (access) {
        case 'public':
          if (status === 401 || status === 403) bad('public');
          break;
        case 'visitor':
          if (who === 'visitor') {
            if (status === 401) bad('the visitor is let in');
          } else if (status !== 401) bad('only a visitor token opens the widget API');
          break;
        case 'provider':
        case 'capability':
          if (ok(status)) bad('no principal of ours gets in without the signature or key');
          break;
        case 'staff':
        case 'admin':
        case 'conversation':
        case 'contact':
          if (!P[who]!.staff) {
            if (status !== 401) bad('signed-out, visitor and revoked credentials get 401');
            break;
          }
          if (status === 401) bad('a valid staff credential is signed in');
          if (access === 'admin' && !ADMINS.has(who)) {
            if (ok(status)) bad('administrators only');
            if (get && status !== 403) bad('administrators only: 403');
          }
          if (access === 'admin' && ADMINS.has(who) && status === 403) bad('an administrator may');
          if ((access === 'conversation' || access === 'contact') && !SEES_CONVERSATION.has(who)) {
            if (ok(status)) bad('cannot see the conversation');
            if (get && status !== 404) bad('an unseen conversation (or its customer) is 404');
          }
          if (access === 'conversation' && SEES_CONVERSATION.has(who) && (key === 'GET /api/v1/conversations/:id' || key === 'GET /api/v1/conversations/:id/messages') && status !== 200) bad('may see it');
          break;
        case 'stream':
          break;
      }
    }
    expect(wrong).toEqual([]);
    expect(results.length).toBeGreaterThan(1500);
  });

  it('/metrics answers this machine only', async () => {
    expect((await t.server.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect((await t.server.app.inject({ method: 'GET', url: '/metrics', headers: { 'x-forwarded-for': '203.0.113.1' } })).statusCode).toBe(404);
  });
});
