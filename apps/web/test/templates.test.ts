import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn, type Caller, type TestServer } from '../../../test/harness.ts';
import { questionAssigned, startWorkspaceServer, workspaceBrowser, type WorkspaceCast } from './browser.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-web-templates-'));
process.env.DATA_DIR = dataDir;
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const HOUR = 60 * 60 * 1000;

describe('reply templates, the WhatsApp 24-hour window and re-sending attachments', () => {
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
    // Administrators approve templates; a plain canned message is not one.
    await admin.api('POST', '/api/v1/canned-messages', { title: 'Follow-up', body: 'Hi {{first_name}}, this is {{agent_name}}. Is there anything else we can do?', template: true });
    await admin.api('POST', '/api/v1/canned-messages', { title: 'Order status', body: 'Your order is on its way, {{first_name}}.', template: true });
    await admin.api('POST', '/api/v1/canned-messages', { title: 'Follow-up (informal)', body: 'Hey, still there?' });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const conversation = (channel: string, externalId: string, name: string): Promise<number> => questionAssigned(cast, agent, channel, externalId, name);

  it('explains the closed WhatsApp window and sends an approved reply template instead', async () => {
    const id = await conversation('whatsapp', 'wa-old', 'Grace Hopper');
    t.clock.advance(25 * HOUR);
    const page = await ui.open(agent, `/conversations/${id}`);
    await page.locator('.msg-body', { hasText: 'Here is my question' }).waitFor();

    const banner = page.getByRole('status').filter({ hasText: '24-hour reply window' });
    await banner.waitFor();
    expect(await banner.textContent()).toContain('only an approved reply template can be sent');
    await page.getByLabel('Reply', { exact: true }).fill('Are you still there?');
    expect(await page.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);

    await banner.getByRole('button', { name: 'Reply template' }).click();
    const picker = page.getByRole('group', { name: 'Reply templates' });
    await picker.getByRole('combobox', { name: 'Search reply templates' }).fill('follow');
    // Only approved templates are offered, shown as the customer will read them.
    const options = picker.getByRole('option');
    await expect.poll(() => options.allTextContents()).toEqual(['Follow-upHi Grace, this is Martha Jones. Is there anything else we can do?']);
    await picker.getByText('Choosing a template sends it to the customer as it is.').waitFor();
    await page.keyboard.press('Enter');

    await page.locator('.msg.out', { hasText: 'Hi Grace, this is Martha Jones. Is there anything else we can do?' }).waitFor();
    await picker.waitFor({ state: 'detached' });
    // The free text stays in the reply box, unsent; the window is still closed.
    expect(await page.getByLabel('Reply', { exact: true }).inputValue()).toBe('Are you still there?');
    expect(await page.locator('.msg.out', { hasText: 'Are you still there?' }).count()).toBe(0);
    const stored = (await agent.api('GET', `/api/v1/conversations/${id}/messages`)).body.items.at(-1);
    expect(stored.body).toBe('Hi Grace, this is Martha Jones. Is there anything else we can do?');

    // An internal note is never held back by the window.
    await page.getByText('Internal note', { exact: true }).click();
    await expect.poll(() => banner.count()).toBe(0);
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.locator('.msg', { hasText: 'Are you still there?' }).waitFor();
  });

  it('has no banner on web chat, where Reply template puts the filled text in the reply', async () => {
    const id = await conversation('web', 'web-old', 'Alan Turing');
    t.clock.advance(72 * HOUR);
    const page = await ui.open(agent, `/conversations/${id}`);
    await page.locator('.msg-body', { hasText: 'Here is my question' }).waitFor();
    await page.getByRole('button', { name: 'Reply template' }).click();
    const picker = page.getByRole('group', { name: 'Reply templates' });
    await picker.getByRole('option', { name: /Order status/ }).click();
    expect(await page.getByLabel('Reply', { exact: true }).inputValue()).toBe('Your order is on its way, Alan.');
    expect(await page.getByRole('status').filter({ hasText: '24-hour reply window' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.msg.out', { hasText: 'Your order is on its way, Alan.' }).waitFor();
  });

  it('re-sends an attachment from the gallery into the thread', async () => {
    const id = await conversation('web', 'web-files', 'Iris Image');
    const boundary = '----sbtest' + Math.random().toString(16).slice(2);
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dot.png"\r\nContent-Type: image/png\r\n\r\n`),
      PNG,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const up = await t.server.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${id}/attachments`,
      payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: `sb_session=${agent.cookie}`, 'x-csrf-token': agent.csrf },
    });
    expect(up.statusCode).toBe(201);
    expect((await agent.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'The screenshot', attachments: [up.json()] })).status).toBe(201);

    const page = await ui.open(agent, `/conversations/${id}`);
    const gallery = page.getByRole('region', { name: 'Attachments' });
    await gallery.getByRole('tab', { name: 'Images (1)' }).waitFor();
    expect(await gallery.getByRole('link', { name: 'Download dot.png' }).getAttribute('href')).toBe(up.json().url);
    await gallery.getByRole('button', { name: 'Re-send dot.png' }).click();

    await gallery.getByRole('tab', { name: 'Images (2)' }).waitFor();
    await expect.poll(() => page.locator('.msg.out').getByRole('img', { name: 'dot.png' }).count()).toBe(2);
    const last = (await agent.api('GET', `/api/v1/conversations/${id}/messages`)).body.items.at(-1);
    expect(last.attachments).toEqual([up.json()]);
  });
});
