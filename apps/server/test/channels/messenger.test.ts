import fs from 'node:fs';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../../test/harness.ts';
import { startGraphApi, type GraphApiPeer } from '../../../../test/peers/graphApi.ts';
import { conversationsOf, createInbox, messagesOf, settled, tempDir, upload } from './helpers.ts';

const PAGE_ID = '104378395638941';
const APP_SECRET = 'ms-app-secret';
const PAGE_TOKEN = 'EAAPage-token';
const VERIFY = 'ms-verify';
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(1500)]);
const sign = (raw: string) => `sha256=${crypto.createHmac('sha256', APP_SECRET).update(raw).digest('hex')}`;
const mid = () => `m_${crypto.randomBytes(20).toString('base64url')}`;

/** Messenger webhook bodies in the documented shapes (developers.facebook.com/docs/messenger-platform/webhooks). */
function messaging(events: Record<string, unknown>[], object = 'page', pageId = PAGE_ID) {
  return { object, entry: [{ id: pageId, time: 1750000000000, messaging: events }] };
}
const messageEvent = (psid: string, at: number, message: Record<string, unknown>) => ({ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: at, message });

/** Issue 13, Messenger/Instagram: signed webhooks in, Send API out with the 24 h / HUMAN_AGENT rule, watermarks as ticks. */
describe('Messenger channel', () => {
  let t: TestServer;
  let graph: GraphApiPeer;
  let cdn: http.Server;
  let cdnUrl = '';
  let admin: Caller;
  let agent: Caller;
  let inboxId: number;
  const dataDir = tempDir('messenger');

  beforeAll(async () => {
    graph = await startGraphApi({ token: 'unused', pageToken: PAGE_TOKEN });
    graph.profiles.set('6000000001', { first_name: 'Peter', last_name: 'Chang' });
    graph.profiles.set('6000000002', { first_name: 'Rosa', last_name: 'Parks' });
    graph.profiles.set('6000000003', { first_name: 'Omar', last_name: 'Haddad' });
    // Facebook's CDN: attachment URLs are public, short-lived links.
    cdn = http.createServer((req, res) => {
      if (req.url?.startsWith('/photo.jpg')) {
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(JPEG.length) });
        return res.end(JPEG);
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', r));
    cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
    t = await startTestServer({ config: { dataDir } });
    const queueId = await createQueue(t, 'Support');
    admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
    agent = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [queueId]));
    inboxId = (await createInbox(admin, { channel: 'messenger', name: 'Acme Page', address: PAGE_ID, queueId, settings: { apiBaseUrl: graph.base }, secrets: { pageToken: PAGE_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY } })).id;
  });
  afterAll(async () => {
    await t?.close();
    await graph?.close();
    cdn?.closeAllConnections();
    await new Promise((r) => cdn?.close(r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function post(body: unknown, raw = JSON.stringify(body), signature = sign(raw)) {
    const res = await t.server.app.inject({ method: 'POST', url: '/api/v1/webhooks/messenger', payload: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } });
    await settled(t);
    return res;
  }
  const send = async () => {
    await t.server.services.dispatcher.flush();
    return t.server.services.outbox.runOnce('messenger.outbound');
  };
  async function customerStarts(psid: string, name: string, text: string) {
    expect((await post(messaging([messageEvent(psid, t.clock.now(), { mid: mid(), text })]))).statusCode).toBe(200);
    const [c] = await conversationsOf(admin, name);
    expect((await admin.api('POST', `/api/v1/conversations/${c!.id}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    return c!;
  }
  const messageOf = async (cid: number, id: number) => (await messagesOf(agent, cid)).find((m) => m.id === id)!;

  it('handshake with the verify token; a bad signature is 401 and stores nothing', async () => {
    const ok = await t.server.app.inject({ method: 'GET', url: `/api/v1/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=CHALLENGE_ACCEPTED` });
    expect([ok.statusCode, ok.body]).toEqual([200, 'CHALLENGE_ACCEPTED']);
    const raw = JSON.stringify(messaging([messageEvent('6000000009', 1, { mid: mid(), text: 'forged' })]));
    expect((await post(null, raw, sign(raw + ' '))).statusCode).toBe(401);
    expect(await t.server.services.store.db.selectFrom('channel_webhooks').selectAll().execute()).toEqual([]);
  });

  it('a message becomes a conversation named as Facebook gives the profile; a mid delivered three times is one message; attachments are downloaded', async () => {
    const id = mid();
    const body = messaging([messageEvent('6000000001', t.clock.now(), { mid: id, text: 'Is the store open?', attachments: [{ type: 'image', payload: { url: `${cdnUrl}/photo.jpg?_nc_cat=1` } }] })]);
    for (let i = 0; i < 3; i++) expect((await post(body)).statusCode).toBe(200);
    const list = await conversationsOf(admin, 'Peter Chang');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ channel: 'messenger', inbox: { id: inboxId, name: 'Acme Page' } });
    const msgs = (await messagesOf(admin, list[0]!.id)).filter((m) => m.senderKind === 'customer');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.body).toBe('Is the store open?');
    expect(msgs[0]!.attachments.map((a) => [a.name, a.contentType, a.size])).toEqual([['photo.jpg', 'image/jpeg', JPEG.length]]);
    expect(graph.calls.filter((c) => c.path === '/6000000001').map((c) => c.query.access_token)).toEqual([PAGE_TOKEN]);
  });

  it('replies with messaging_type RESPONSE in the Send API shape; files as multipart filedata; delivery and read watermarks move ticks forward only', async () => {
    const c = await customerStarts('6000000002', 'Rosa Parks', 'Hello');
    const r = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'Hi Rosa, how can I help?' });
    await send();
    const [call] = graph.sent().filter((x) => x.json?.recipient?.id === '6000000002');
    expect(call!.path).toBe('/me/messages');
    expect(call!.query.access_token).toBe(PAGE_TOKEN);
    expect(call!.json).toEqual({ recipient: { id: '6000000002' }, messaging_type: 'RESPONSE', message: { text: 'Hi Rosa, how can I help?' } });
    expect((await messageOf(c.id, r.body.id)).status).toBe('sent');
    const att = await upload(t, agent, c.id, 'map.jpg', 'image/jpeg', JPEG);
    await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: '', attachments: [att] });
    await send();
    const fileCall = graph.calls.filter((x) => x.form && String(x.form.recipient).includes('6000000002')).at(-1)!;
    expect(JSON.parse(String(fileCall.form!.message))).toEqual({ attachment: { type: 'image', payload: { is_reusable: false } } });
    expect(Buffer.compare((fileCall.form!.filedata as { data: Buffer }).data, JPEG)).toBe(0);

    const psid = { sender: { id: '6000000002' }, recipient: { id: PAGE_ID } };
    await post(messaging([{ ...psid, timestamp: t.clock.now(), read: { watermark: t.clock.now() } }]));
    await post(messaging([{ ...psid, timestamp: t.clock.now(), delivery: { watermark: t.clock.now() } }]));
    expect((await messageOf(c.id, r.body.id)).status).toBe('read');
  });

  it('after 24 hours a reply is refused, unless the inbox sends agent replies with HUMAN_AGENT (up to 7 days)', async () => {
    const c = await customerStarts('6000000003', 'Omar Haddad', 'Question');
    t.clock.advance(30 * 3600 * 1000);
    const late = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'Sorry for the wait' });
    await send();
    expect(await messageOf(c.id, late.body.id)).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/more than 24 hours.*HUMAN_AGENT/) });
    expect(graph.sent().filter((x) => x.json?.recipient?.id === '6000000003')).toHaveLength(0);

    expect((await admin.api('PATCH', `/api/v1/inboxes/${inboxId}`, { settings: { apiBaseUrl: graph.base, humanAgentTag: true } })).status).toBe(200);
    const tagged = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'Here is the answer' });
    await send();
    expect(graph.sent().filter((x) => x.json?.recipient?.id === '6000000003').map((x) => [x.json.messaging_type, x.json.tag])).toEqual([['MESSAGE_TAG', 'HUMAN_AGENT']]);
    expect((await messageOf(c.id, tagged.body.id)).status).toBe('sent');
    t.clock.advance(7 * 24 * 3600 * 1000);
    const tooLate = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'Anything else?' });
    await send();
    expect(await messageOf(c.id, tooLate.body.id)).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/more than 7 days/) });
  });

  it('a webhook for another page is kept and shown on the inbox; the connection test reads the page', async () => {
    expect((await post(messaging([messageEvent('6000000004', 1, { mid: mid(), text: 'hi' })], 'page', '999'))).statusCode).toBe(200);
    expect((await admin.api('GET', `/api/v1/inboxes/${inboxId}`)).body.lastError).toMatch(/page id 999, which no inbox has/);
    expect((await admin.api('POST', `/api/v1/inboxes/${inboxId}/test`)).body).toEqual({ ok: true, detail: 'Connected: Acme Page' });
  });
});
