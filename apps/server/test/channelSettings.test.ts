import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createQueue, createUser, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { newVisitor } from './widgetHelpers.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-channels-'));
process.env.DATA_DIR = dataDir;
const webMaxBefore = process.env.ATTACHMENT_WEB_MAX_MB;
process.env.ATTACHMENT_WEB_MAX_MB = '3';

const MB = 1024 * 1024;
/** The smallest valid PNG (1×1); padded after its end it is still sniffed as a PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const png = (bytes: number) => Buffer.concat([PNG, Buffer.alloc(bytes - PNG.length)]);
const every = (maxBytes: number, allowed = true) => ({ image: { allowed, maxBytes }, audio: { allowed, maxBytes }, video: { allowed, maxBytes }, file: { allowed, maxBytes } });

function multipart(name: string, type: string, data: Buffer) {
  const boundary = '----sbtest' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`);
  return { payload: Buffer.concat([head, data, Buffer.from(`\r\n--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Issue 4 item 8: attachment limits per channel, stored and changed by administrators. */
describe('channel attachment limits', () => {
  let t: TestServer;
  let admin: Caller;
  let supervisor: Caller;
  let agent: Caller;
  let whatsappId: number;

  beforeAll(async () => {
    t = await startTestServer();
    const q = await createQueue(t, 'Support');
    const adminUser = await createUser(t, 'admin', 'Ada Admin');
    admin = await signIn(t, adminUser);
    supervisor = await signIn(t, await createUser(t, 'supervisor', 'Sam Supervisor', [q]));
    agent = await signIn(t, await createUser(t, 'agent', 'Inez Insider', [q]));
    const token = await tokenFor(t, adminUser.id);
    whatsappId = (await bearer(t, token, 'POST', '/api/v1/inbound/messages', { channel: 'whatsapp', externalId: 'wa1', contact: { name: 'Wanda' }, body: 'hi', queueId: q })).body.conversationId;
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (webMaxBefore === undefined) delete process.env.ATTACHMENT_WEB_MAX_MB;
    else process.env.ATTACHMENT_WEB_MAX_MB = webMaxBefore;
  });

  async function upload(caller: Caller, id: number, name: string, type: string, data: Buffer) {
    const m = multipart(name, type, data);
    const res = await t.server.app.inject({ method: 'POST', url: `/api/v1/conversations/${id}/attachments`, payload: m.payload, headers: { ...m.headers, cookie: `sb_session=${caller.cookie}`, 'x-csrf-token': caller.csrf } });
    return { status: res.statusCode, body: res.json() };
  }

  it('starts from seed 002’s table, web chat and the portal from ATTACHMENT_WEB_MAX_MB, and agents may read it', async () => {
    const r = await agent.api('GET', '/api/v1/settings/channels');
    expect(r.status).toBe(200);
    expect(r.body.channels.whatsapp).toEqual({ image: { allowed: true, maxBytes: 5 * MB }, audio: { allowed: true, maxBytes: 16 * MB }, video: { allowed: true, maxBytes: 16 * MB }, file: { allowed: true, maxBytes: 100 * MB } });
    expect(r.body.channels.web).toEqual(every(3 * MB));
    expect(r.body.channels.portal).toEqual(every(3 * MB));
    expect((await agent.api('GET', '/api/v1/attachments/limits')).body.web).toEqual({ image: 3 * MB, audio: 3 * MB, video: 3 * MB, file: 3 * MB });
  });

  it('an administrator lowers WhatsApp’s image limit: a bigger image is refused naming the channel and the limit, a smaller one is accepted', async () => {
    const whatsapp = { ...(await admin.api('GET', '/api/v1/settings/channels')).body.channels.whatsapp, image: { allowed: true, maxBytes: 2048 } };
    const put = await admin.api('PUT', '/api/v1/settings/channels', { channels: { whatsapp } });
    expect(put.status).toBe(200);
    expect(put.body.channels.whatsapp.image).toEqual({ allowed: true, maxBytes: 2048 });
    expect(put.body.channels.telegram.image).toEqual({ allowed: true, maxBytes: 10 * MB }); // untouched

    const big = await upload(agent, whatsappId, 'photo.png', 'image/png', png(3 * 1024));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('attachment_too_large');
    expect(big.body.error.message).toBe('Images sent on WhatsApp Business can be at most 2 KB; this one is 3 KB.');
    const small = await upload(agent, whatsappId, 'photo.png', 'image/png', png(1500));
    expect(small.status).toBe(201);
    expect(small.body).toMatchObject({ contentType: 'image/png', size: 1500 });
    // Other kinds keep their limit, and the composer's early check reads the new value.
    expect((await upload(agent, whatsappId, 'notes.txt', 'text/plain', Buffer.alloc(3 * 1024, 'a'))).status).toBe(201);
    expect((await agent.api('GET', '/api/v1/attachments/limits')).body.whatsapp.image).toBe(2048);
  });

  it('a kind made not allowed is refused, whatever its size', async () => {
    const channels = (await admin.api('GET', '/api/v1/settings/channels')).body.channels;
    await admin.api('PUT', '/api/v1/settings/channels', { channels: { whatsapp: { ...channels.whatsapp, file: { allowed: false, maxBytes: 100 * MB } } } });
    const r = await upload(agent, whatsappId, 'notes.txt', 'text/plain', Buffer.from('tiny'));
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'attachment_type_not_allowed', message: 'Files cannot be sent on WhatsApp Business.' });
    expect((await agent.api('GET', '/api/v1/attachments/limits')).body.whatsapp).toEqual({ image: 2048, audio: 16 * MB, video: 16 * MB });
    expect((await upload(agent, whatsappId, 'photo.png', 'image/png', png(1000))).status).toBe(201);
  });

  it('only administrators change the limits', async () => {
    const body = { channels: { telegram: every(MB) } };
    for (const who of [agent, supervisor]) {
      const r = await who.api('PUT', '/api/v1/settings/channels', body);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
    expect((await agent.api('GET', '/api/v1/settings/channels')).body.channels.telegram.image.maxBytes).toBe(10 * MB);
  });

  it('refuses invalid limits with validation_failed and keeps the stored ones', async () => {
    const bad = [
      { channels: { telegram: every(100) } }, // below 1 KB
      { channels: { telegram: every(101 * MB) } }, // above 100 MB
      { channels: { telegram: every(2048.5) } }, // not whole bytes
      { channels: { fax: every(MB) } }, // no such channel
      { channels: { telegram: { image: { allowed: true, maxBytes: MB } } } }, // a channel is sent whole
      { channels: { telegram: { ...every(MB), image: { allowed: 'yes', maxBytes: MB } } } },
      {},
    ];
    for (const body of bad) {
      const r = await admin.api('PUT', '/api/v1/settings/channels', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    const tooSmall = await admin.api('PUT', '/api/v1/settings/channels', bad[0]);
    expect(tooSmall.body.error.message).toContain('at least 1 KB');
    expect((await admin.api('GET', '/api/v1/settings/channels')).body.channels.telegram.image.maxBytes).toBe(10 * MB);
  });

  it('the widget’s uploads follow the web chat channel’s stored limits', async () => {
    const v = await newVisitor(t);
    const send = (bytes: number) => v.api('POST', '/api/v1/widget/uploads', { name: 'shot.png', contentType: 'image/png', data: png(bytes).toString('base64') });
    expect((await send(4 * 1024)).status).toBe(201);
    expect((await v.api('GET', '/api/v1/widget/config')).body.attachmentTypes).toContain('image/png');

    await admin.api('PUT', '/api/v1/settings/channels', { channels: { web: { ...every(3 * MB), image: { allowed: true, maxBytes: 2048 } } } });
    const big = await send(4 * 1024);
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({ code: 'attachment_too_large', message: 'Images sent on web chat can be at most 2 KB; this one is 4 KB.' });
    expect((await send(1024)).status).toBe(201);

    await admin.api('PUT', '/api/v1/settings/channels', { channels: { web: { ...every(3 * MB), image: { allowed: false, maxBytes: 2048 } } } });
    const refused = await send(1024);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'attachment_type_not_allowed', message: 'Images cannot be sent on web chat.' });
    // The widget no longer offers images, and its early size check never exceeds what web chat takes.
    await admin.api('PUT', '/api/v1/settings/channels', { channels: { web: every(2 * MB) } });
    await admin.api('PUT', '/api/v1/settings/channels', { channels: { web: { ...every(2 * MB), image: { allowed: false, maxBytes: 2048 } } } });
    const config = (await v.api('GET', '/api/v1/widget/config')).body;
    expect(config.attachmentTypes).not.toContain('image/png');
    expect(config.attachmentTypes).toContain('application/pdf');
    expect(config.maxAttachmentBytes).toBe(2 * MB);
  });

  it('office hours and the away message set by an administrator are what the widget shows', async () => {
    const hours = { timezone: 'Europe/Paris', days: { mon: [{ open: '08:30', close: '12:00' }, { open: '13:00', close: '18:00' }], sat: [{ open: '10:00', close: '14:00' }] } };
    const put = await admin.api('PUT', '/api/v1/settings/widget', { alwaysOpen: false, officeHours: hours, awayMessage: 'Back on Monday at 8:30.' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ alwaysOpen: false, officeHours: hours, awayMessage: 'Back on Monday at 8:30.' });
    expect((await agent.api('PUT', '/api/v1/settings/widget', { awayMessage: 'x' })).status).toBe(403);
    t.clock.set(Date.UTC(2026, 0, 4, 12, 0)); // a Sunday
    const v = await newVisitor(t);
    expect((await v.api('GET', '/api/v1/widget/config')).body).toMatchObject({ openNow: false, officeHours: hours, awayMessage: 'Back on Monday at 8:30.' });
    t.clock.set(Date.UTC(2026, 0, 5, 9, 0)); // Monday 10:00 in Paris
    expect((await v.api('GET', '/api/v1/widget/config')).body).toMatchObject({ openNow: true });
  });
});
