import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../../test/harness.ts';
import { newVisitor, widgetCall } from '../widgetHelpers.ts';

/**
 * Issue 9 item 8: bad input answered 500 (a ticket naming a missing assignee or queue, widget
 * settings naming a missing queue, a truncated upload), Fastify's own 400/414 came out in its
 * shape, and body validation ran before authentication. Each is now a 4xx with a stable code.
 */
let t: TestServer;
let admin: Caller;
let agent: Caller;
let support: number;
let conversationId: number;
let contactId: number;

beforeAll(async () => {
  t = await startTestServer();
  support = await createQueue(t, 'Support');
  admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
  agent = await signIn(t, await createUser(t, 'agent', 'Martha Jones', [support]));
  const c = await admin.api('POST', '/api/v1/conversations', { contact: { name: 'Donna Noble' }, channel: 'api', message: 'Hello', queueId: support });
  expect(c.status).toBe(201);
  conversationId = c.body.id;
  contactId = c.body.contact.id;
});
afterAll(() => t.close());

const errorShape = { error: { code: expect.any(String), message: expect.any(String) } };

describe('references to things that do not exist', () => {
  it('a ticket with an assignee or a queue that does not exist is refused, 422 with a code', async () => {
    let r = await admin.api('POST', '/api/v1/tickets', { subject: 'Lost parcel', contactId, assigneeId: 987654 });
    expect([r.status, r.body.error?.code]).toEqual([422, 'assignee_not_found']);
    r = await admin.api('POST', '/api/v1/tickets', { subject: 'Lost parcel', contactId, queueId: 987654 });
    expect([r.status, r.body.error?.code]).toEqual([422, 'queue_not_found']);
    r = await agent.api('POST', '/api/v1/tickets', { subject: 'Lost parcel', contactId, assigneeId: 987654 });
    expect([r.status, r.body.error?.code]).toEqual([422, 'assignee_not_found']);
    r = await admin.api('POST', '/api/v1/tickets', { subject: 'Lost parcel', contactId: 987654 });
    expect([r.status, r.body.error?.code]).toEqual([422, 'contact_not_found']);
    // And the good one still works, then cannot be moved to a missing assignee.
    const ok = await admin.api('POST', '/api/v1/tickets', { subject: 'Lost parcel', contactId, queueId: support, assigneeId: agent.id });
    expect(ok.status).toBe(201);
    r = await admin.api('PATCH', `/api/v1/tickets/${ok.body.id}`, { assigneeId: 987654 });
    expect([r.status, r.body.error?.code]).toEqual([422, 'assignee_not_found']);
  });

  it('widget settings naming a missing queue are refused when saved', async () => {
    const r = await admin.api('PUT', '/api/v1/settings/widget', { queueId: 987654 });
    expect([r.status, r.body.error?.code]).toEqual([422, 'queue_not_found']);
    expect((await admin.api('GET', '/api/v1/settings/widget')).body.queueId).toBe(null);
    expect((await admin.api('PUT', '/api/v1/settings/widget', { queueId: support })).status).toBe(200);
  });

  it('customers’ chats keep working when the stored widget queue no longer exists', async () => {
    const db = t.server.services.store.db;
    const row = await db.selectFrom('widget_settings').select('settings').where('id', '=', 1).executeTakeFirstOrThrow();
    await db.updateTable('widget_settings').set({ settings: JSON.stringify({ ...JSON.parse(row.settings), queueId: 987654 }) }).where('id', '=', 1).execute();

    expect((await widgetCall(t, 'GET', '/api/v1/widget/config')).status).toBe(200);
    const v = await newVisitor(t);
    const chat = await v.api('POST', '/api/v1/widget/conversations', { message: 'Is anyone there?' });
    expect(chat.status).toBe(201);
    // It waits in a queue that exists (the first), where the agents see it.
    const seen = await agent.api('GET', `/api/v1/conversations/${chat.body.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.queueId).toBe(support);
  });
});

describe('uploads', () => {
  const boundary = '----sbtruncated';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`;

  it('a multipart upload cut short answers 400 upload_incomplete', async () => {
    const r = await t.server.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conversationId}/attachments`,
      cookies: { sb_session: admin.cookie },
      headers: { 'x-csrf-token': admin.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat([Buffer.from(head), Buffer.from('\x89PNG\r\n\x1a\n half a picture')]),
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: 'upload_incomplete' } });
  });

  it('a multipart body without its boundary answers 4xx with a code', async () => {
    const r = await t.server.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${conversationId}/attachments`,
      cookies: { sb_session: admin.cookie },
      headers: { 'x-csrf-token': admin.csrf, 'content-type': 'multipart/form-data' },
      payload: head,
    });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    expect(r.json()).toMatchObject(errorShape);
  });
});

