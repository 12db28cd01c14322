import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';

/**
 * Issue 2: "an agent outside a queue cannot read, list, search or write its conversations", and an
 * unseen conversation answers 404, not 403 (its existence is not revealed).
 */
let t: TestServer;
let outsider: Caller;
let insider: Caller;
let supervisorElsewhere: Caller;
let supervisorHere: Caller;
let conversationId: number;
let contactId: number;

beforeAll(async () => {
  t = await startTestServer();
  const billing = await createQueue(t, 'Billing');
  const sales = await createQueue(t, 'Sales');
  const admin = await createUser(t, 'admin', 'Root');
  const adminToken = await tokenFor(t, admin.id);
  insider = await signIn(t, await createUser(t, 'agent', 'Inside Agent', [billing]));
  outsider = await signIn(t, await createUser(t, 'agent', 'Outside Agent', [sales]));
  supervisorElsewhere = await signIn(t, await createUser(t, 'supervisor', 'Sales Supervisor', [sales]));
  supervisorHere = await signIn(t, await createUser(t, 'supervisor', 'Billing Supervisor', [billing]));
  const r = await customerWrites(t, adminToken, { externalId: 'secret-1', name: 'Private Person', body: 'My card number ends 4242', queueId: billing });
  conversationId = r.body.conversationId;
  contactId = (await insider.api('GET', `/api/v1/conversations/${conversationId}`)).body.contact.id;
});
afterAll(() => t.close());

const ROUTES: Array<[method: string, path: string, body?: unknown]> = [
  ['GET', '/api/v1/conversations/:id'],
  ['PATCH', '/api/v1/conversations/:id', { priority: 'high' }],
  ['GET', '/api/v1/conversations/:id/messages'],
  ['POST', '/api/v1/conversations/:id/messages', { body: 'hello', internal: true }],
  ['POST', '/api/v1/conversations/:id/close'],
  ['POST', '/api/v1/conversations/:id/reopen'],
  ['POST', '/api/v1/conversations/:id/end-chat'],
  ['POST', '/api/v1/conversations/:id/close-wrap-up'],
  ['POST', '/api/v1/conversations/:id/resolve', {}],
  ['POST', '/api/v1/conversations/:id/reassign', { assigneeId: 1 }],
  ['POST', '/api/v1/conversations/:id/read'],
  ['POST', '/api/v1/conversations/:id/unread'],
  ['PUT', '/api/v1/conversations/:id/draft', { body: 'x' }],
  ['POST', '/api/v1/conversations/:id/unpin-customer'],
  ['POST', '/api/v1/conversations/:id/pick'],
  ['POST', '/api/v1/conversations/:id/handoff', {}],
  ['POST', '/api/v1/conversations/:id/transfer-to-agent', { userId: 1 }],
  ['POST', '/api/v1/conversations/:id/transfer-to-queue', { queueId: 1 }],
  // Issue 3: chat requests, sessions and typing.
  ['POST', '/api/v1/conversations/:id/complete', { note: 'x' }],
  ['POST', '/api/v1/conversations/:id/end-session', { outcome: 'plain' }],
  ['GET', '/api/v1/conversations/:id/chat-request'],
  ['GET', '/api/v1/conversations/:id/messaging-window'],
  ['POST', '/api/v1/conversations/:id/notes', { body: 'x' }],
  ['POST', '/api/v1/conversations/:id/typing', { typing: true }],
  // Issue 4: attachments.
  ['POST', '/api/v1/conversations/:id/attachments', {}],
  ['GET', '/api/v1/conversations/:id/attachments/{key}'],
  // Issue 11: assign and discuss requests.
  ['GET', '/api/v1/conversations/:id/request-targets'],
  ['POST', '/api/v1/conversations/:id/discuss-requests', { recipientId: 1, recipientType: 'manager' }],
  ['POST', '/api/v1/conversations/:id/assign-requests', { recipientId: 1, recipientType: 'manager' }],
  ['GET', '/api/v1/conversations/:id/requests'],
  // Issue 12: the email side of the messages (copied addresses, original, raw).
  ['GET', '/api/v1/conversations/:id/emails'],
  ['GET', '/api/v1/conversations/:id/emails/{messageId}'],
  ['GET', '/api/v1/conversations/:id/emails/{messageId}/raw'],
  // Issue 13: WhatsApp templates an agent may send in this conversation.
  ['GET', '/api/v1/conversations/:id/whatsapp-templates'],
  ['POST', '/api/v1/conversations/:id/whatsapp-templates/{templateId}', { parameters: [] }],
];

