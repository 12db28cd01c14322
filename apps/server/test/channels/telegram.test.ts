import fs from 'node:fs';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../../test/harness.ts';
import { startTelegramBotApi, type TelegramBotApiPeer } from '../../../../test/peers/telegramBotApi.ts';
import { conversationsOf, createInbox, messagesOf, settled, tempDir, upload } from './helpers.ts';

const BOT_ID = 7012345678;
const TOKEN = `${BOT_ID}:AAH-test-token`;
const SECRET = 'tg-webhook-secret_1';
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), crypto.randomBytes(3000)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(800)]);

/** Updates in the documented shapes (core.telegram.org/bots/api#update). */
let updateId = 100_000;
const from = (id: number, first: string, last?: string) => ({ id, is_bot: false, first_name: first, ...(last ? { last_name: last } : {}), language_code: 'en' });
function update(chatId: number, first: string, last: string | undefined, message: Record<string, unknown>, id = ++updateId) {
  return { update_id: id, message: { message_id: Math.floor(Math.random() * 1e6), from: from(chatId, first, last), chat: { id: chatId, first_name: first, ...(last ? { last_name: last } : {}), type: 'private' }, date: 1750000000, ...message } };
}

/** Issue 13, Telegram Bot API: updates in (secret token, update_id), files by getFile, replies by sendMessage/sendPhoto/sendDocument. */
describe('Telegram channel', () => {
  let t: TestServer;
  let bot: TelegramBotApiPeer;
  let admin: Caller;
  let agent: Caller;
  let inboxId: number;
  const dataDir = tempDir('telegram');

  beforeAll(async () => {
    bot = await startTelegramBotApi({ token: TOKEN, botId: BOT_ID });
    t = await startTestServer({ config: { dataDir } });
    const queueId = await createQueue(t, 'Support');
    admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
    agent = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [queueId]));
    inboxId = (await createInbox(admin, { channel: 'telegram', name: 'Acme Bot', address: String(BOT_ID), queueId, settings: { apiBaseUrl: bot.url }, secrets: { botToken: TOKEN, webhookSecret: SECRET } })).id;
  });
  afterAll(async () => {
    await t?.close();
    await bot?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const db = () => t.server.services.store.db;
  async function post(body: unknown, secret: string | null = SECRET, botId = BOT_ID) {
    const res = await t.server.app.inject({ method: 'POST', url: `/api/v1/webhooks/telegram/${botId}`, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...(secret !== null ? { 'x-telegram-bot-api-secret-token': secret } : {}) } });
    await settled(t);
    return res;
  }
  const send = async () => {
    await t.server.services.dispatcher.flush();
    return t.server.services.outbox.runOnce('telegram.outbound');
  };
  async function customerStarts(chatId: number, first: string, last: string, text: string) {
    expect((await post(update(chatId, first, last, { text }))).statusCode).toBe(200);
    const [c] = await conversationsOf(admin, `${first} ${last}`);
    expect((await admin.api('POST', `/api/v1/conversations/${c!.id}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    return c!;
  }
  const statusOf = async (conversationId: number, id: number) => (await messagesOf(agent, conversationId)).find((m) => m.id === id)!;

  it('refuses a webhook without the secret token, with a wrong one, or for an unknown bot: 401 and nothing stored', async () => {
    expect((await post(update(1, 'Eve', undefined, { text: 'x' }), null)).statusCode).toBe(401);
    expect((await post(update(1, 'Eve', undefined, { text: 'x' }), 'wrong')).statusCode).toBe(401);
    expect((await post(update(1, 'Eve', undefined, { text: 'x' }), SECRET, 123)).statusCode).toBe(401);
    expect(await db().selectFrom('channel_webhooks').selectAll().execute()).toEqual([]);
  });

  it('a private message becomes a conversation in the bot’s inbox with the name Telegram gives; the same update_id three times is one message', async () => {
    const u = update(555001, 'Ada', 'Lovelace', { text: 'Hello from Telegram' });
    for (let i = 0; i < 3; i++) expect((await post(u)).statusCode).toBe(200);
    const list = await conversationsOf(admin, 'Ada Lovelace');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ channel: 'telegram', inbox: { id: inboxId, name: 'Acme Bot' } });
    const msgs = (await messagesOf(admin, list[0]!.id)).filter((m) => m.senderKind === 'customer');
    expect(msgs.map((m) => m.body)).toEqual(['Hello from Telegram']);
    expect(await db().selectFrom('channel_webhooks').select('event_key').where('inbox_id', '=', inboxId).execute()).toEqual([{ event_key: String(u.update_id) }]);
    // Out of order: a later update first, then the earlier one; both kept, neither doubled.
    const later = update(555001, 'Ada', 'Lovelace', { text: 'second' }, updateId + 2);
    const earlier = update(555001, 'Ada', 'Lovelace', { text: 'first' }, updateId + 1);
    updateId += 2;
    await post(later);
    await post(earlier);
    await post(later);
    const after = (await messagesOf(admin, list[0]!.id)).filter((m) => m.senderKind === 'customer').map((m) => m.body);
    expect(after).toEqual(['Hello from Telegram', 'second', 'first']);
  });

  it('downloads photos (the largest size), documents, voice and stickers by getFile; locations and contacts read as text; a file Telegram will not serve is a note', async () => {
    bot.files.set('ph-small', { path: 'photos/file_1.jpg', data: JPEG.subarray(0, 100) });
    bot.files.set('ph-big', { path: 'photos/file_2.jpg', data: JPEG });
    bot.files.set('doc-1', { path: 'documents/file_3.pdf', data: PDF });
    bot.files.set('voice-1', { path: 'voice/file_4.oga', data: Buffer.from('OggS' + 'x'.repeat(500)) });
    const chat = 555002;
    await post(update(chat, 'Grace', 'Hopper', { photo: [{ file_id: 'ph-small', file_unique_id: 'a', width: 90, height: 90, file_size: 100 }, { file_id: 'ph-big', file_unique_id: 'b', width: 800, height: 800, file_size: JPEG.length }], caption: 'Broken on arrival' }));
    await post(update(chat, 'Grace', 'Hopper', { document: { file_id: 'doc-1', file_unique_id: 'c', file_name: 'receipt.pdf', mime_type: 'application/pdf', file_size: PDF.length } }));
    await post(update(chat, 'Grace', 'Hopper', { voice: { file_id: 'voice-1', file_unique_id: 'd', duration: 3, mime_type: 'audio/ogg', file_size: 504 } }));
    await post(update(chat, 'Grace', 'Hopper', { location: { latitude: 51.5007, longitude: -0.1246 } }));
    await post(update(chat, 'Grace', 'Hopper', { contact: { phone_number: '+447700900123', first_name: 'Alan', last_name: 'Turing' } }));
    await post(update(chat, 'Grace', 'Hopper', { document: { file_id: 'gone', file_unique_id: 'e', file_name: 'lost.zip', mime_type: 'application/zip', file_size: 10 } }));
    bot.files.set('st-1', { path: 'stickers/file_5.webp', data: Buffer.from('RIFF....WEBPVP8 ' + 'y'.repeat(200)) });
    await post(update(chat, 'Grace', 'Hopper', { sticker: { file_id: 'st-1', file_unique_id: 'f', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '😀', file_size: 216 } }));
    const [c] = await conversationsOf(admin, 'Grace Hopper');
    const msgs = (await messagesOf(admin, c!.id)).filter((m) => m.senderKind === 'customer');
    expect(msgs[0]!.body).toBe('Broken on arrival');
    expect(msgs[0]!.attachments.map((a) => [a.name, a.contentType, a.size])).toEqual([['photo.jpg', 'image/jpeg', JPEG.length]]);
    const file = await t.server.app.inject({ method: 'GET', url: msgs[0]!.attachments[0]!.url, headers: { cookie: `sb_session=${admin.cookie}` } });
    expect(Buffer.compare(file.rawPayload, JPEG)).toBe(0);
    expect(msgs[1]!.attachments[0]).toMatchObject({ name: 'receipt.pdf', contentType: 'application/pdf', size: PDF.length });
    expect(msgs[2]!.attachments[0]).toMatchObject({ name: 'voice.ogg', contentType: 'audio/ogg' });
    expect(msgs[3]!.body).toContain('51.5007, -0.1246');
    expect(msgs[4]!.body).toContain('Alan Turing');
    expect(msgs[4]!.body).toContain('+447700900123');
    expect(msgs[5]!.body).toMatch(/A document \(lost\.zip\) could not be downloaded: Bad Request: invalid file_id/);
    expect(msgs[6]!.attachments[0]).toMatchObject({ name: 'sticker.webp', contentType: 'image/webp' });
    expect(bot.calls.filter((x) => x.method === 'getFile').map((x) => x.params.file_id)).toContain('ph-big');
    expect(bot.calls.filter((x) => x.method === 'getFile').map((x) => x.params.file_id)).not.toContain('ph-small');
  });

  it('sends replies by sendMessage (quoting by reply_parameters), files by multipart sendPhoto/sendDocument, captions within 1024', async () => {
    const chat = 555003;
    const c = await customerStarts(chat, 'Linus', 'Torvalds', 'Need help');
    const customerMsg = (await messagesOf(agent, c.id)).find((m) => m.senderKind === 'customer')!;
    const r1 = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'Sure, what is it?', replyToId: customerMsg.id });
    await send();
    const [m1] = bot.sent().filter((x) => Number(x.params.chat_id) === chat);
    expect(m1!.method).toBe('sendMessage');
    expect(m1!.contentType).toMatch(/^application\/json/);
    expect(m1!.params).toEqual({ chat_id: String(chat), text: 'Sure, what is it?', reply_parameters: { message_id: Number(customerMsg.clientId!.split(':')[1]), allow_sending_without_reply: true } });
    expect(await statusOf(c.id, r1.body.id)).toMatchObject({ status: 'sent' });

    const photo = await upload(t, agent, c.id, 'screen.jpg', 'image/jpeg', JPEG);
    const doc = await upload(t, agent, c.id, 'manual.pdf', 'application/pdf', PDF);
    await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'See the picture', attachments: [photo] });
    const long = 'x'.repeat(1500);
    await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: long, attachments: [doc] });
    await send();
    const calls = bot.sent().filter((x) => Number(x.params.chat_id) === chat).slice(1);
    expect(calls.map((x) => x.method)).toEqual(['sendPhoto', 'sendMessage', 'sendDocument']);
    expect(calls[0]!.contentType).toMatch(/^multipart\/form-data/);
    expect(calls[0]!.params.caption).toBe('See the picture');
    expect(Buffer.compare(calls[0]!.files.photo!.data, JPEG)).toBe(0);
    expect(calls[1]!.params.text).toBe(long);
    expect(calls[2]!.params.caption).toBeUndefined();
    expect(calls[2]!.files.document!.name).toBe('manual.pdf');
  });

  it('honours 429 retry_after and retries a 500, sending once', async () => {
    const chat = 555004;
    const c = await customerStarts(chat, 'Ken', 'Thompson', 'Hi');
    const mine = (x: { params: any }) => Number(x.params.chat_id) === chat;
    bot.fail(429, 'Too Many Requests: retry after 20', { retryAfter: 20, match: mine });
    bot.fail(500, 'Internal Server Error', { match: mine });
    const r = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'Hello Ken' });
    await send();
    expect(bot.calls.filter(mine)).toHaveLength(1);
    t.clock.advance(15_000);
    await send();
    expect(bot.calls.filter(mine)).toHaveLength(1);
    t.clock.advance(10_000);
    await send();
    expect(bot.calls.filter(mine)).toHaveLength(2);
    t.clock.advance(60_000);
    await send();
    expect(bot.calls.filter(mine)).toHaveLength(3);
    expect(await statusOf(c.id, r.body.id)).toMatchObject({ status: 'sent' });
    t.clock.advance(600_000);
    await send();
    expect(bot.calls.filter(mine)).toHaveLength(3);
  });

  it('my_chat_member kicked says the customer blocked the bot; a reply then fails with that reason', async () => {
    const chat = 555005;
    const c = await customerStarts(chat, 'Dennis', 'Ritchie', 'Bye');
    await post({ update_id: ++updateId, my_chat_member: { chat: { id: chat, type: 'private', first_name: 'Dennis' }, from: from(chat, 'Dennis'), date: 1750000001, old_chat_member: { user: { id: BOT_ID, is_bot: true, first_name: 'Acme Bot' }, status: 'member' }, new_chat_member: { user: { id: BOT_ID, is_bot: true, first_name: 'Acme Bot' }, status: 'kicked', until_date: 0 } } });
    expect((await messagesOf(agent, c.id)).some((m) => m.senderKind === 'system' && /blocked the bot/.test(m.body))).toBe(true);
    bot.fail(403, 'Forbidden: bot was blocked by the user', { match: (x) => Number(x.params.chat_id) === chat });
    const r = await agent.api('POST', `/api/v1/conversations/${c.id}/messages`, { body: 'Are you there?' });
    await send();
    expect(await statusOf(c.id, r.body.id)).toMatchObject({ status: 'failed', failureReason: 'Telegram refused it: the customer blocked the bot.' });
  });

  it('shows “typing…” in the customer’s chat while the agent types', async () => {
    const chat = 555006;
    const c = await customerStarts(chat, 'Barbara', 'Liskov', 'Hello');
    expect((await agent.api('POST', `/api/v1/conversations/${c.id}/typing`, { typing: true })).status).toBe(200);
    for (let i = 0; i < 100 && !bot.calls.some((x) => x.method === 'sendChatAction'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(bot.calls.filter((x) => x.method === 'sendChatAction').map((x) => x.params)).toEqual([{ chat_id: String(chat), action: 'typing' }]);
  });

  it('a body that is not an Update is kept and shown on the inbox; the test connection calls getMe', async () => {
    expect((await post('{"not": "an update"')).statusCode).toBe(200);
    expect((await admin.api('GET', `/api/v1/inboxes/${inboxId}`)).body.lastError).toMatch(/not an Update/);
    const test = await admin.api('POST', `/api/v1/inboxes/${inboxId}/test`);
    expect(test.body).toEqual({ ok: true, detail: 'Connected: @acme_bot' });
    expect((await admin.api('GET', `/api/v1/inboxes/${inboxId}`)).body.lastError).toBeNull();
  });
});
