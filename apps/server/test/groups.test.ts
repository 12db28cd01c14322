import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createQueue, createUser, customerWrites, openStream, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';

/**
 * Issue 16 item 4: user groups with rights (Admin → Groups). The role gives the defaults, a group
 * adds: an agent in a group with the delete right deletes conversations (seed 002), without it is
 * refused; the app is told through `me.abilities`; a change counts at once, for sessions, cached
 * token sign-ins and open streams alike.
 */
let t: TestServer;
let admin: Caller;
let agent: Caller;
let adminToken: string;
let billing: number;
let sales: number;
let n = 0;

async function conversationIn(queueId: number, assignee?: number): Promise<number> {
  const r = await customerWrites(t, adminToken, { externalId: `groups-${++n}`, body: `message ${n}`, queueId });
  expect(r.status).toBe(201);
  if (assignee) expect((await admin.api('POST', `/api/v1/conversations/${r.body.conversationId}/reassign`, { assigneeId: assignee })).status).toBe(200);
  return r.body.conversationId;
}

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  billing = await createQueue(t, 'Billing');
  sales = await createQueue(t, 'Sales');
  const adminUser = await createUser(t, 'admin', 'Ada Admin');
  admin = await signIn(t, adminUser);
  adminToken = await tokenFor(t, adminUser.id);
  agent = await signIn(t, await createUser(t, 'agent', 'Mark Agent', [billing]));
}, 60_000);
afterAll(() => t.close());

describe('a group right lets an agent delete conversations, and its absence refuses it', () => {
  let groupId: number;

  it('without a group the agent may not delete, and the app is not told he may', async () => {
    const id = await conversationIn(billing, agent.id);
    const r = await agent.api('POST', '/api/v1/conversations/delete', { ids: [id] });
    expect([r.status, r.body.error.code]).toEqual([403, 'forbidden']);
    expect((await agent.api('GET', '/api/v1/me')).body.abilities).not.toContain('deleteConversations');
    expect((await agent.api('GET', `/api/v1/conversations/${id}`)).status).toBe(200);
  });

  it('an administrator puts him in a group with the right: he deletes a conversation he sees', async () => {
    const g = await admin.api('POST', '/api/v1/admin/groups', { name: 'Team leads', rights: ['deleteConversations'], memberIds: [agent.id] });
    expect(g.status).toBe(201);
    expect(g.body).toMatchObject({ name: 'Team leads', rights: ['deleteConversations'], memberIds: [agent.id] });
    groupId = g.body.id;
    expect((await agent.api('GET', '/api/v1/me')).body.abilities).toContain('deleteConversations');
    expect((await agent.api('GET', '/api/v1/auth/session')).body.me.abilities).toContain('deleteConversations');
    const id = await conversationIn(billing, agent.id);
    const r = await agent.api('POST', '/api/v1/conversations/delete', { ids: [id] });
    expect(r.body).toEqual({ deleted: 1 });
    expect((await admin.api('GET', `/api/v1/conversations/${id}`)).status).toBe(404);
    // The right deletes what he sees, nothing more: a conversation of another queue stays.
    const elsewhere = await conversationIn(sales);
    expect((await agent.api('POST', '/api/v1/conversations/delete', { ids: [elsewhere] })).body).toEqual({ deleted: 0 });
    expect((await admin.api('GET', `/api/v1/conversations/${elsewhere}`)).status).toBe(200);
  });

  it('his personal token follows the group at once, though token sign-ins are cached', async () => {
    const token = await tokenFor(t, agent.id);
    const first = await conversationIn(billing, agent.id);
    expect((await bearer(t, token, 'POST', '/api/v1/conversations/delete', { ids: [first] })).body).toEqual({ deleted: 1 });
    expect((await admin.api('PUT', `/api/v1/admin/groups/${groupId}`, { name: 'Team leads', rights: ['deleteConversations'], memberIds: [] })).status).toBe(200);
    const second = await conversationIn(billing, agent.id);
    expect((await bearer(t, token, 'POST', '/api/v1/conversations/delete', { ids: [second] })).status).toBe(403);
    expect((await agent.api('POST', '/api/v1/conversations/delete', { ids: [second] })).status).toBe(403);
    expect((await agent.api('GET', '/api/v1/me')).body.abilities).not.toContain('deleteConversations');
  });

  it('a deleted group grants nothing', async () => {
    expect((await admin.api('PUT', `/api/v1/admin/groups/${groupId}`, { name: 'Team leads', rights: ['deleteConversations'], memberIds: [agent.id] })).status).toBe(200);
    expect((await agent.api('GET', '/api/v1/me')).body.abilities).toContain('deleteConversations');
    expect((await admin.api('DELETE', `/api/v1/admin/groups/${groupId}`)).status).toBe(200);
    expect((await agent.api('GET', '/api/v1/me')).body.abilities).not.toContain('deleteConversations');
    expect((await admin.api('GET', '/api/v1/admin/groups')).body.items).toEqual([]);
  });
});

