import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn, type Caller, type TestServer } from '../../../test/harness.ts';
import { questionAssigned, startWorkspaceServer, workspaceBrowser, type WorkspaceCast } from './browser.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-web-channels-'));
process.env.DATA_DIR = dataDir;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Issue 4 item 8: the administration screens for channels (attachment limits) and office hours. */
describe('channels and office hours in the administration', () => {
  let cast: WorkspaceCast;
  let t: TestServer;
  let admin: Caller;
  let agent: Caller;
  let queueId: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    cast = await startWorkspaceServer();
    ({ t, admin, queueId } = cast);
    agent = await signIn(t, await createUser(t, 'agent', 'Martha Jones', [queueId]));
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an administrator lowers Telegram’s image limit; the agent’s composer then refuses a bigger image with a clear message', async () => {
    const page = await ui.open(admin, '/');
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await page.getByRole('tab', { name: 'Channels' }).click();
    const table = page.getByRole('table', { name: 'Attachment limits per channel' });
    const telegramImages = table.getByLabel('Largest images on Telegram (MB)');
    expect(await telegramImages.inputValue()).toBe('10');
    // A size out of bounds is refused before anything is sent.
    await telegramImages.fill('500');
    await expect.poll(() => telegramImages.inputValue()).toBe('500');
    await page.getByRole('button', { name: 'Save channels' }).click();
    await page.getByRole('alert').filter({ hasText: 'Images on Telegram: enter a size from 0.001 MB (1 KB) to 100 MB.' }).waitFor();
    expect((await admin.api('GET', '/api/v1/settings/channels')).body.channels.telegram.image.maxBytes).toBe(10 * 1024 * 1024);

    await telegramImages.fill('1');
    await table.getByLabel('Videos allowed on Telegram').uncheck();
    await page.getByRole('button', { name: 'Save channels' }).click();
    await page.getByText('Channel limits saved.').waitFor();
    const stored = (await agent.api('GET', '/api/v1/settings/channels')).body.channels;
    expect(stored.telegram).toMatchObject({ image: { allowed: true, maxBytes: 1024 * 1024 }, video: { allowed: false } });
    expect(stored.whatsapp.image.maxBytes).toBe(5 * 1024 * 1024);

    // The agent, in charge of a Telegram chat, attaches a 2 MB image.
    const id = await questionAssigned(cast, agent, 'telegram', 'tg1', 'Tom Telegram');
    const agentPage = await ui.open(agent, `/conversations/${id}`);
    await agentPage.locator('.msg-body', { hasText: 'Here is my question' }).waitFor();
    await agentPage.getByLabel('Choose a file to attach').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]) });
    const dialog = agentPage.getByRole('dialog', { name: 'Send attachment' });
    await dialog.getByRole('alert').filter({ hasText: 'Images sent on Telegram can be at most 1 MB; this one is 2 MB.' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    // A small one still goes.
    await agentPage.getByLabel('Choose a file to attach').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.waitFor({ state: 'detached' });
    await agentPage.locator('.msg.out').getByRole('img', { name: 'dot.png' }).waitFor();
  });

  it('an administrator sets office hours and an away message; the widget shows them', async () => {
    const page = await ui.open(admin, '/');
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await page.getByRole('tab', { name: 'Office hours' }).click();
    const form = page.getByRole('form', { name: 'Office hours' });
    await form.getByLabel('Always open (ignore the hours below)').uncheck();
    await form.getByLabel('Time zone').fill('Mars/Olympus');
    await form.getByRole('button', { name: 'Save office hours' }).click();
    await form.getByRole('alert').filter({ hasText: '“Mars/Olympus” is not a time zone' }).waitFor();

    await form.getByLabel('Time zone').fill('Europe/Paris');
    await form.getByLabel('Monday opens').fill('08:30');
    await form.getByLabel('Monday closes').fill('12:00');
    await form.getByRole('button', { name: 'Add hours on Monday' }).click();
    await form.getByLabel('Monday opens 2').fill('14:00');
    await form.getByLabel('Monday closes 2').fill('18:00');
    await form.getByLabel('Open on Friday').uncheck();
    await form.getByLabel('Open on Saturday').check();
    await form.getByLabel('Away message (shown by the widget outside office hours)').fill('We are back on Monday at 8:30.');
    await form.getByRole('button', { name: 'Save office hours' }).click();
    await page.getByText('Office hours saved.').waitFor();
    // Opened again, the screen shows what is stored.
    const again = await ui.open(admin, '/');
    await again.getByRole('button', { name: 'Admin', exact: true }).click();
    await again.getByRole('tab', { name: 'Office hours' }).click();
    expect(await again.getByLabel('Monday closes 2').inputValue()).toBe('18:00');
    expect(await again.getByLabel('Open on Friday').isChecked()).toBe(false);
    expect(await again.getByLabel('Away message (shown by the widget outside office hours)').inputValue()).toBe('We are back on Monday at 8:30.');

    t.clock.set(Date.UTC(2026, 0, 4, 12, 0)); // a Sunday
    const closed = await t.server.app.inject({ method: 'GET', url: '/api/v1/widget/config' });
    expect(closed.json()).toMatchObject({
      alwaysOpen: false,
      openNow: false,
      awayMessage: 'We are back on Monday at 8:30.',
      officeHours: {
        timezone: 'Europe/Paris',
        days: { mon: [{ open: '08:30', close: '12:00' }, { open: '14:00', close: '18:00' }], tue: [{ open: '09:00', close: '17:00' }], sat: [{ open: '09:00', close: '17:00' }] },
      },
    });
    expect(closed.json().officeHours.days.fri).toBeUndefined();
    t.clock.set(Date.UTC(2026, 0, 5, 14, 0)); // Monday 15:00 in Paris
    expect((await t.server.app.inject({ method: 'GET', url: '/api/v1/widget/config' })).json().openNow).toBe(true);
    t.clock.set(Date.UTC(2026, 0, 5, 12, 0)); // Monday 13:00 in Paris: the lunch break
    expect((await t.server.app.inject({ method: 'GET', url: '/api/v1/widget/config' })).json().openNow).toBe(false);
  });
});
