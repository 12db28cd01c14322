import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createQueue, createUser, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../../test/harness.ts';
import { newVisitor, type VisitorCaller } from '../widgetHelpers.ts';

/**
 * Issue 9, finding 9: attachments are only ever files Switchboard stored, referenced by its own key.
 * A customer cannot plant a link (`javascript:`, another host, another conversation's file) as an
 * attachment, and an agent cannot "Re-send" one.
 */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
let t: TestServer;
let agent: Caller;
let adminToken: string;
let alice: VisitorCaller;
let bob: VisitorCaller;
let aliceChat: number;
let bobChat: number;
let bobsFile: any;

beforeAll(async () => {
  t = await startTestServer();
  const q = await createQueue(t, 'Web');
  const admin = await createUser(t, 'admin', 'Ada Admin');
  adminToken = await tokenFor(t, admin.id);
  const a = await createUser(t, 'agent', 'Mark Watney', [q]);
  agent = await signIn(t, a);
  alice = await newVisitor(t, { name: 'Alice' });
  bob = await newVisitor(t, { name: 'Bob' });
  aliceChat = (await alice.api('POST', '/api/v1/widget/conversations', { message: 'Alice here' })).body.id;
  bobChat = (await bob.api('POST', '/api/v1/widget/conversations', { message: 'Bob here' })).body.id;
  bobsFile = (await bob.api('POST', '/api/v1/widget/uploads', { name: 'bob.png', contentType: 'image/png', data: PNG })).body;
  expect((await bob.api('POST', `/api/v1/widget/conversations/${bobChat}/messages`, { body: 'my file', attachments: [bobsFile] })).status).toBe(201);
  expect((await bearer(t, adminToken, 'POST', `/api/v1/conversations/${aliceChat}/reassign`, { assigneeId: a.id })).status).toBe(200);
});
afterAll(() => t.close());

const planted = (url: string) => ({ name: 'invoice.pdf', contentType: 'application/pdf', size: 10, url });

describe('a customer attaching something that is not their stored file', () => {
  it.each([
    ['a javascript: link', 'javascript:alert(document.cookie)'],
    ['another host', 'https://evil.example/invoice.pdf'],
    ['a protocol-relative link', '//evil.example/x.png'],
    ['a path of ours that is no file', '/api/v1/me'],
    ["an agent upload of another conversation", `/api/v1/conversations/${999999}/attachments/${'a'.repeat(32)}`],
  ])('is refused: %s', async (_what, url) => {
    const r = await alice.api('POST', `/api/v1/widget/conversations/${aliceChat}/messages`, { body: 'see attached', attachments: [planted(url)] });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('attachment_not_stored');
  });

  it("is refused: another visitor's file (even knowing its key)", async () => {
    const r = await alice.api('POST', `/api/v1/widget/conversations/${aliceChat}/messages`, { body: 'see attached', attachments: [bobsFile] });
    expect(r.status).toBe(422);
  });

  it('nothing of it was stored or shown to the agent', async () => {
    const shown = (await agent.api('GET', `/api/v1/conversations/${aliceChat}/messages`)).body.items;
    expect(shown.flatMap((m: any) => m.attachments)).toEqual([]);
  });

  it('the integration API cannot hand in a link as a file either', async () => {
    const r = await bearer(t, adminToken, 'POST', '/api/v1/inbound/messages', { externalId: 'ext-1', contact: { name: 'Ext' }, body: 'x', attachments: [planted('javascript:alert(1)')] });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('attachment_not_stored');
  });

  it("their own upload is kept as we stored it, whatever name, type or size they claim", async () => {
    const up = (await alice.api('POST', '/api/v1/widget/uploads', { name: 'shot.png', contentType: 'image/png', data: PNG })).body;
    const r = await alice.api('POST', `/api/v1/widget/conversations/${aliceChat}/messages`, { body: '', attachments: [{ ...up, name: 'renamed.exe', contentType: 'text/html', size: 1 }] });
    expect(r.status).toBe(201);
    expect(r.body.attachments).toEqual([{ name: 'shot.png', contentType: 'image/png', size: up.size, url: up.url }]);
  });
});

describe('an agent re-sending a file', () => {
  it('may re-send a file of this conversation', async () => {
    const files = (await agent.api('GET', `/api/v1/conversations/${aliceChat}/messages`)).body.items.flatMap((m: any) => m.attachments);
    expect(files).toHaveLength(1);
    expect((await agent.api('POST', `/api/v1/conversations/${aliceChat}/messages`, { body: 'is this it?', attachments: files })).status).toBe(201);
  });

  it("may not re-send another conversation's file, nor a foreign link", async () => {
    for (const a of [bobsFile, planted('javascript:alert(1)'), planted('https://evil.example/x')]) {
      const r = await agent.api('POST', `/api/v1/conversations/${aliceChat}/messages`, { body: 'see', attachments: [a] });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('attachment_not_in_conversation');
    }
  });

  it('a link stored before this rule is neither shown nor re-sendable', async () => {
    const db = t.server.services.store.db;
    const old = await db.selectFrom('messages').select(['id']).where('conversation_id', '=', aliceChat).orderBy('id').executeTakeFirstOrThrow();
    await db.updateTable('messages').set({ attachments: JSON.stringify([planted('javascript:alert(1)')]) }).where('id', '=', old.id).execute();
    const shown = (await agent.api('GET', `/api/v1/conversations/${aliceChat}/messages`)).body.items;
    expect(shown.flatMap((m: any) => m.attachments).map((a: any) => a.url)).not.toContain('javascript:alert(1)');
    const widget = (await alice.api('GET', `/api/v1/widget/conversations/${aliceChat}/messages`)).body.items;
    expect(widget.flatMap((m: any) => m.attachments).map((a: any) => a.url)).not.toContain('javascript:alert(1)');
    const r = await agent.api('POST', `/api/v1/conversations/${aliceChat}/messages`, { body: 'see', attachments: [planted('javascript:alert(1)')] });
    expect(r.status).toBe(422);
  });
});