describe('Fastify’s own refusals answer in our shape', () => {
  const asAdmin = (o: { method?: string; url: string; headers?: Record<string, string>; payload?: string | Buffer }) =>
    t.server.app.inject({ method: (o.method ?? 'GET') as 'GET', url: o.url, cookies: { sb_session: admin.cookie }, headers: { 'x-csrf-token': admin.csrf, ...o.headers }, ...(o.payload !== undefined ? { payload: o.payload } : {}) });

  it.each([
    ['a bad percent-encoding', { url: '/api/v1/conversations/%E0%A4%A' }, 400, 'bad_url'],
    ['a path parameter past its length', { url: `/api/v1/conversations/${'9'.repeat(300)}` }, 414, 'path_too_long'],
    ['an unknown content type', { method: 'POST', url: '/api/v1/tickets', headers: { 'content-type': 'text/x-nonsense' }, payload: 'subject=x' }, 415, 'unsupported_media_type'],
    ['broken JSON', { method: 'POST', url: '/api/v1/tickets', headers: { 'content-type': 'application/json' }, payload: '{"subject": ' }, 400, 'bad_request'],
    ['an empty JSON body', { method: 'POST', url: '/api/v1/tickets', headers: { 'content-type': 'application/json' }, payload: '' }, 400, 'bad_request'],
    ['a body over the limit', { method: 'POST', url: '/api/v1/tickets', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ subject: 'x'.repeat(2 * 1024 * 1024) }) }, 413, 'body_too_large'],
  ])('%s', async (_what, req, status, code) => {
    const r = await asAdmin(req);
    expect(r.statusCode).toBe(status);
    expect(r.json()).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('a malformed request line on a real socket answers 400 in our shape', async () => {
    const net = await import('node:net');
    const live = await startTestServer({ listen: true });
    try {
      const { port } = new URL(live.url);
      const answer = await new Promise<string>((resolve, reject) => {
        const sock = net.connect(Number(port), '127.0.0.1', () => sock.write('GET /\u0001 nonsense\r\n\r\n'));
        let data = '';
        sock.on('data', (d) => (data += d.toString()));
        sock.on('close', () => resolve(data));
        sock.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
    } finally {
      await live.close();
    }
  });
});

describe('authentication comes before body validation', () => {
  it.each([
    ['POST', '/api/v1/tickets', { nonsense: true }],
    ['POST', '/api/v1/conversations', { contact: 42 }],
    ['PUT', '/api/v1/composer/rules', { sensitivePatterns: 'x' }],
    ['PATCH', '/api/v1/users/1', { role: 'emperor' }],
    ['POST', '/api/v1/inboxes', []],
  ])('an anonymous %s %s with a bad body gets 401, not the schema', async (method, url, payload) => {
    const r = await t.server.app.inject({ method: method as 'POST', url, payload: payload as object });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(r.body).not.toMatch(/expected|invalid_type|Invalid body/i);
  });

  it('so does a visitor without a token on the widget', async () => {
    const r = await widgetCall(t, 'POST', `/api/v1/widget/conversations/${conversationId}/messages`, { body: 42 });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('unauthorized');
  });
});
