import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createQueue, createUser, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { DEMO_CANNED, DEMO_PASSWORD, seedDemo } from '../src/demo/seed.ts';

/** The smallest valid PNG (1×1). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function multipart(name: string, type: string, data: Buffer) {
  const boundary = '----sbtest' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
  return { payload: Buffer.concat([head, data, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Issue 14, day-one gaps: the profile page's API and the customer history of the details panel. */
describe('profile', () => {
  let t: TestServer;
  let admin: Caller;
  let agent: Caller;
  let colleague: Caller;
  let token: string;
  let support: number;
  let sales: number;

  beforeAll(async () => {
    t = await startTestServer();
    support = await createQueue(t, 'Support');
    sales = await createQueue(t, 'Sales');
    const a = await createUser(t, 'admin', 'Ada Admin', [support, sales]);
    admin = await signIn(t, a);
    token = await tokenFor(t, a.id);
    agent = await signIn(t, await createUser(t, 'agent', 'Inez Insider', [support]));
    colleague = await signIn(t, await createUser(t, 'agent', 'Cole Colleague', [support]));
  });
  afterAll(async () => {
    await t?.close();
  });

  const uploadAvatar = async (caller: Caller, name: string, type: string, data: Buffer) => {
    const m = multipart(name, type, data);
    const res = await t.server.app.inject({ method: 'PUT', url: '/api/v1/me/avatar', payload: m.payload, headers: { ...m.headers, cookie: `sb_session=${caller.cookie}`, 'x-csrf-token': caller.csrf } });
    return { status: res.statusCode, body: res.json() };
  };

  it('renames the user, and colleagues see the new name in the directory', async () => {
    const before = await agent.api('GET', '/api/v1/me/profile');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ name: 'Inez Insider', avatarUrl: null, preferences: { notifyOffers: true, notifyMessages: true, sound: true } });
    const res = await agent.api('PATCH', '/api/v1/me/profile', { name: '  Inez Ibarra ' });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Inez Ibarra');
    const users = await colleague.api('GET', '/api/v1/users');
    expect(users.body.items.find((u: { id: number }) => u.id === agent.id).name).toBe('Inez Ibarra');
    expect((await agent.api('PATCH', '/api/v1/me/profile', { name: '' })).body.error.code).toBe('validation_failed');
  });

  it('keeps alert preferences per user: only those sent change', async () => {
    const res = await agent.api('PATCH', '/api/v1/me/profile', { preferences: { sound: false } });
    expect(res.body.preferences).toEqual({ notifyOffers: true, notifyMessages: true, sound: false });
    await agent.api('PATCH', '/api/v1/me/profile', { preferences: { notifyMessages: false } });
    expect((await agent.api('GET', '/api/v1/me/profile')).body.preferences).toEqual({ notifyOffers: true, notifyMessages: false, sound: false });
    expect((await colleague.api('GET', '/api/v1/me/profile')).body.preferences.sound).toBe(true);
    const bad = await agent.api('PATCH', '/api/v1/me/profile', { preferences: { sound: 'loud' } });
    expect(bad.status).toBe(400);
  });

  it('takes an avatar image, serves it to colleagues at a versioned URL, and removes it', async () => {
    const up = await uploadAvatar(agent, 'me.txt', 'text/plain', PNG);
    expect(up.status).toBe(200);
    expect(up.body.avatarUrl).toMatch(new RegExp(`^/api/v1/users/${agent.id}/avatar\\?v=\\d+$`));
    const seen = await t.server.app.inject({ method: 'GET', url: up.body.avatarUrl, headers: { cookie: `sb_session=${colleague.cookie}` } });
    expect(seen.statusCode).toBe(200);
    expect(seen.headers['content-type']).toBe('image/png');
    expect(seen.rawPayload.equals(PNG)).toBe(true);
    const users = await colleague.api('GET', '/api/v1/users');
    expect(users.body.items.find((u: { id: number }) => u.id === agent.id).avatarUrl).toBe(up.body.avatarUrl);
    // Signed out, no picture.
    expect((await t.server.app.inject({ method: 'GET', url: up.body.avatarUrl })).statusCode).toBe(401);

    const gone = await agent.api('DELETE', '/api/v1/me/avatar');
    expect(gone.body.avatarUrl).toBeNull();
    expect((await colleague.api('GET', `/api/v1/users/${agent.id}/avatar`)).status).toBe(404);
  });

  it('refuses an avatar that is not a picture (by its bytes) or is too large, with codes', async () => {
    const svg = await uploadAvatar(agent, 'x.png', 'image/png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'));
    expect(svg.status).toBe(422);
    expect(svg.body.error.code).toBe('avatar_not_image');
    const big = await uploadAvatar(agent, 'big.png', 'image/png', Buffer.concat([PNG, Buffer.alloc(600 * 1024)]));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('avatar_too_large');
    const json = await agent.api('PUT', '/api/v1/me/avatar', { file: 'x' });
    expect(json.status).toBe(415);
  });

  it("lists the customer's earlier and linked conversations and tickets the viewer may open, newest first", async () => {
    const write = (body: string, queueId: number) => bearer(t, token, 'POST', '/api/v1/inbound/messages', { channel: 'web', externalId: 'hist-1', contact: { name: 'Hanna History' }, body, queueId });
    const first = (await write('My first question', support)).body.conversationId as number;
    expect((await admin.api('POST', `/api/v1/conversations/${first}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    expect((await admin.api('POST', `/api/v1/conversations/${first}/resolve`, {})).status).toBe(200);
    const second = (await write('Writing again', support)).body.conversationId as number;
    expect(second).not.toBe(first);
    const conv = (await admin.api('GET', `/api/v1/conversations/${second}`)).body;
    expect(conv.previousConversationId).toBe(first);
    // The same customer in a colleague's queue the agent is not in.
    const opened = await admin.api('POST', '/api/v1/conversations', { contactId: conv.contact.id, channel: 'email', queueId: sales, subject: 'A sales question' });
    expect(opened.status).toBe(201);
    const elsewhere = opened.body.id as number;
    const contactId = conv.contact.id as number;
    const ticket = await admin.api('POST', '/api/v1/tickets', { contactId, subject: 'Follow up on the refund', queueId: support, assigneeId: agent.id });
    expect(ticket.status).toBe(201);

    const mine = await agent.api('GET', `/api/v1/contacts/${contactId}/history`);
    expect(mine.status).toBe(200);
    const ids = mine.body.conversations.map((c: { id: number }) => c.id);
    expect(ids).toContain(first);
    expect(ids).toContain(second);
    // The Sales conversation is not the agent's to open: not listed, not counted.
    expect(ids).not.toContain(elsewhere);
    expect(mine.body.conversations.find((c: { id: number }) => c.id === first)).toMatchObject({ status: 'resolved', channel: 'web' });
    expect(mine.body.tickets).toEqual([expect.objectContaining({ id: ticket.body.id, subject: 'Follow up on the refund', status: 'open' })]);

    const all = await admin.api('GET', `/api/v1/contacts/${contactId}/history`);
    expect(all.body.conversations.map((c: { id: number }) => c.id)).toContain(elsewhere);
    const created = all.body.conversations.map((c: { createdAt: number }) => c.createdAt);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
  });

  it('answers 404 for a customer the viewer cannot see, and for one that does not exist', async () => {
    const outsider = await signIn(t, await createUser(t, 'agent', 'Otto Outsider'));
    const c = await admin.api('POST', '/api/v1/contacts', { name: 'Private Person' });
    expect((await outsider.api('GET', `/api/v1/contacts/${c.body.id}/history`)).status).toBe(404);
    expect((await admin.api('GET', '/api/v1/contacts/999999/history')).body.error.code).toBe('not_found');
  });
});

describe('the demo workspace', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await seedDemo(t.server.services.store, t.clock, { history: false });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('comes with canned messages, a personal quick reply, and a customer with history and a ticket', async () => {
    const row = await t.server.services.store.db.selectFrom('users').select(['id', 'email']).where('email', '=', 'mark@example.com').executeTakeFirstOrThrow();
    const mark = await signIn(t, row, DEMO_PASSWORD);
    const canned = await mark.api('GET', '/api/v1/canned-messages');
    const titles = canned.body.items.map((c: { title: string }) => c.title);
    for (const c of DEMO_CANNED) expect(titles).toContain(c.title);
    expect(titles).toContain('My sign-off');
    const list = await mark.api('GET', '/api/v1/conversations?view=mine&q=John');
    const john = list.body.items[0];
    expect(john.previousConversationId).not.toBeNull();
    const history = await mark.api('GET', `/api/v1/contacts/${john.contact.id}/history`);
    expect(history.body.conversations.map((c: { status: string }) => c.status).sort()).toEqual(['active', 'resolved']);
    expect(history.body.tickets[0]).toMatchObject({ subject: 'Duplicate charge in October', sourceConversationId: john.previousConversationId });
  });
});
