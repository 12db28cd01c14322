import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, openStream, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../../test/harness.ts';

/**
 * Issue 9, finding 11: the contact rule (core `access/contacts.ts`) holds at every contact read and
 * write: staff reach a customer through a conversation they may see, or with the admin-granted
 * "browse contacts" right (read only); and an agent-started conversation's first message is theirs.
 */
let t: TestServer;
let admin: Caller;
let insider: Caller;
let outsider: Caller;
let nobody: Caller;
let librarian: Caller;
let librarianId: number;
let contactId: number;
let conversationId: number;

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  const billing = await createQueue(t, 'Billing');
  const sales = await createQueue(t, 'Sales');
  const a = await createUser(t, 'admin', 'Root Admin');
  admin = await signIn(t, a);
  insider = await signIn(t, await createUser(t, 'agent', 'Inez Insider', [billing]));
  outsider = await signIn(t, await createUser(t, 'agent', 'Otto Outsider', [sales]));
  nobody = await signIn(t, await createUser(t, 'agent', 'Nora Noqueue'));
  const lib = await createUser(t, 'agent', 'Libby Browser');
  librarianId = lib.id;
  librarian = await signIn(t, lib);
  const r = await customerWrites(t, await tokenFor(t, a.id), { externalId: 'vip-1', name: 'Private Person', body: 'my card ends 4242', queueId: billing });
  conversationId = r.body.conversationId;
  contactId = (await admin.api('GET', `/api/v1/conversations/${conversationId}`)).body.contact.id;
});
afterAll(() => t.close());

const writes = (id: number): Array<[string, string, unknown]> => [
  ['PATCH', `/api/v1/contacts/${id}`, { email: 'attacker@evil.example' }],
  ['POST', `/api/v1/contacts/${id}/block`, undefined],
  ['POST', `/api/v1/contacts/${id}/unblock`, undefined],
  ['PUT', `/api/v1/contacts/${id}/tags`, { tagId: 1, pinned: false }],
  ['DELETE', `/api/v1/contacts/${id}/tags/1`, undefined],
];

describe('an agent who sees none of the customer’s conversations', () => {
  it.each([['outside the queue', () => outsider], ['in no queue', () => nobody]])('%s cannot read, find, block or edit the customer (404)', async (_w, who) => {
    const me = who();
    expect((await me.api('GET', `/api/v1/contacts/${contactId}`)).status).toBe(404);
    for (const q of ['', '?q=Private', '?q=4242']) expect((await me.api('GET', `/api/v1/contacts${q}`)).body.items.map((c: any) => c.id)).not.toContain(contactId);
    for (const [m, url, body] of writes(contactId)) expect([m, url, (await me.api(m, url, body)).status]).toEqual([m, url, 404]);
    const after = (await admin.api('GET', `/api/v1/contacts/${contactId}`)).body;
    expect(after.blocked).toBe(false);
    expect(after.email).not.toBe('attacker@evil.example');
  });

  it('cannot open a conversation on that customer either', async () => {
    const r = await outsider.api('POST', '/api/v1/conversations', { contactId, message: 'hi' });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('contact_not_found');
  });

  it('does not hear about changes to the customer on the stream', async () => {
    const s = await openStream(t, outsider);
    const mine = await openStream(t, insider);
    expect((await insider.api('PATCH', `/api/v1/contacts/${contactId}`, { phone: '+15550100' })).status).toBe(200);
    await mine.next((f) => f.type === 'contact.updated' && f.data.id === contactId);
    await t.server.services.dispatcher.flush();
    expect(s.frames.filter((f) => f.type === 'contact.updated')).toEqual([]);
    // Nor on replay.
    const replay = await openStream(t, outsider, 0);
    expect(replay.frames.filter((f) => f.type === 'contact.updated')).toEqual([]);
    s.close();
    mine.close();
    replay.close();
  });
});

describe('those who may', () => {
  it('an agent of the queue reads, finds, edits and blocks the customer of a waiting conversation', async () => {
    expect((await insider.api('GET', `/api/v1/contacts/${contactId}`)).status).toBe(200);
    expect((await insider.api('GET', '/api/v1/contacts?q=Private')).body.items.map((c: any) => c.id)).toEqual([contactId]);
    expect((await insider.api('POST', `/api/v1/contacts/${contactId}/block`)).body.blocked).toBe(true);
    expect((await insider.api('POST', `/api/v1/contacts/${contactId}/unblock`)).body.blocked).toBe(false);
  });

  it('the “browse contacts” right, granted by an admin, reads and searches every contact but changes none', async () => {
    expect((await librarian.api('GET', `/api/v1/contacts/${contactId}`)).status).toBe(404);
    const granted = await admin.api('PATCH', `/api/v1/users/${librarianId}`, { browseContacts: true });
    expect(granted.status).toBe(200);
    expect(granted.body.browseContacts).toBe(true);
    expect((await librarian.api('GET', `/api/v1/contacts/${contactId}`)).status).toBe(200);
    expect((await librarian.api('GET', '/api/v1/contacts?q=Private')).body.items.map((c: any) => c.id)).toEqual([contactId]);
    const block = await librarian.api('POST', `/api/v1/contacts/${contactId}/block`);
    expect(block.status).toBe(403);
    expect((await admin.api('PATCH', `/api/v1/users/${librarianId}`, { browseContacts: false })).status).toBe(200);
    expect((await librarian.api('GET', `/api/v1/contacts/${contactId}`)).status).toBe(404);
  });
});

describe('an agent-started conversation', () => {
  it('stores the first message as the agent’s, never as the customer’s', async () => {
    const r = await insider.api('POST', '/api/v1/conversations', { contact: { name: 'New Lead' }, message: 'Hello, this is Inez from Billing' });
    expect(r.status).toBe(201);
    const items = (await admin.api('GET', `/api/v1/conversations/${r.body.id}/messages`)).body.items.filter((m: any) => m.body === 'Hello, this is Inez from Billing');
    expect(items).toHaveLength(1);
    expect(items[0].senderKind).toBe('agent');
    expect(items[0].sender.name).toBe('Inez Insider');
    expect(items[0].internal).toBe(false);
  });
});
