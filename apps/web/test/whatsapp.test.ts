import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, TestServer } from '../../../test/harness.ts';
import { startGraphApi, type GraphApiPeer } from '../../../test/peers/graphApi.ts';
import * as wa from '../../server/test/channels/whatsappFixtures.ts';
import { startWorkspaceServer, workspaceBrowser } from './browser.ts';

// README's picture is taken again only when asked (SB_SCREENSHOTS=1): a test run leaves the tree clean.
const SHOTS = process.env.SB_SCREENSHOTS === '1' ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots') : os.tmpdir();
const TOKEN = 'EAAG-browser-token';
const APP_SECRET = 'browser-app-secret';

/** Issue 13: a WhatsApp inbox connected from Admin → Inboxes; a customer's message and the agent's reply with its ticks. */
describe('WhatsApp in the workspace', () => {
  let t: TestServer;
  let admin: Caller;
  let graph: GraphApiPeer;
  let inboxId: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    graph = await startGraphApi({ token: TOKEN });
    ({ t, admin } = await startWorkspaceServer());
    const res = await admin.api('POST', '/api/v1/inboxes', { channel: 'whatsapp', name: 'Acme WhatsApp', address: wa.PHONE_NUMBER_ID, settings: { apiBaseUrl: graph.base }, secrets: { accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: 'v' } });
    inboxId = res.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await graph?.close();
  });

  async function webhook(body: unknown) {
    const raw = JSON.stringify(body);
    const res = await fetch(`${t.url}/api/v1/webhooks/whatsapp`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'x-hub-signature-256': wa.sign(APP_SECRET, raw) } });
    expect(res.status).toBe(200);
    await t.server.services.messaging.webhooks.idle();
  }

  it('the inbox shows the webhook URL to paste and tests the connection against the Graph API', async () => {
    const page = await ui.open(admin, '/');
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await page.getByRole('tab', { name: 'Inboxes' }).click();
    await page.getByRole('table', { name: 'Inboxes' }).getByRole('row', { name: /Acme WhatsApp/ }).getByRole('button', { name: 'Edit' }).click();
    const url = page.getByLabel('Webhook URL to paste at the provider');
    expect(await url.inputValue()).toBe(`${t.url}/api/v1/webhooks/whatsapp`);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected: Acme Support · +1 555-078-3881' }).waitFor();
    expect(graph.calls.some((c) => c.path === `/${wa.PHONE_NUMBER_ID}` && c.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('a customer’s WhatsApp message appears with the channel icon and inbox name; the reply goes out and its ticks follow the statuses', async () => {
    const page = await ui.open(admin, '/');
    await webhook(wa.messageWebhook('16505551234', 'Sheena Nelson', wa.text(wa.wamid(), 'Does it come in another color?')));
    const row = page.locator('.conv-row', { hasText: 'Sheena Nelson' });
    await row.locator('.conv-inbox', { hasText: 'Acme WhatsApp' }).waitFor();
    const id = (await admin.api('GET', '/api/v1/conversations?q=Sheena&limit=5')).body.items[0].id as number;
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    await row.click();
    await page.locator('.msg-body', { hasText: 'Does it come in another color?' }).waitFor();
    const reply = page.getByLabel('Reply', { exact: true });
    await reply.fill('Yes: blue, green and red.');
    await reply.press('Enter');
    const mine = page.locator('.msg', { hasText: 'Yes: blue, green and red.' });
    await mine.locator('[data-status="queued"]').waitFor();
    await t.server.services.dispatcher.flush();
    await t.server.services.outbox.runOnce('whatsapp.outbound');
    await mine.locator('[data-status="sent"]').waitFor();
    const sent = graph.sent().find((c) => c.json?.text?.body === 'Yes: blue, green and red.')!;
    expect(sent.json).toMatchObject({ messaging_product: 'whatsapp', to: '16505551234', type: 'text' });
    const wamid = (await t.server.services.store.db.selectFrom('channel_messages').select('provider_message_id').where('direction', '=', 'out').where('inbox_id', '=', inboxId).executeTakeFirstOrThrow()).provider_message_id!;
    await webhook(wa.statusWebhook('16505551234', wamid, 'delivered'));
    await mine.locator('[data-status="delivered"]').waitFor();
    await webhook(wa.statusWebhook('16505551234', wamid, 'read'));
    await mine.locator('[data-status="read"]').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'whatsapp-thread.png') });
  });
});
