import fs from 'node:fs';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../../test/harness.ts';
import { startGraphApi, type GraphApiPeer } from '../../../../test/peers/graphApi.ts';
import * as wa from './whatsappFixtures.ts';
import { conversationsOf, createInbox, messagesOf, settled, tempDir, upload } from './helpers.ts';

const APP_SECRET = 'wa-app-secret';
const TOKEN = 'EAAG-test-token';
const VERIFY = 'my-verify-token';
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(2000)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(1000)]);

/** Issue 13, WhatsApp Cloud API: webhooks in, replies out through the fake Graph API, ticks back. */
describe('WhatsApp channel', () => {
  let t: TestServer;
  let graph: GraphApiPeer;
  let admin: Caller;
  let agent: Caller;
  let inboxId: number;
  let queueId: number;
  const dataDir = tempDir('whatsapp');

  beforeAll(async () => {
    graph = await startGraphApi({ token: TOKEN });
    t = await startTestServer({ config: { dataDir } });
    queueId = await createQueue(t, 'Support');
    admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
    agent = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [queueId]));
    inboxId = (
      await createInbox(admin, {
        channel: 'whatsapp',
        name: 'Acme WhatsApp',
        address: wa.PHONE_NUMBER_ID,
        queueId,
        settings: { businessAccountId: wa.WABA_ID, apiBaseUrl: graph.base },
        secrets: { accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY },
      })
    ).id;
  });
  afterAll(async () => {
    await t?.close();
    await graph?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const db = () => t.server.services.store.db;
  async function post(body: unknown, secret = APP_SECRET, raw = JSON.stringify(body)) {
    const res = await t.server.app.inject({ method: 'POST', url: '/api/v1/webhooks/whatsapp', payload: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': wa.sign(secret, raw) } });
    await settled(t);
    return res;
  }
  const send = async () => {
    await t.server.services.dispatcher.flush();
    return t.server.services.outbox.runOnce('whatsapp.outbound');
  };
  async function customerWrites(from: string, name: string, message: Record<string, unknown>) {
    const res = await post(wa.messageWebhook(from, name, message));
    expect(res.statusCode).toBe(200);
    const [c] = await conversationsOf(admin, name);
    return c!;
  }
  async function assigned(conversationId: number) {
    expect((await admin.api('POST', `/api/v1/conversations/${conversationId}/reassign`, { assigneeId: agent.id })).status).toBe(200);
  }
  const inbox = async () => (await admin.api('GET', `/api/v1/inboxes/${inboxId}`)).body as { lastError: string | null };

  it('answers the subscription handshake with the challenge only for the inbox verify token', async () => {
    const ok = await t.server.app.inject({ method: 'GET', url: `/api/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    const bad = await t.server.app.inject({ method: 'GET', url: '/api/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444' });
    expect(bad.statusCode).toBe(403);
    expect(bad.json().error.code).toBe('invalid_verify_token');
  });

  it('refuses a body whose signature does not match the raw bytes: 401 and nothing stored', async () => {
    const body = wa.messageWebhook('16505550001', 'Mallory', wa.text(wa.wamid(), 'forged'));
    const raw = JSON.stringify(body);
    const res = await t.server.app.inject({ method: 'POST', url: '/api/v1/webhooks/whatsapp', payload: raw.replace('forged', 'forgeD'), headers: { 'content-type': 'application/json', 'x-hub-signature-256': wa.sign(APP_SECRET, raw) } });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_signature');
    expect((await post(body, 'another-secret')).statusCode).toBe(401);
    const noHeader = await t.server.app.inject({ method: 'POST', url: '/api/v1/webhooks/whatsapp', payload: raw, headers: { 'content-type': 'application/json' } });
    expect(noHeader.statusCode).toBe(401);
    expect(await db().selectFrom('channel_webhooks').selectAll().execute()).toEqual([]);
    expect(await conversationsOf(admin, 'Mallory')).toEqual([]);
  });

  it('a text message becomes a conversation in the inbox, with the profile name as WhatsApp gives it; three redeliveries give one message', async () => {
    const id = wa.wamid();
    const body = wa.messageWebhook('16505551234', 'Sheena Nelson', wa.text(id, 'Does it come in another color?'));
    for (let i = 0; i < 3; i++) expect((await post(body)).statusCode).toBe(200);
    const list = await conversationsOf(admin, 'Sheena Nelson');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ channel: 'whatsapp', inbox: { id: inboxId, name: 'Acme WhatsApp' }, contact: { name: 'Sheena Nelson', phone: '+16505551234' } });
    const msgs = await messagesOf(admin, list[0]!.id);
    expect(msgs.filter((m) => m.senderKind === 'customer').map((m) => [m.body, m.clientId])).toEqual([['Does it come in another color?', id]]);
    expect(await db().selectFrom('channel_webhooks').select('state').where('inbox_id', '=', inboxId).execute()).toEqual([{ state: 'processed' }, { state: 'processed' }, { state: 'processed' }]);
  });

  it('sends the agent reply in the Cloud API shape, stores the wamid, and maps statuses forward only (a late delivered never undoes read)', async () => {
    const c = await customerWrites('16505552222', 'Carla Reyes', wa.text(wa.wamid(), 'Where is my order?'));
    await assigned(c.id);
    const res = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'It ships today, Carla.' });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('queued');
    await send();
    const [call] = graph.sent().filter((x) => x.json?.to === '16505552222');
    expect(call!.path).toBe(`/${wa.PHONE_NUMBER_ID}/messages`);
    expect(call!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call!.json).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '16505552222', type: 'text', text: { preview_url: false, body: 'It ships today, Carla.' }, biz_opaque_callback_data: `sb:${res.body.id}` });
    const row = await db().selectFrom('channel_messages').selectAll().where('message_id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.state).toBe('sent');
    expect(row.provider_message_id).toMatch(/^wamid\./);
    const status = async () => (await messagesOf(agent, c.id)).find((m) => m.id === res.body.id)!.status;
    expect(await status()).toBe('sent');
    // Out of order, as the provider may: read first, then the late delivered and sent.
    await post(wa.statusWebhook('16505552222', row.provider_message_id!, 'read'));
    await post(wa.statusWebhook('16505552222', row.provider_message_id!, 'delivered'));
    await post(wa.statusWebhook('16505552222', row.provider_message_id!, 'sent'));
    expect(await status()).toBe('read');
    await post(wa.statusWebhook('16505552222', row.provider_message_id!, 'failed', wa.reEngagement));
    expect(await status()).toBe('read');
    // Sent once, whatever the redeliveries of the outbox item.
    await send();
    expect(graph.sent().filter((x) => x.json?.to === '16505552222')).toHaveLength(1);
  });

  it('a failed status with 131047 shows the message failed with a reason the agent can act on', async () => {
    const c = await customerWrites('16505553333', 'Dan Brooks', wa.text(wa.wamid(), 'Hello?'));
    await assigned(c.id);
    const res = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'Hi Dan' });
    await send();
    // The failure names our id (biz_opaque_callback_data) and the wamid.
    const row = await db().selectFrom('channel_messages').selectAll().where('message_id', '=', res.body.id).executeTakeFirstOrThrow();
    await post(wa.statusWebhook('16505553333', row.provider_message_id!, 'failed', { ...wa.reEngagement, biz_opaque_callback_data: `sb:${res.body.id}` }));
    const m = (await messagesOf(agent, c.id)).find((x) => x.id === res.body.id)!;
    expect(m.status).toBe('failed');
    expect(m.failureReason).toMatch(/more than 24 hours.*approved template/);
  });

  it('a reply to a message becomes a quote; a reaction quotes what it reacts to; location, contacts and unknown types read as text', async () => {
    const c = await customerWrites('16505554444', 'Erin Diaz', wa.text(wa.wamid(), 'First question'));
    await assigned(c.id);
    const ours = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'Which size?' });
    await send();
    const wamidOut = (await db().selectFrom('channel_messages').select('provider_message_id').where('message_id', '=', ours.body.id).executeTakeFirstOrThrow()).provider_message_id!;
    await post(wa.messageWebhook('16505554444', 'Erin Diaz', wa.text(wa.wamid(), 'Medium please', wamidOut)));
    await post(wa.messageWebhook('16505554444', 'Erin Diaz', wa.reaction(wa.wamid(), wamidOut, '👍')));
    await post(wa.messageWebhook('16505554444', 'Erin Diaz', wa.location(wa.wamid())));
    await post(wa.messageWebhook('16505554444', 'Erin Diaz', wa.contacts(wa.wamid())));
    await post(wa.messageWebhook('16505554444', 'Erin Diaz', wa.unsupported(wa.wamid())));
    const msgs = (await messagesOf(agent, c.id)).filter((m) => m.senderKind === 'customer');
    expect(msgs[1]).toMatchObject({ body: 'Medium please', replyToId: ours.body.id });
    expect(msgs[2]).toMatchObject({ body: 'Reacted 👍', replyToId: ours.body.id });
    expect(msgs[3]!.body).toContain('Main Office, 1 Hacker Way, Menlo Park, CA 94025 (37.483307, -122.148981)');
    expect(msgs[4]!.body).toContain('Barbara J. Johnson');
    expect(msgs[4]!.body).toContain('+16505559999');
    expect(msgs[5]!.body).toMatch(/does not show \(unsupported: Message type unknown\)/);
  });

  it('downloads the customer’s media through the Graph API with the token, and sends the agent’s files as uploaded media', async () => {
    graph.media.set('2001', { data: JPEG, type: 'image/jpeg' });
    graph.media.set('2002', { data: PDF, type: 'application/pdf' });
    const c = await customerWrites('16505555555', 'Faye Wong', wa.image(wa.wamid(), '2001', 'The box was crushed'));
    await post(wa.messageWebhook('16505555555', 'Faye Wong', wa.document(wa.wamid(), '2002', 'invoice-77.pdf')));
    const msgs = (await messagesOf(admin, c.id)).filter((m) => m.senderKind === 'customer');
    expect(msgs[0]!.body).toBe('The box was crushed');
    expect(msgs[0]!.attachments.map((a) => [a.contentType, a.size])).toEqual([['image/jpeg', JPEG.length]]);
    const file = await t.server.app.inject({ method: 'GET', url: msgs[0]!.attachments[0]!.url, headers: { cookie: `sb_session=${admin.cookie}` } });
    expect(Buffer.compare(file.rawPayload, JPEG)).toBe(0);
    expect(msgs[1]!.attachments[0]).toMatchObject({ name: 'invoice-77.pdf', contentType: 'application/pdf', size: PDF.length });
    expect(graph.calls.filter((x) => x.path === '/2001' || x.path === '/download/2001').every((x) => x.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);

    await assigned(c.id);
    const att = await upload(t, agent, c.id, 'label.jpg', 'image/jpeg', JPEG);
    const res = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'Here is the return label', attachments: [att] });
    expect(res.status).toBe(201);
    await send();
    const uploadCall = graph.calls.filter((x) => x.path === `/${wa.PHONE_NUMBER_ID}/media`).at(-1)!;
    expect(uploadCall.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(uploadCall.form!.messaging_product).toBe('whatsapp');
    const sentFile = uploadCall.form!.file as { data: Buffer; name: string };
    expect(Buffer.compare(sentFile.data, JPEG)).toBe(0);
    const [imageCall] = graph.sent().filter((x) => x.json?.to === '16505555555');
    expect(imageCall!.json).toMatchObject({ type: 'image', image: { caption: 'Here is the return label' } });
    expect(graph.media.has(imageCall!.json.image.id)).toBe(true);
    expect((await messagesOf(agent, c.id)).find((m) => m.id === res.body.id)!.status).toBe('sent');
  });

  it('media over the channel limit, or that WhatsApp will not serve, becomes a note saying what was not kept', async () => {
    graph.media.set('3001', { data: Buffer.alloc(6 * 1024 * 1024, 1), type: 'image/jpeg' });
    const c = await customerWrites('16505556666', 'Gus Hale', wa.image(wa.wamid(), '3001'));
    await post(wa.messageWebhook('16505556666', 'Gus Hale', wa.voice(wa.wamid(), '9999')));
    const msgs = (await messagesOf(admin, c.id)).filter((m) => m.senderKind === 'customer');
    expect(msgs[0]!.attachments).toEqual([]);
    expect(msgs[0]!.body).toMatch(/A photo \(image\.jpg, 6 MB\) was not kept: images on WhatsApp Business may be at most 5 MB/);
    expect(msgs[1]!.body).toMatch(/A voice message \(voice\.ogg\) could not be downloaded/);
  });

  it('refuses a free reply once the 24-hour window has closed, and sends a synced template with parameters filled from the customer', async () => {
    graph.templates.push(
      { name: 'order_update', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello {{1}}, your order {{2}} has an update.' }], id: '1' },
      { name: 'promo', language: 'en_US', status: 'REJECTED', category: 'MARKETING', components: [{ type: 'BODY', text: 'Sale!' }], id: '2' },
    );
    const c = await customerWrites('16505557777', 'Hana Kim', wa.text(wa.wamid(), 'Any news?'));
    await assigned(c.id);
    t.clock.advance(25 * 3600 * 1000);
    const refused = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'Still there?' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('outside_messaging_window');

    const synced = await admin.api('POST', `/api/v1/inboxes/${inboxId}/templates/sync`);
    expect(synced.status).toBe(200);
    expect(synced.body.items.map((x: any) => [x.name, x.status, x.parameters])).toEqual([
      ['order_update', 'APPROVED', 2],
      ['promo', 'REJECTED', 0],
    ]);
    const offered = await agent.api('GET', `/api/v1/conversations/${c.id}/whatsapp-templates`);
    expect(offered.body.items.map((x: any) => x.name)).toEqual(['order_update']);
    const res = await agent.api('POST', `/api/v1/conversations/${c.id}/whatsapp-templates/${offered.body.items[0].id}`, { parameters: ['{{first_name}}', 'A-1234'] });
    expect(res.status).toBe(201);
    expect(res.body.body).toBe('Hello Hana, your order A-1234 has an update.');
    await send();
    const [call] = graph.sent().filter((x) => x.json?.to === '16505557777');
    expect(call!.json).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '16505557777',
      biz_opaque_callback_data: `sb:${res.body.id}`,
      type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Hana' }, { type: 'text', text: 'A-1234' }] }] },
    });
    expect((await messagesOf(agent, c.id)).find((m) => m.id === res.body.id)!.status).toBe('sent');
    const wrong = await agent.api('POST', `/api/v1/conversations/${c.id}/whatsapp-templates/${offered.body.items[0].id}`, { parameters: ['only one'] });
    expect(wrong.body.error.code).toBe('template_parameters');
  });

  it('retries after a 429 (waiting Retry-After) and after a 500, and sends once', async () => {
    const c = await customerWrites('16505558888', 'Ivo Petrov', wa.text(wa.wamid(), 'Hi'));
    await assigned(c.id);
    const to = (x: { json: any }) => x.json?.to === '16505558888';
    graph.fail(429, { headers: { 'retry-after': '30' }, match: to });
    graph.fail(500, { match: to });
    const res = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'Hello Ivo' });
    await send();
    expect(graph.calls.filter(to)).toHaveLength(1);
    expect((await inbox()).lastError).toMatch(/retried.*HTTP 429/);
    t.clock.advance(10_000);
    await send();
    expect(graph.calls.filter(to)).toHaveLength(1); // Retry-After: 30 s not over yet
    t.clock.advance(25_000);
    await send();
    expect(graph.calls.filter(to)).toHaveLength(2); // the 500
    t.clock.advance(60_000);
    await send();
    expect(graph.calls.filter(to)).toHaveLength(3);
    expect(graph.sent().filter(to).length).toBe(3);
    expect((await messagesOf(agent, c.id)).find((m) => m.id === res.body.id)!.status).toBe('sent');
    expect((await inbox()).lastError).toBeNull();
    t.clock.advance(600_000);
    await send();
    expect(graph.calls.filter(to)).toHaveLength(3);
  });

  it('marks the customer’s messages read at WhatsApp when the agent opens the conversation, once', async () => {
    const id = wa.wamid();
    const c = await customerWrites('16505559999', 'Jude Law', wa.text(id, 'Read me'));
    await assigned(c.id);
    await t.server.services.dispatcher.flush();
    await t.server.services.outbox.runOnce('channels.read');
    expect((await agent.api('POST', `/api/v1/conversations/${c.id}/read`)).status).toBe(200);
    await agent.api('POST', `/api/v1/conversations/${c.id}/read`);
    await t.server.services.dispatcher.flush();
    await t.server.services.outbox.runOnce('channels.read');
    const reads = graph.calls.filter((x) => x.json?.status === 'read');
    expect(reads.filter((x) => x.json.message_id === id)).toEqual([expect.objectContaining({ json: { messaging_product: 'whatsapp', status: 'read', message_id: id } })]);
  });

  it('a signed webhook for an unknown number, or one that is not JSON, is kept and shown on the inbox — never a crash', async () => {
    const res = await post(wa.messageWebhook('16505550000', 'Nobody', wa.text(wa.wamid(), 'to whom?'), '999999999'));
    expect(res.statusCode).toBe(200);
    expect((await inbox()).lastError).toMatch(/phone number id 999999999, which no inbox has/);
    const truncated = JSON.stringify(wa.messageWebhook('16505550000', 'Nobody', wa.text(wa.wamid(), 'cut'))).slice(0, 80);
    expect((await post(null, APP_SECRET, truncated)).statusCode).toBe(200);
    expect((await inbox()).lastError).toMatch(/not JSON/);
    // A JSON body of the wrong shape for a known number: stored, failed with the reason, nothing else.
    const odd = { object: 'whatsapp_business_account', entry: [{ id: wa.WABA_ID, changes: [{ field: 'messages', value: { metadata: { phone_number_id: wa.PHONE_NUMBER_ID }, messages: [{ type: 'text' }] } }] }] };
    expect((await post(odd)).statusCode).toBe(200);
    const last = await db().selectFrom('channel_webhooks').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(last).toMatchObject({ state: 'failed' });
    expect(last.error).toMatch(/without id/);
    expect(await conversationsOf(admin, 'Nobody')).toEqual([]);
  });
});
