import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PASSWORD,
  bearer,
  createQueue,
  createUser,
  customerWrites,
  openStream,
  signIn,
  startTestServer,
  tokenFor,
  type Caller,
  type TestServer,
} from '../../../test/harness.ts';

const loginStatus = async (t: TestServer, email: string) =>
  (await t.server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: PASSWORD } })).statusCode;

describe('administration: users and roles', () => {
  let t: TestServer;
  let support: number;
  let billing: number;
  let admin: Caller;
  let supervisor: Caller;
  let agent: Caller;
  let adminToken: string;

  beforeAll(async () => {
    t = await startTestServer({ listen: true });
    support = await createQueue(t, 'Support');
    billing = await createQueue(t, 'Billing');
    const a = await createUser(t, 'admin', 'Ada Admin', [support]);
    admin = await signIn(t, a);
    adminToken = await tokenFor(t, a.id);
    supervisor = await signIn(t, await createUser(t, 'supervisor', 'Sam Supervisor', [support]));
    agent = await signIn(t, await createUser(t, 'agent', 'Martha Jones', [support]));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets an admin change name, role, capacity and queues; the list shows it', async () => {
    const u = await createUser(t, 'agent', 'Rory Williams', [support]);
    const res = await admin.api('PATCH', `/api/v1/users/${u.id}`, { name: 'Rory Pond', role: 'supervisor', capacity: 3, queueIds: [billing] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: u.id, name: 'Rory Pond', role: 'supervisor', capacity: 3, queueIds: [billing], active: true });
    const listed = (await supervisor.api('GET', '/api/v1/users')).body.items.find((x: { id: number }) => x.id === u.id);
    expect(listed).toMatchObject({ name: 'Rory Pond', role: 'supervisor', queueIds: [billing] });
    const queues = (await agent.api('GET', '/api/v1/queues')).body.items;
    expect(queues.find((q: { id: number }) => q.id === support).memberIds).not.toContain(u.id);
    expect(queues.find((q: { id: number }) => q.id === billing).memberIds).toContain(u.id);
  });

  it('refuses agents and supervisors (403 forbidden), unknown users (404), bad bodies and unknown queues', async () => {
    const u = await createUser(t, 'agent', 'Clara Oswald', [support]);
    for (const caller of [agent, supervisor]) {
      const r = await caller.api('PATCH', `/api/v1/users/${u.id}`, { role: 'admin' });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
    expect((await supervisor.api('PATCH', `/api/v1/users/${supervisor.id}`, { role: 'admin' })).status).toBe(403);
    expect((await admin.api('GET', '/api/v1/users')).body.items.find((x: { id: number }) => x.id === u.id).role).toBe('agent');
    expect((await admin.api('PATCH', '/api/v1/users/999999', { name: 'Nobody' })).body.error.code).toBe('not_found');
    const empty = await admin.api('PATCH', `/api/v1/users/${u.id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('validation_failed');
    expect((await admin.api('PATCH', `/api/v1/users/${u.id}`, { role: 'owner' })).status).toBe(400);
    const noQueue = await admin.api('PATCH', `/api/v1/users/${u.id}`, { queueIds: [support, 999999] });
    expect(noQueue.status).toBe(422);
    expect(noQueue.body.error.code).toBe('queue_not_found');
  });

  it('a new role takes effect at once: an agent made supervisor sees the queue’s assigned conversations', async () => {
    const u = await createUser(t, 'agent', 'Donna Noble', [support]);
    const donna = await signIn(t, u);
    const c = (await customerWrites(t, adminToken, { externalId: 'wilf', name: 'Wilfred Mott', body: 'Hello', queueId: support })).body.conversationId;
    expect((await admin.api('POST', `/api/v1/conversations/${c}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    expect((await donna.api('GET', `/api/v1/conversations/${c}`)).status).toBe(404);
    expect((await admin.api('PATCH', `/api/v1/users/${u.id}`, { role: 'supervisor' })).status).toBe(200);
    expect((await donna.api('GET', `/api/v1/conversations/${c}`)).status).toBe(200);
    expect((await donna.api('GET', '/api/v1/me')).body.user.role).toBe('supervisor');
  });

  it('keeps one active admin: the last admin cannot demote or deactivate themself', async () => {
    const demote = await admin.api('PATCH', `/api/v1/users/${admin.id}`, { role: 'agent' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('last_admin');
    const off = await admin.api('PATCH', `/api/v1/users/${admin.id}`, { active: false });
    expect(off.status).toBe(409);
    expect(off.body.error.code).toBe('last_admin');
    expect((await admin.api('GET', '/api/v1/me')).body.user.role).toBe('admin');

    // With a second admin, the first may step down; then the second is the last one.
    const second = await createUser(t, 'agent', 'River Song');
    expect((await admin.api('PATCH', `/api/v1/users/${second.id}`, { role: 'admin' })).status).toBe(200);
    const river = await signIn(t, second);
    expect((await river.api('PATCH', `/api/v1/users/${river.id}`, { role: 'supervisor' })).status).toBe(200);
    expect((await river.api('PATCH', `/api/v1/users/${admin.id}`, { role: 'agent' })).status).toBe(403);
    expect((await admin.api('PATCH', `/api/v1/users/${admin.id}`, { role: 'admin', name: 'Ada A.' })).status).toBe(200);
    expect((await admin.api('PATCH', `/api/v1/users/${admin.id}`, { name: 'Ada Admin' })).status).toBe(200);
  });

  it('deactivating refuses sign-in, the session, the token and the open stream; reactivating lets them back', async () => {
    const u = await createUser(t, 'agent', 'Jack Harkness', [support]);
    const jack = await signIn(t, u);
    const token = await tokenFor(t, u.id);
    const stream = await openStream(t, jack);
    const closed = new Promise<number>((resolve) => stream.ws.once('close', (code) => resolve(code)));

    const res = await admin.api('PATCH', `/api/v1/users/${u.id}`, { active: false });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: false, status: 'offline' });
    expect(await closed).toBe(4401);
    expect((await jack.api('GET', '/api/v1/me')).status).toBe(401);
    expect((await bearer(t, token, 'GET', '/api/v1/me')).status).toBe(401);
    expect(await loginStatus(t, u.email)).toBe(401);
    // Gone from routing: not in the agents' live view, and no longer a reassignment target.
    expect((await supervisor.api('GET', '/api/v1/routing/agents')).body.items.map((a: { userId: number }) => a.userId)).not.toContain(u.id);
    const c = (await customerWrites(t, adminToken, { externalId: 'ianto', name: 'Ianto Jones', body: 'Hi', queueId: support })).body.conversationId;
    expect((await admin.api('POST', `/api/v1/conversations/${c}/reassign`, { assigneeId: u.id })).body.error.code).toBe('assignee_not_found');

    expect((await admin.api('PATCH', `/api/v1/users/${u.id}`, { active: true })).body.active).toBe(true);
    expect(await loginStatus(t, u.email)).toBe(200);
    expect((await bearer(t, token, 'GET', '/api/v1/me')).status).toBe(200);
    // The old session stays ended: deactivation deleted it.
    expect((await jack.api('GET', '/api/v1/me')).status).toBe(401);
  });

  it('tells open workspaces that a user changed', async () => {
    const u = await createUser(t, 'agent', 'Amy Pond', [support]);
    const stream = await openStream(t, agent);
    await admin.api('PATCH', `/api/v1/users/${u.id}`, { name: 'Amelia Pond' });
    const f = await stream.next((x) => x.type === 'directory.changed' && x.data.id === u.id);
    expect(f.data).toEqual({ kind: 'user', id: u.id, deleted: false });
    stream.close();
  });
});

describe('administration: tags and labels', () => {
  let t: TestServer;
  let admin: Caller;
  let supervisor: Caller;
  let agent: Caller;
  let token: string;
  let support: number;

  beforeAll(async () => {
    t = await startTestServer({ listen: true });
    support = await createQueue(t, 'Support');
    const a = await createUser(t, 'admin', 'Ada Admin', [support]);
    admin = await signIn(t, a);
    token = await tokenFor(t, a.id);
    supervisor = await signIn(t, await createUser(t, 'supervisor', 'Sam Supervisor', [support]));
    agent = await signIn(t, await createUser(t, 'agent', 'Martha Jones', [support]));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function conversationWith(externalId: string, patch: { tagIds?: number[]; labelIds?: number[] }): Promise<{ id: number; contactId: number }> {
    const id = (await customerWrites(t, token, { externalId, name: `Customer ${externalId}`, body: 'Hello', queueId: support })).body.conversationId;
    expect((await admin.api('PATCH', `/api/v1/conversations/${id}`, patch)).status).toBe(200);
    const c = await admin.api('GET', `/api/v1/conversations/${id}`);
    return { id, contactId: c.body.contact.id };
  }

  it('renames a conversation tag; conversations show the new name; a taken name is refused', async () => {
    const billing = (await admin.api('POST', '/api/v1/tags', { kind: 'conversation', name: 'Billing issue' })).body;
    await admin.api('POST', '/api/v1/tags', { kind: 'conversation', name: 'Complaint' });
    const { id } = await conversationWith('rename', { tagIds: [billing.id] });
    const stream = await openStream(t, agent);

    const res = await admin.api('PATCH', `/api/v1/tags/${billing.id}`, { name: 'Billing question', color: '#112233' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: billing.id, name: 'Billing question', color: '#112233', kind: 'conversation' });
    expect((await admin.api('GET', `/api/v1/conversations/${id}`)).body.tags).toEqual([{ id: billing.id, name: 'Billing question', color: '#112233' }]);
    expect((await stream.next((f) => f.type === 'directory.changed')).data).toEqual({ kind: 'tag', id: billing.id, deleted: false });
    stream.close();

    const taken = await admin.api('PATCH', `/api/v1/tags/${billing.id}`, { name: 'Complaint' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('tag_name_taken');
    expect((await admin.api('PATCH', '/api/v1/tags/999999', { name: 'X' })).status).toBe(404);
  });

  it('deletes tags: off every conversation and customer, in one go', async () => {
    const conv = (await admin.api('POST', '/api/v1/tags', { kind: 'conversation', name: 'Product question' })).body;
    const cust = (await admin.api('POST', '/api/v1/tags', { kind: 'customer', name: 'VIP' })).body;
    const { id, contactId } = await conversationWith('delete', { tagIds: [conv.id] });
    expect((await admin.api('PUT', `/api/v1/contacts/${contactId}/tags`, { tagId: cust.id, pinned: true })).status).toBe(200);

    expect((await admin.api('DELETE', `/api/v1/tags/${conv.id}`)).body).toEqual({ ok: true });
    expect((await admin.api('DELETE', `/api/v1/tags/${cust.id}`)).body).toEqual({ ok: true });
    const after = (await admin.api('GET', `/api/v1/conversations/${id}`)).body;
    expect(after.tags).toEqual([]);
    expect(after.contact.pinnedTags).toEqual([]);
    expect((await admin.api('GET', `/api/v1/contacts/${contactId}`)).body.tags).toEqual([]);
    const names = (await agent.api('GET', '/api/v1/tags')).body.items.map((x: { name: string }) => x.name);
    expect(names).not.toContain('VIP');
    expect(names).not.toContain('Product question');
    expect((await admin.api('DELETE', `/api/v1/tags/${conv.id}`)).status).toBe(404);
  });

  it('renames built-in labels but never deletes them; custom labels go from every conversation', async () => {
    const labels = (await agent.api('GET', '/api/v1/labels')).body.items as Array<{ id: number; name: string; builtin: boolean }>;
    const escalated = labels.find((l) => l.name === 'Escalated')!;
    expect(escalated.builtin).toBe(true);
    const custom = (await admin.api('POST', '/api/v1/labels', { name: 'Needs callback' })).body;
    expect(custom.builtin).toBe(false);
    const { id } = await conversationWith('labels', { labelIds: [escalated.id, custom.id] });

    const renamed = await admin.api('PATCH', `/api/v1/labels/${escalated.id}`, { name: 'Escalated to tier 2' });
    expect(renamed.body).toMatchObject({ id: escalated.id, name: 'Escalated to tier 2', builtin: true });
    const builtinDelete = await admin.api('DELETE', `/api/v1/labels/${escalated.id}`);
    expect(builtinDelete.status).toBe(409);
    expect(builtinDelete.body.error.code).toBe('label_builtin');
    expect((await admin.api('PATCH', `/api/v1/labels/${custom.id}`, { name: 'Bug report' })).body.error.code).toBe('label_name_taken');

    expect((await admin.api('DELETE', `/api/v1/labels/${custom.id}`)).status).toBe(200);
    expect((await admin.api('GET', `/api/v1/conversations/${id}`)).body.labels.map((l: { name: string }) => l.name)).toEqual(['Escalated to tier 2']);
    expect((await agent.api('GET', '/api/v1/labels')).body.items.map((l: { name: string }) => l.name)).not.toContain('Needs callback');
  });

  it('refuses agents and supervisors every tag and label change', async () => {
    const tag = (await admin.api('POST', '/api/v1/tags', { kind: 'conversation', name: 'Keep me' })).body;
    const label = (await admin.api('POST', '/api/v1/labels', { name: 'Keep me too' })).body;
    for (const caller of [agent, supervisor]) {
      for (const [method, url, body] of [
        ['PATCH', `/api/v1/tags/${tag.id}`, { name: 'Changed' }],
        ['DELETE', `/api/v1/tags/${tag.id}`, undefined],
        ['PATCH', `/api/v1/labels/${label.id}`, { name: 'Changed' }],
        ['DELETE', `/api/v1/labels/${label.id}`, undefined],
      ] as const) {
        const r = await caller.api(method, url, body);
        expect(r.status).toBe(403);
        expect(r.body.error.code).toBe('forbidden');
      }
    }
    expect((await admin.api('GET', '/api/v1/tags')).body.items.map((x: { name: string }) => x.name)).toContain('Keep me');
    expect((await admin.api('GET', '/api/v1/labels')).body.items.map((x: { name: string }) => x.name)).toContain('Keep me too');
  });
});
