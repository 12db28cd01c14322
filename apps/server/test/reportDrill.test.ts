import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { startTelegramBotApi, type TelegramBotApiPeer } from '../../../test/peers/telegramBotApi.ts';
import { createInbox, settled } from './channels/helpers.ts';

/**
 * Issue 15: drilling into a report's cell lists the conversations behind it — the ones that
 * arrived in the report's range (createdSince / createdBefore, the end excluded as in reports),
 * of that row: here an inbox (inboxId), which the list could not filter by before.
 */
const BOT_ID = 7012345001;
const TOKEN = `${BOT_ID}:AAH-drill-token`;
const SECRET = 'drill-secret_1';
const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0);
let t: TestServer;
let bot: TelegramBotApiPeer;
let admin: Caller;
let inboxId: number;

beforeAll(async () => {
  bot = await startTelegramBotApi({ token: TOKEN, botId: BOT_ID });
  t = await startTestServer();
  t.clock.set(T0);
  const queueId = await createQueue(t, 'Support');
  const a = await createUser(t, 'admin', 'Ada Admin');
  admin = await signIn(t, a);
  inboxId = (await createInbox(admin, { channel: 'telegram', name: 'Acme Bot', address: String(BOT_ID), queueId, settings: { apiBaseUrl: bot.url }, secrets: { botToken: TOKEN, webhookSecret: SECRET } })).id;
  // 09:00 a Telegram customer through the inbox; 09:10 one through the API (no inbox); 10:00 another Telegram one.
  const telegram = async (chatId: number, first: string) => {
    const update = { update_id: chatId, message: { message_id: chatId, from: { id: chatId, is_bot: false, first_name: first }, chat: { id: chatId, first_name: first, type: 'private' }, date: 1750000000, text: 'Hello' } };
    const res = await t.server.app.inject({ method: 'POST', url: `/api/v1/webhooks/telegram/${BOT_ID}`, payload: JSON.stringify(update), headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET } });
    expect(res.statusCode).toBe(200);
    await settled(t);
  };
  await telegram(501, 'Tess');
  t.clock.set(T0 + 10 * M);
  expect((await customerWrites(t, await tokenFor(t, a.id), { externalId: 'api-ann', name: 'Ann Api', body: 'Hi', queueId })).status).toBe(201);
  t.clock.set(T0 + 60 * M);
  await telegram(502, 'Tom');
});
afterAll(async () => {
  await t?.close();
  await bot?.close();
});

describe('drilling into a report cell', () => {
  const range = `from=${T0}&to=${T0 + 30 * M}`;
  const names = (body: any) => body.items.map((c: any) => c.contact.name).sort();

  it('lists the conversations of an inbox row that arrived in the range', async () => {
    const table = (await admin.api('GET', `/api/v1/reports/tables/inbox?${range}`)).body.items;
    expect(table.map((r: any) => [r.name, r.figures.counts.created])).toEqual([['Acme Bot', 1], ['No inbox', 1]]);
    const key = table.find((r: any) => r.name === 'Acme Bot').key;
    expect(Number(key)).toBe(inboxId);
    const list = await admin.api('GET', `/api/v1/conversations?inboxId=${key}&createdSince=${T0}&createdBefore=${T0 + 30 * M}`);
    expect(list.status).toBe(200);
    expect(names(list.body)).toEqual(['Tess']); // Tom arrived after the range; Ann came by no inbox
  });

  it('excludes the range’s end, as reports do', async () => {
    const list = await admin.api('GET', `/api/v1/conversations?createdSince=${T0 + 10 * M}&createdBefore=${T0 + 60 * M}`);
    expect(names(list.body)).toEqual(['Ann Api']);
  });
});
