import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { bearer, createQueue, createUser, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { startReceiver, type Receiver } from '../../server/test/webhookReceiver.ts';
import { row, workspaceBrowser } from './browser.ts';

/**
 * Issue 16 item 2 in the agent app: an administrator adds a bot under Admin → Bots (token shown
 * once), the bot's queue gives it a new conversation, and the list shows a Bot badge on it and
 * lists it under the Bots filter. The bot's URL is a loopback receiver.
 */
describe('agent bots in the workspace', () => {
  let t: TestServer;
  let rx: Receiver;
  let admin: Caller;
  let token: string;
  let front: number;
  let back: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    t = await startTestServer({ listen: true, config: { webhooksAllowPrivate: true } });
    rx = await startReceiver();
    front = await createQueue(t, 'Front desk');
    back = await createQueue(t, 'Back office');
    const a = await createUser(t, 'admin', 'Ada Admin', [front, back]);
    admin = await signIn(t, a);
    token = await tokenFor(t, a.id);
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  const writes = async (externalId: string, name: string, queueId: number) => {
    const r = await bearer(t, token, 'POST', '/api/v1/inbound/messages', { channel: 'api', externalId, contact: { name }, body: 'Hello', queueId });
    expect(r.status).toBe(201);
    return r.body.conversationId as number;
  };

  it('adds a bot under Admin → Bots, then badges and filters the conversations it holds', async () => {
    const page: Page = await ui.open(admin, '/admin');
    await page.getByRole('tab', { name: 'Bots' }).click();
    await page.getByText('No bots yet.').waitFor();
    await page.getByRole('button', { name: 'Add a bot' }).click();
    const form = page.getByRole('form', { name: 'Add a bot' });
    await form.getByLabel('Name').fill('Greeter');
    await form.getByLabel('URL').fill(rx.url);
    await form.getByLabel('Front desk').check();
    await form.getByRole('button', { name: 'Add bot' }).click();
    const shown = await page.getByLabel('Bot token').textContent();
    expect(shown).toMatch(/^sbb_/);
    expect(await page.getByLabel('Signing secret').textContent()).toMatch(/^whsec_/);
    // The token shown is the bot's, scoped to conversations: its own account is out of its reach.
    expect((await bearer(t, shown!, 'GET', '/api/v1/me')).body.error).toMatchObject({ code: 'insufficient_scope', details: { needed: 'account' } });
    // Each secret is dismissed on its own.
    const banner = page.getByRole('status').filter({ has: page.getByLabel('Bot token') });
    await banner.getByRole('button', { name: 'I have copied it' }).click();
    await expect(page.getByLabel('Bot token').count()).resolves.toBe(0);
    expect(await page.getByLabel('Signing secret').count()).toBe(1);
    await page.getByRole('status').filter({ has: page.getByLabel('Signing secret') }).getByRole('button', { name: 'I have copied it' }).click();
    await expect(page.getByLabel('Signing secret').count()).resolves.toBe(0);
    const table = page.getByRole('table', { name: 'Bots' });
    await table.getByRole('cell', { name: 'Greeter', exact: true }).waitFor();
    // The queue it starts is ticked in its row.
    expect(await table.getByRole('group', { name: 'Queues Greeter starts' }).getByLabel('Front desk').isChecked()).toBe(true);

    const held = await writes('ui-bot-1', 'Held Byabot', front);
    // …and it reads the conversation the bot now holds.
    expect((await bearer(t, shown!, 'GET', `/api/v1/conversations/${held}`)).body).toMatchObject({ id: held, assigneeId: expect.any(Number) });
    await writes('ui-bot-2', 'Nobot Here', back);
    await page.getByRole('button', { name: 'Back to conversations' }).click();
    await row(page, 'Held Byabot').waitFor();
    await row(page, 'Nobot Here').waitFor();
    await row(page, 'Held Byabot').getByText('Bot', { exact: true }).waitFor();
    expect(await row(page, 'Nobot Here').getByText('Bot', { exact: true }).count()).toBe(0);

    const panel = page.getByRole('group', { name: 'Filters and sorting' });
    if (!(await panel.isVisible())) await page.getByRole('button', { name: /^Filters/ }).click();
    await panel.getByLabel('Bots').selectOption({ label: 'A bot holds it or took part' });
    await row(page, 'Nobot Here').waitFor({ state: 'detached' });
    expect(await page.locator('[data-conversation-id] .conv-name').allTextContents()).toEqual(['Held Byabot']);
  });
});
