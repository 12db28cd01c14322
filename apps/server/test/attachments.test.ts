import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createQueue, createUser, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-attach-'));
process.env.DATA_DIR = dataDir;

/** The smallest valid PNG (1×1), whatever the client claims it is. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function multipart(name: string, type: string, data: Buffer) {
  const boundary = '----sbtest' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
  return { payload: Buffer.concat([head, data, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('attachments', () => {
  let t: TestServer;
  let insider: Caller;
  let outsider: Caller;
  let token: string;
  let webId: number;
  let whatsappId: number;

  beforeAll(async () => {
    t = await startTestServer();
    const q = await createQueue(t, 'Support');
    const admin = await createUser(t, 'admin', 'Ada Admin');
    token = await tokenFor(t, admin.id);
    insider = await signIn(t, await createUser(t, 'agent', 'Inez Insider', [q]));
    outsider = await signIn(t, await createUser(t, 'agent', 'Otto Outsider'));
    const send = (channel: string, externalId: string) => bearer(t, token, 'POST', '/api/v1/inbound/messages', { channel, externalId, contact: { name: externalId }, body: 'hi', queueId: q });
    webId = (await send('web', 'w1')).body.conversationId;
    whatsappId = (await send('whatsapp', 'wa1')).body.conversationId;
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function upload(caller: Caller, id: number, name: string, type: string, data: Buffer) {
    const m = multipart(name, type, data);
    const res = await t.server.app.inject({ method: 'POST', url: `/api/v1/conversations/${id}/attachments`, payload: m.payload, headers: { ...m.headers, cookie: `sb_session=${caller.cookie}`, 'x-csrf-token': caller.csrf } });
    return { status: res.statusCode, body: res.json() };
  }
  const download = (caller: Caller, url: string) => t.server.app.inject({ method: 'GET', url, headers: { cookie: `sb_session=${caller.cookie}` } });

  it('sniffs the type from the bytes, never from what the client says, and stores under DATA_DIR/attachments', async () => {
    const png = await upload(insider, webId, 'photo.txt', 'text/plain', PNG);
    expect(png.status).toBe(201);
    expect(png.body).toMatchObject({ name: 'photo.txt', contentType: 'image/png', size: PNG.length });
    const fake = await upload(insider, webId, 'evil.png', 'image/png', Buffer.from('<script>alert(1)</script>'));
    expect(fake.body.contentType).toBe('text/plain');
    const bin = await upload(insider, webId, 'blob.bin', 'image/jpeg', Buffer.from([0, 1, 2, 3, 255, 0]));
    expect(bin.body.contentType).toBe('application/octet-stream');
    expect(fs.readdirSync(path.join(dataDir, 'attachments', String(webId))).length).toBe(6);

    const res = await download(insider, png.body.url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toMatch(/^inline/);
    expect(res.rawPayload.equals(PNG)).toBe(true);
    const text = await download(insider, fake.body.url);
    expect(text.headers['content-disposition']).toMatch(/^attachment/);
  });

  it('holds each channel to its limits with a clear message (WhatsApp images 5 MB)', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const r = await upload(insider, whatsappId, 'big.png', 'image/png', big);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('attachment_too_large');
    expect(r.body.error.message).toBe('Images sent on WhatsApp Business can be at most 5 MB; this one is 5 MB.');
    // The same bytes as a plain file fit WhatsApp's 100 MB for other files.
    expect((await upload(insider, whatsappId, 'big.bin', 'image/png', Buffer.concat([Buffer.from([0]), big]))).status).toBe(201);
    // Web chat: 10 MB for everything.
    const r2 = await upload(insider, webId, 'huge.bin', 'application/pdf', Buffer.alloc(10 * 1024 * 1024 + 1));
    expect(r2.status).toBe(413);
    const limits = await insider.api('GET', '/api/v1/attachments/limits');
    expect(limits.body.whatsapp).toEqual({ image: 5 * 1024 * 1024, audio: 16 * 1024 * 1024, video: 16 * 1024 * 1024, file: 100 * 1024 * 1024 });
    expect(limits.body.messenger.image).toBe(8 * 1024 * 1024);
    expect(limits.body.telegram).toEqual({ image: 10 * 1024 * 1024, audio: 50 * 1024 * 1024, video: 50 * 1024 * 1024, file: 50 * 1024 * 1024 });
  });

  it('lets an agent attach only files of the conversation: uploaded to it, or re-sent from its history', async () => {
    const admin = await signIn(t, await createUser(t, 'admin', 'Attach Admin'));
    const chat = (await bearer(t, token, 'POST', '/api/v1/inbound/messages', { channel: 'web', externalId: 'w-attach', contact: { name: 'Attach Customer' }, body: 'hi' })).body.conversationId as number;
    expect((await admin.api('POST', `/api/v1/conversations/${chat}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    const post = (url: string) => admin.api('POST', `/api/v1/conversations/${chat}/messages`, { body: 'Here you are', attachments: [{ name: 'x.png', contentType: 'image/png', size: PNG.length, url }] });
    const own = await upload(admin, chat, 'own.png', 'image/png', PNG);
    const elsewhere = await upload(admin, whatsappId, 'elsewhere.png', 'image/png', PNG);
    expect((await post(own.body.url)).body).toMatchObject({ body: 'Here you are', attachments: [{ url: own.body.url }] });
    const foreign = await post(elsewhere.body.url);
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.code).toBe('attachment_not_in_conversation');
    expect((await post('https://tracker.example/pixel.png')).body.error.code).toBe('attachment_not_in_conversation');
    // A link handed in as a customer's file is not a file we stored: refused, so never re-sendable (issue 9).
    const customerFile = 'https://cdn.example/customer-photo.png';
    const inbound = await bearer(t, token, 'POST', '/api/v1/inbound/messages', { channel: 'web', externalId: 'w-attach', contact: { name: 'Attach Customer' }, body: '', attachments: [{ name: 'photo.png', contentType: 'image/png', size: 10, url: customerFile }] });
    expect(inbound.status).toBe(422);
    expect((await post(customerFile)).status).toBe(422);
    // A file of the conversation's history is re-sent (the gallery's Re-send; the widget's case: security/attachmentUrls.test.ts).
    expect((await post(own.body.url)).status).toBe(201);
  });

  it('answers 404 to those who may not see the conversation, and for unknown or malformed keys', async () => {
    const png = await upload(insider, webId, 'p.png', 'image/png', PNG);
    expect((await download(outsider, png.body.url)).statusCode).toBe(404);
    expect((await upload(outsider, webId, 'p.png', 'image/png', PNG)).status).toBe(404);
    expect((await download(insider, `/api/v1/conversations/${webId}/attachments/${'0'.repeat(32)}`)).statusCode).toBe(404);
    expect((await download(insider, `/api/v1/conversations/${webId}/attachments/..%2F..%2Fswitchboard.db`)).statusCode).toBe(404);
    // Another conversation's URL with this key does not find it.
    expect((await download(insider, png.body.url.replace(`/c${webId}-`, `/c${whatsappId}-`))).statusCode).toBe(404);
    expect((await download(insider, `/api/v1/files/c${webId}-${'0'.repeat(32)}`)).statusCode).toBe(404);
  });
});