describe('the other rights', () => {
  it('"manage canned messages" lets an agent add a shared canned message', async () => {
    const shared = { title: 'Greeting', body: 'Hello, how can I help?' };
    expect((await agent.api('POST', '/api/v1/canned-messages', shared)).status).toBe(403);
    const g = await admin.api('POST', '/api/v1/admin/groups', { name: 'Editors', rights: ['manageCannedMessages'], memberIds: [agent.id] });
    expect((await agent.api('POST', '/api/v1/canned-messages', shared)).status).toBe(201);
    await admin.api('DELETE', `/api/v1/admin/groups/${g.body.id}`);
  });

  it('"see all queues" shows an agent another queue’s conversations, in the list and live on his open stream', async () => {
    const elsewhere = await conversationIn(sales);
    const list = async () => (await agent.api('GET', '/api/v1/conversations')).body.items.map((c: { id: number }) => c.id);
    expect(await list()).not.toContain(elsewhere);
    expect((await agent.api('GET', `/api/v1/conversations/${elsewhere}`)).status).toBe(404);
    const stream = await openStream(t, agent);
    const g = await admin.api('POST', '/api/v1/admin/groups', { name: 'Overview', rights: ['seeAllQueues'], memberIds: [agent.id] });
    expect(g.status).toBe(201);
    expect(await list()).toContain(elsewhere);
    expect((await agent.api('GET', `/api/v1/conversations/${elsewhere}`)).status).toBe(200);
    await customerWrites(t, adminToken, { externalId: `groups-${n}`, body: 'seen from the other queue', queueId: sales });
    await stream.next((f) => f.data?.message?.body === 'seen from the other queue');
    stream.close();
    await admin.api('DELETE', `/api/v1/admin/groups/${g.body.id}`);
    expect((await agent.api('GET', `/api/v1/conversations/${elsewhere}`)).status).toBe(404);
  });

  it('"reassign others’ conversations" lets an agent reassign a colleague’s conversation he sees', async () => {
    const colleague = await createUser(t, 'agent', 'Nina Colleague', [billing]);
    const id = await conversationIn(billing, colleague.id);
    // He sees it as an invited participant would: give him sight through "see all queues" too.
    const g = await admin.api('POST', '/api/v1/admin/groups', { name: 'Dispatch', rights: ['seeAllQueues'], memberIds: [agent.id] });
    expect((await agent.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: agent.id })).status).toBe(403);
    await admin.api('PUT', `/api/v1/admin/groups/${g.body.id}`, { name: 'Dispatch', rights: ['seeAllQueues', 'reassignOthers'], memberIds: [agent.id] });
    expect((await agent.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    await admin.api('DELETE', `/api/v1/admin/groups/${g.body.id}`);
  });
});

describe('administering groups', () => {
  it('is for administrators; names are unique; members must exist', async () => {
    expect((await agent.api('GET', '/api/v1/admin/groups')).status).toBe(403);
    expect((await agent.api('POST', '/api/v1/admin/groups', { name: 'Mine', rights: ['deleteConversations'], memberIds: [agent.id] })).status).toBe(403);
    expect((await admin.api('POST', '/api/v1/admin/groups', { name: 'Night shift', rights: [], memberIds: [] })).status).toBe(201);
    const twice = await admin.api('POST', '/api/v1/admin/groups', { name: 'Night shift', rights: [], memberIds: [] });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'group_name_taken']);
    const ghost = await admin.api('POST', '/api/v1/admin/groups', { name: 'Ghosts', rights: [], memberIds: [999_999] });
    expect([ghost.status, ghost.body.error.code]).toEqual([422, 'reference_not_found']);
    const odd = await admin.api('POST', '/api/v1/admin/groups', { name: 'Odd', rights: ['everything'], memberIds: [] });
    expect([odd.status, odd.body.error.code]).toEqual([400, 'validation_failed']);
  });
});
