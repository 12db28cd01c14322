import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../test/harness.ts';
import { hashToken } from '../src/auth/secrets.ts';
import { identityHash } from '../src/actions/visitors.ts';
import { nextIp, newVisitor, openVisitorStream, widgetCall, type VisitorCaller } from './widgetHelpers.ts';

/**
 * Issue 3, security: visitor tokens are unguessable, stored hashed, scoped to their own
 * conversations and rate-limited; a visitor never reads another visitor's conversation or any
 * internal note; identity verification is enforced when the site turns it on.
 */
let t: TestServer;
let admin: Caller;
let agent: Caller;
let alice: VisitorCaller;
let bob: VisitorCaller;
let aliceChat: number;
let bobChat: number;
const SECRET = 'a-long-identity-secret-for-tests';

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  const q = await createQueue(t, 'Web');
  admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
  agent = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [q]));
  alice = await newVisitor(t, { name: 'Alice' });
  bob = await newVisitor(t, { name: 'Bob' });
  aliceChat = (await alice.api('POST', '/api/v1/widget/conversations', { message: 'Alice here: my order 1234 is late' })).body.id;
  bobChat = (await bob.api('POST', '/api/v1/widget/conversations', { message: 'Bob here' })).body.id;
  // The agent takes Alice's chat, answers her and writes an internal note.
  expect((await admin.api('POST', `/api/v1/conversations/${aliceChat}/reassign`, { assigneeId: agent.id })).status).toBe(200);
  expect((await agent.api('POST', `/api/v1/conversations/${aliceChat}/messages`, { body: 'Hello Alice, looking into it' })).status).toBe(201);
  expect((await agent.api('POST', `/api/v1/conversations/${aliceChat}/messages`, { body: 'INTERNAL: customer seems angry', internal: true })).status).toBe(201);
});
afterAll(() => t.close());

describe('visitor tokens', () => {
  it('are unguessable (256 random bits) and stored only as a hash', async () => {
    expect(alice.token).toMatch(/^sbv_[A-Za-z0-9_-]{43}$/);
    expect(alice.token).not.toBe(bob.token);
    const rows = await t.server.services.store.db.selectFrom('visitor_sessions').select('token_hash').execute();
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(alice.token));
    expect(rows.map((r) => r.token_hash)).not.toContain(alice.token);
  });

  it('a missing, made-up or expired token gets 401', async () => {
    expect((await widgetCall(t, 'GET', '/api/v1/widget/me')).status).toBe(401);
    expect((await widgetCall(t, 'GET', '/api/v1/widget/me', undefined, { 'x-visitor-token': 'sbv_' + 'A'.repeat(43) })).status).toBe(401);
    const late = await newVisitor(t);
    t.clock.advance(91 * 24 * 3600_000);
    try {
      expect((await late.api('GET', '/api/v1/widget/me')).status).toBe(401);
    } finally {
      t.clock.advance(-91 * 24 * 3600_000);
    }
  });

  it('an agent session cookie is not a visitor token', async () => {
    const r = await t.server.app.inject({ method: 'GET', url: '/api/v1/widget/me', cookies: { sb_session: agent.cookie } });
    expect(r.statusCode).toBe(401);
  });
});