describe('an agent outside the queue', () => {
  it.each(ROUTES)('gets 404 from %s %s', async (method, path, body) => {
    // The other ids of a path are any number: the conversation alone must answer "not found".
    const r = await outsider.api(method, path.replace(':id', String(conversationId)).replace(/\{\w+\}/g, '1'), body);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });

  it('does not find it in the list, by search, or by id search', async () => {
    for (const qs of ['', '?view=all', '?q=Private', '?q=4242', `?q=%23${conversationId}`, `?status=queued`]) {
      const r = await outsider.api('GET', `/api/v1/conversations${qs}`);
      expect(r.status).toBe(200);
      expect(r.body.items.map((c: any) => c.id)).not.toContain(conversationId);
    }
  });

  it('cannot delete it', async () => {
    const r = await outsider.api('POST', '/api/v1/conversations/delete', { ids: [conversationId] });
    expect(r.status).toBe(403);
  });

  it('and a supervisor of another queue do not see it either', async () => {
    expect((await supervisorElsewhere.api('GET', `/api/v1/conversations/${conversationId}`)).status).toBe(404);
    expect((await supervisorElsewhere.api('GET', '/api/v1/conversations?q=Private')).body.items).toEqual([]);
  });
});

describe('members of the queue', () => {
  it('see the waiting conversation, in the list and by search', async () => {
    expect((await insider.api('GET', `/api/v1/conversations/${conversationId}`)).status).toBe(200);
    expect((await insider.api('GET', '/api/v1/conversations?q=Private')).body.items.map((c: any) => c.id)).toEqual([conversationId]);
    expect((await supervisorHere.api('GET', `/api/v1/conversations/${conversationId}/messages`)).status).toBe(200);
  });

  it('every conversation route in the API document is covered by this table', async () => {
    const doc = (await t.server.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const documented: string[] = [];
    for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
      if (!path.startsWith('/api/v1/conversations/{id}')) continue;
      for (const method of Object.keys(ops)) documented.push(`${method.toUpperCase()} ${path.replace('{id}', ':id')}`);
    }
    const covered = ROUTES.map(([m, p]) => `${m} ${p}`);
    expect(documented.sort()).toEqual([...covered].sort());
  });
});

describe('requests without a user', () => {
  it.each(['/api/v1/conversations', `/api/v1/contacts`, '/api/v1/users', '/api/v1/me'])('get 401 from %s', async (url) => {
    const r = await t.server.app.inject({ method: 'GET', url });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('unauthorized');
  });

  it('cannot post a customer message through the integration endpoint', async () => {
    const r = await t.server.app.inject({ method: 'POST', url: '/api/v1/inbound/messages', payload: { externalId: 'x', contact: { name: 'x' }, body: 'x' } });
    expect(r.statusCode).toBe(401);
  });

  it('an agent cannot post as a customer either (integrations are admin tokens)', async () => {
    const r = await insider.api('POST', '/api/v1/inbound/messages', { externalId: 'x', contact: { name: 'x' }, body: 'x' });
    expect(r.status).toBe(403);
  });

  it('contacts are readable by signed-in staff only', async () => {
    expect((await insider.api('GET', `/api/v1/contacts/${contactId}`)).status).toBe(200);
    expect((await t.server.app.inject({ method: 'GET', url: `/api/v1/contacts/${contactId}` })).statusCode).toBe(401);
  });
});
