import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../../test/harness.ts';
import { newVisitor, type VisitorCaller } from '../widgetHelpers.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-files-'));
process.env.DATA_DIR = dataDir;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/**
 * Issue 14, seen 1: one file service at one address for both sides. A file an agent sends loads for
 * its customer; each side reads its own conversations' files only, and nobody else's.
 */
describe('who may read a file', () => {
  let t: TestServer;
  let agent: Caller;
  let outsider: Caller;
  let alice: VisitorCaller;
  let bob: VisitorCaller;
  let chat: number;

  beforeAll(async () => {
    t = await startTestServer();
    const q = await createQueue(t, 'Web');
    const admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
    agent = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [q]));
    outsider = await signIn(t, await createUser(t, 'agent', 'Otto Outsider', [await createQueue(t, 'Elsewhere')]));
    await admin.api('PUT', '/api/v1/settings/widget', { queueId: q });
    alice = await newVisitor(t, { name: 'Alice' });
    bob = await newVisitor(t, { name: 'Bob' });
    chat = (await alice.api('POST', '/api/v1/widget/conversations', { message: 'Can you send the label?' })).body.id;
    await admin.api('POST', `/api/v1/conversations/${chat}/reassign`, { assigneeId: agent.id });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) => t.server.app.inject({ method: 'GET', url, headers });
  const asAgent = (c: Caller) => ({ cookie: `sb_session=${c.cookie}` });
  const asVisitor = (v: VisitorCaller) => ({ 'x-visitor-token': v.token });

  async function agentUpload(id: number) {
    const boundary = '----sbfiles';
    const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="label.png"\r\nContent-Type: image/png\r\n\r\n`), PNG, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const res = await t.server.app.inject({ method: 'POST', url: `/api/v1/conversations/${id}/attachments`, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...asAgent(agent), 'x-csrf-token': agent.csrf } });
    expect(res.statusCode).toBe(201);
    return res.json() as { name: string; contentType: string; size: number; url: string };
  }

  it('a file the agent sends reaches the customer at the same address, and only that customer', async () => {
    const file = await agentUpload(chat);
    expect(file.url).toMatch(/^\/api\/v1\/files\/[A-Za-z0-9_-]+$/);
    expect((await agent.api('POST', `/api/v1/conversations/${chat}/messages`, { body: 'Here it is', attachments: [file] })).status).toBe(201);

    const shown = (await alice.api('GET', `/api/v1/widget/conversations/${chat}/messages`)).body.items.find((m: any) => m.body === 'Here it is');
    expect(shown.attachments).toEqual([file]);
    const mine = await get(file.url, asVisitor(alice));
    expect(mine.statusCode).toBe(200);
    expect(mine.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(mine.rawPayload, PNG)).toBe(0);
    expect((await get(file.url, asAgent(agent))).statusCode).toBe(200);

    // Another visitor, an agent who may not see the conversation, and nobody at all.
    expect((await get(file.url, asVisitor(bob))).statusCode).toBe(404);
    expect((await get(file.url, asAgent(outsider))).statusCode).toBe(404);
    expect((await get(file.url)).statusCode).toBe(401);
  });

  it('a file the customer sends is the agent’s to read too, and still no other visitor’s', async () => {
    const up = await alice.api('POST', '/api/v1/widget/uploads', { name: 'photo.png', contentType: 'image/png', data: PNG.toString('base64') });
    expect(up.status).toBe(201);
    // Not sent yet: only its owner reads it.
    expect((await get(up.body.url, asVisitor(alice))).statusCode).toBe(200);
    expect((await get(up.body.url, asAgent(agent))).statusCode).toBe(404);
    expect((await alice.api('POST', `/api/v1/widget/conversations/${chat}/messages`, { body: 'My photo', attachments: [up.body] })).status).toBe(201);
    expect((await get(up.body.url, asAgent(agent))).statusCode).toBe(200);
    expect((await get(up.body.url, asVisitor(bob))).statusCode).toBe(404);
    expect((await get(up.body.url, asAgent(outsider))).statusCode).toBe(404);
  });

  it('messages stored with the former agents-only address are shown at the one address', async () => {
    const file = await agentUpload(chat);
    const key = file.url.split('-').pop()!;
    const legacy = `/api/v1/conversations/${chat}/attachments/${key}`;
    const sent = await agent.api('POST', `/api/v1/conversations/${chat}/messages`, { body: 'Older address', attachments: [{ ...file, url: legacy }] });
    expect(sent.status).toBe(201);
    expect(sent.body.attachments[0].url).toBe(file.url);
    expect((await get(legacy, asAgent(agent))).statusCode).toBe(200);
    const shown = (await alice.api('GET', `/api/v1/widget/conversations/${chat}/messages`)).body.items.find((m: any) => m.body === 'Older address');
    expect(shown.attachments[0].url).toBe(file.url);
    expect((await get(shown.attachments[0].url, asVisitor(alice))).statusCode).toBe(200);
  });
});