describe('a visitor never reads another visitor’s conversation', () => {
  const routes = (id: number): Array<[string, string, unknown?]> => [
    ['GET', `/api/v1/widget/conversations/${id}`],
    ['GET', `/api/v1/widget/conversations/${id}/messages`],
    ['POST', `/api/v1/widget/conversations/${id}/messages`, { body: 'let me in' }],
    ['POST', `/api/v1/widget/conversations/${id}/leave`, {}],
    ['POST', `/api/v1/widget/conversations/${id}/keep-waiting`, {}],
    ['POST', `/api/v1/widget/conversations/${id}/callback`, { phone: '+1 555 0100', preferredTime: 'now' }],
    ['POST', `/api/v1/widget/conversations/${id}/read`, { upToMessageId: 1 }],
  ];

  it('Bob gets 404 from every route of Alice’s chat, and her chat is unchanged', async () => {
    for (const [method, path, body] of routes(aliceChat)) {
      const r = await bob.api(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    const mine = await alice.api('GET', `/api/v1/widget/conversations/${aliceChat}/messages`);
    expect(mine.body.items.map((m: any) => m.body)).not.toContain('let me in');
    expect((await alice.api('GET', `/api/v1/widget/conversations/${aliceChat}`)).body.status).toBe('pending');
  });

  it('nor an agent’s conversation on another channel', async () => {
    const other = await admin.api('POST', '/api/v1/conversations', { contact: { name: 'Phone Person' }, channel: 'api', message: 'secret' });
    expect((await alice.api('GET', `/api/v1/widget/conversations/${other.body.id}/messages`)).status).toBe(404);
  });

  it('Bob cannot start a chat from Alice’s ticket, nor read it', async () => {
    const contactId = (await agent.api('GET', `/api/v1/conversations/${aliceChat}`)).body.contact.id;
    const ticket = await agent.api('POST', '/api/v1/tickets', { subject: 'Late order', contactId });
    expect(ticket.status).toBe(201);
    expect((await bob.api('GET', `/api/v1/widget/tickets/${ticket.body.id}`)).status).toBe(404);
    expect((await bob.api('POST', '/api/v1/widget/tickets/' + ticket.body.id + '/notes', { body: 'hi' })).status).toBe(404);
    expect((await bob.api('GET', '/api/v1/widget/tickets')).body.items).toEqual([]);
    expect((await alice.api('GET', '/api/v1/widget/tickets')).body.items.map((x: any) => x.id)).toEqual([ticket.body.id]);
  });
});

describe('internal notes never reach the customer', () => {
  it('not in the history', async () => {
    const r = await alice.api('GET', `/api/v1/widget/conversations/${aliceChat}/messages`);
    expect(r.status).toBe(200);
    const bodies = r.body.items.map((m: any) => m.body);
    expect(bodies).toContain('Hello Alice, looking into it');
    expect(JSON.stringify(r.body)).not.toContain('INTERNAL');
    // Agents go by first name.
    expect(r.body.items.find((m: any) => m.from === 'agent').name).toBe('Mark');
    expect(JSON.stringify(r.body)).not.toContain('Watney');
  });

  it('not on the stream, live or replayed, and no other visitor’s events either', async () => {
    const before = t.server.services.dispatcher.lastSeq;
    const stream = await openVisitorStream(t, alice.token);
    await agent.api('POST', `/api/v1/conversations/${aliceChat}/messages`, { body: 'ANOTHER INTERNAL NOTE', internal: true });
    await bob.api('POST', `/api/v1/widget/conversations/${bobChat}/messages`, { body: 'Bob again' });
    await agent.api('POST', `/api/v1/conversations/${aliceChat}/messages`, { body: 'Public reply' });
    await stream.next((f) => f.type === 'message.created' && f.data.message.body === 'Public reply');
    const replay = await openVisitorStream(t, alice.token, before);
    await replay.next((f) => f.type === 'message.created' && f.data.message.body === 'Public reply');
    for (const frames of [stream.frames, replay.frames]) {
      const text = JSON.stringify(frames);
      expect(text).not.toContain('INTERNAL');
      expect(text).not.toContain('Bob again');
      expect(text).not.toContain('Watney');
      expect(frames.every((f) => !f.data || f.data.message?.conversationId === aliceChat || f.data.conversation?.id === aliceChat)).toBe(true);
    }
    stream.close();
    replay.close();
  });

  it('a note given when completing or resolving stays with the agents', async () => {
    const carol = await newVisitor(t, { name: 'Carol' });
    const chat = (await carol.api('POST', '/api/v1/widget/conversations', { message: 'Carol waiting' })).body.id;
    await carol.api('POST', `/api/v1/widget/conversations/${chat}/leave`, {});
    expect((await agent.api('POST', `/api/v1/conversations/${chat}/complete`, { note: 'NOTE-FOR-AGENTS called her back' })).status).toBe(200);
    const r = await carol.api('GET', `/api/v1/widget/conversations/${chat}/messages`);
    expect(JSON.stringify(r.body)).not.toContain('NOTE-FOR-AGENTS');
  });

  it('a ticket’s internal notes are hidden from its customer in the portal', async () => {
    const contactId = (await agent.api('GET', `/api/v1/conversations/${aliceChat}`)).body.contact.id;
    const ticket = (await agent.api('POST', '/api/v1/tickets', { subject: 'Refund', contactId })).body;
    await agent.api('POST', `/api/v1/tickets/${ticket.id}/notes`, { body: 'INTERNAL ticket note', internal: true });
    await agent.api('POST', `/api/v1/tickets/${ticket.id}/notes`, { body: 'We are on it', internal: false });
    const seen = await alice.api('GET', `/api/v1/widget/tickets/${ticket.id}`);
    expect(seen.body.notes.map((n: any) => n.body)).toEqual(['We are on it']);
  });
});

describe('identity verification', () => {
  it('when off, an unsigned user id is not trusted: it never joins that user’s history', async () => {
    const a = await newVisitor(t, { user: { id: 'user-42', name: 'Real 42' } });
    const chat = (await a.api('POST', '/api/v1/widget/conversations', { message: 'private to 42' })).body.id;
    const impostor = await newVisitor(t, { user: { id: 'user-42', name: 'Fake 42' } });
    expect(impostor.body.verified).toBe(false);
    expect(impostor.body.conversation).toBeNull();
    expect((await impostor.api('GET', `/api/v1/widget/conversations/${chat}/messages`)).status).toBe(404);
  });

  it('when on, a user needs the site’s HMAC of their id; a wrong or borrowed hash is refused', async () => {
    expect((await admin.api('PUT', '/api/v1/settings/widget', { identityVerification: true })).status).toBe(422);
    const set = await admin.api('PUT', '/api/v1/settings/widget', { identityVerification: true, identitySecret: SECRET });
    expect(set.status).toBe(200);
    expect(JSON.stringify(set.body)).not.toContain(SECRET);
    const sign = (id: string) => identityHash(SECRET, id);

    const none = await widgetCall(t, 'POST', '/api/v1/widget/sessions', { user: { id: 'user-7' } });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('identity_invalid');
    expect((await widgetCall(t, 'POST', '/api/v1/widget/sessions', { user: { id: 'user-7', hash: 'f'.repeat(64) } })).status).toBe(401);
    expect((await widgetCall(t, 'POST', '/api/v1/widget/sessions', { user: { id: 'user-7', hash: sign('user-8') } })).status).toBe(401);

    const seven = await newVisitor(t, { user: { id: 'user-7', hash: sign('user-7'), name: 'Seven' } });
    expect(seven.body.verified).toBe(true);
    const chat = (await seven.api('POST', '/api/v1/widget/conversations', { message: 'from seven' })).body.id;
    // The same verified user on another device finds their chat; another verified user does not.
    const sevenAgain = await newVisitor(t, { user: { id: 'user-7', hash: sign('user-7') } });
    expect(sevenAgain.body.conversation.id).toBe(chat);
    const eight = await newVisitor(t, { user: { id: 'user-8', hash: sign('user-8') } });
    expect(eight.body.conversation).toBeNull();
    expect((await eight.api('GET', `/api/v1/widget/conversations/${chat}`)).status).toBe(404);

    await admin.api('PUT', '/api/v1/settings/widget', { identityVerification: false });
  });

  it('only admins read or change the widget settings', async () => {
    expect((await agent.api('GET', '/api/v1/settings/widget')).status).toBe(403);
    expect((await agent.api('PUT', '/api/v1/settings/widget', { title: 'x' })).status).toBe(403);
  });
});

describe('rate limits', () => {
  it('session creation is limited per address', async () => {
    const address = nextIp();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await t.server.app.inject({ method: 'POST', url: '/api/v1/widget/sessions', headers: { 'x-forwarded-for': address }, payload: {} });
      statuses.push(r.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('a visitor’s messages are limited per token, whatever address they come from', async () => {
    const v = await newVisitor(t);
    const chat = (await v.api('POST', '/api/v1/widget/conversations', {})).body.id;
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await v.api('POST', `/api/v1/widget/conversations/${chat}/messages`, { body: `spam ${i}` }, { 'x-forwarded-for': `198.51.100.${i + 1}` })).status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(30);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });

  it('guessing tokens is limited per address', async () => {
    const address = nextIp();
    const statuses: number[] = [];
    for (let i = 0; i < 125; i++) {
      const r = await t.server.app.inject({ method: 'GET', url: '/api/v1/widget/me', headers: { 'x-forwarded-for': address, 'x-visitor-token': `sbv_guess${i}` } });
      statuses.push(r.statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
  });
});
