import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, bearer, createQueue, createUser, signIn, startTestServer, tokenFor, type TestServer } from '../../../test/harness.ts';

let t: TestServer;
let support: number;

beforeAll(async () => {
  t = await startTestServer();
  support = await createQueue(t, 'Support');
});
afterAll(() => t.close());

const login = (email: string, password: string) => t.server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

describe('signing in', () => {
  it('refuses a wrong password with the same answer as an unknown email', async () => {
    const u = await createUser(t, 'agent', 'Wanda Wrong', [support]);
    const wrong = await login(u.email, 'nope');
    const unknown = await login('nobody@example.test', 'nope');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('invalid_credentials');
  });

  it('tells a page whether it is signed in with a 200 either way, so a signed-out load logs no 401 (issue 14, seen 10)', async () => {
    const out = await t.server.app.inject({ method: 'GET', url: '/api/v1/auth/session' });
    expect(out.statusCode).toBe(200);
    expect(out.json()).toEqual({ signedIn: false, me: null });
    const u = await createUser(t, 'agent', 'Sally Session', [support]);
    const caller = await signIn(t, u);
    const inside = await t.server.app.inject({ method: 'GET', url: '/api/v1/auth/session', cookies: { sb_session: caller.cookie } });
    expect(inside.json()).toMatchObject({ signedIn: true, me: { user: { id: u.id }, csrfToken: caller.csrf, abilities: [] } });
  });

  it('tells the app what the user may do, so it shows only those buttons (issue 14, action registry)', async () => {
    const boss = await signIn(t, await createUser(t, 'supervisor', 'Sue Pervisor', [support]));
    const me = await t.server.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { sb_session: boss.cookie } });
    expect(me.json().abilities).toEqual(['viewReports', 'exportReports']);
    const admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin', []));
    const session = await t.server.app.inject({ method: 'GET', url: '/api/v1/auth/session', cookies: { sb_session: admin.cookie } });
    expect(session.json().me.abilities).toEqual(['administer', 'deleteConversations', 'browseContacts', 'viewReports', 'exportReports', 'manageCannedMessages', 'seeAllQueues', 'reassignOthers']);
  });

  it('sets an HttpOnly SameSite session cookie and returns a CSRF token', async () => {
    const u = await createUser(t, 'agent', 'Cookie Monster', [support]);
    const r = await login(u.email.toUpperCase(), PASSWORD);
    expect(r.statusCode).toBe(200);
    const cookie = r.cookies.find((c) => c.name === 'sb_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(r.json().csrfToken).toMatch(/^[\w-]{20,}$/);
  });

  it('slows down password guessing: the 11th attempt in a minute is refused', async () => {
    const u = await createUser(t, 'agent', 'Guessed At', [support]);
    for (let i = 0; i < 10; i++) expect((await login(u.email, `guess-${i}`)).statusCode).toBe(401);
    const blocked = await login(u.email, PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('rate_limited');
    // Another account from the same address is not locked out.
    const other = await createUser(t, 'agent', 'Not Guessed', [support]);
    expect((await login(other.email, PASSWORD)).statusCode).toBe(200);
  });

  it('validates the login body at the edge', async () => {
    const r = await login('not-an-email', 'x');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('validation_failed');
  });
});

describe('sessions and tokens', () => {
  it('needs the CSRF header for writes made with the cookie', async () => {
    const u = await createUser(t, 'agent', 'Csrf Checked', [support]);
    const caller = await signIn(t, u);
    const noHeader = await t.server.app.inject({ method: 'POST', url: '/api/v1/me/tokens', cookies: { sb_session: caller.cookie }, payload: { name: 'x' } });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().error.code).toBe('csrf_failed');
    const withHeader = await caller.api('POST', '/api/v1/me/tokens', { name: 'ci' });
    expect(withHeader.status).toBe(201);
  });

  it('signs out: the old cookie stops working', async () => {
    const u = await createUser(t, 'agent', 'Leaving Soon', [support]);
    const caller = await signIn(t, u);
    expect((await caller.api('GET', '/api/v1/me')).status).toBe(200);
    expect((await caller.api('POST', '/api/v1/auth/logout')).status).toBe(200);
    const after = await caller.api('GET', '/api/v1/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
  });

  it('accepts a personal API token as Bearer, without CSRF, until it is revoked', async () => {
    const u = await createUser(t, 'agent', 'Token Holder', [support]);
    const caller = await signIn(t, u);
    const created = await caller.api('POST', '/api/v1/me/tokens', { name: 'zapier' });
    const token = created.body.token as string;
    expect(token).toMatch(/^sbt_/);
    const me = await bearer(t, token, 'GET', '/api/v1/me');
    expect(me.body.user.email).toBe(u.email);
    const write = await bearer(t, token, 'POST', '/api/v1/contacts', { name: 'Via Token' });
    expect(write.status).toBe(201);
    await caller.api('DELETE', `/api/v1/me/tokens/${created.body.id}`);
    expect((await bearer(t, token, 'GET', '/api/v1/me')).status).toBe(401);
  });

  it('applies a queue membership change to an API token at once, although sign-ins are briefly cached', async () => {
    const q = await createQueue(t, 'Membership Desk');
    const adminUser = await createUser(t, 'admin', 'Member Admin');
    const admin = await signIn(t, adminUser);
    const u = await createUser(t, 'agent', 'Token Agent', [q]);
    const token = await tokenFor(t, u.id);
    const opened = await bearer(t, await tokenFor(t, adminUser.id), 'POST', '/api/v1/conversations', { contact: { name: 'Queued Quinn' }, queueId: q, message: 'Hello?' });
    expect(opened.status).toBe(201);
    const id = opened.body.id as number;
    expect((await bearer(t, token, 'GET', `/api/v1/conversations/${id}`)).status).toBe(200);
    expect((await admin.api('PUT', `/api/v1/queues/${q}/members`, { memberIds: [] })).status).toBe(200);
    expect((await bearer(t, token, 'GET', `/api/v1/conversations/${id}`)).status).toBe(404);
  });

  it('refuses a disabled user even with a valid token', async () => {
    const u = await createUser(t, 'agent', 'Gone Away', [support]);
    const token = await tokenFor(t, u.id);
    await t.server.services.store.db.updateTable('users').set({ disabled: 1 }).where('id', '=', u.id).execute();
    expect((await bearer(t, token, 'GET', '/api/v1/me')).status).toBe(401);
  });

  it('lets only admins create users and queues', async () => {
    const agent = await signIn(t, await createUser(t, 'agent', 'Plain Agent', [support]));
    const admin = await signIn(t, await createUser(t, 'admin', 'Real Admin'));
    const body = { email: 'new.person@example.test', name: 'New Person', role: 'agent', password: 'long enough password' };
    expect((await agent.api('POST', '/api/v1/users', body)).status).toBe(403);
    const created = await admin.api('POST', '/api/v1/users', { ...body, queueIds: [support] });
    expect(created.status).toBe(201);
    expect(created.body.queueIds).toEqual([support]);
    expect((await admin.api('POST', '/api/v1/users', body)).body.error.code).toBe('email_taken');
    expect((await agent.api('POST', '/api/v1/queues', { name: 'Mine' })).status).toBe(403);
  });
});
