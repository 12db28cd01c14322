import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, createUser, signIn, type Caller, type TestServer } from '../../../test/harness.ts';
import { widgetCall } from '../../server/test/widgetHelpers.ts';
import { startWorkspaceServer, workspaceBrowser } from './browser.ts';

/** The smallest valid PNG (1×1). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** Issue 14, day-one gaps: the profile page, the chat widget's appearance and the queue's closing fields. */
describe('profile page and widget appearance', () => {
  let t: TestServer;
  let admin: Caller;
  let agent: Caller;
  let support: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    ({ t, admin, queueId: support } = await startWorkspaceServer());
    agent = await signIn(t, await createUser(t, 'agent', 'Martha Jones', [support]));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('renames the agent, sets a picture and alert preferences that stay after a reload', async () => {
    const page = await ui.open(agent);
    // The header's own name opens the profile (named by the name and role it shows, then "your profile").
    expect(await page.locator('.me-name').textContent()).toBe('Martha Jones');
    await page.getByRole('button', { name: /^Martha (Smith-)?Jones.*your profile$/ }).click();
    await page.waitForURL('**/profile');
    const profile = page.getByRole('region', { name: 'Your profile' });
    await profile.getByLabel('Name', { exact: true }).fill('Martha Smith-Jones');
    await profile.getByRole('button', { name: 'Save name' }).click();
    await expect.poll(() => page.locator('.me-name').textContent()).toBe('Martha Smith-Jones');

    await profile.getByLabel('Choose a picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('status').filter({ hasText: 'Picture saved.' }).waitFor();
    const img = page.getByRole('button', { name: /^Martha (Smith-)?Jones.*your profile$/ }).locator('img');
    await img.waitFor();
    expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);
    // Not a picture: refused with the server's sentence.
    await profile.getByLabel('Choose a picture').setInputFiles({ name: 'evil.png', mimeType: 'image/png', buffer: Buffer.from('<svg onload="alert(1)"/>') });
    await page.getByRole('alert').filter({ hasText: 'Choose a PNG, JPEG, GIF or WebP picture.' }).waitFor();

    await profile.getByLabel('Play a sound with each alert').uncheck();
    await page.getByRole('status').filter({ hasText: 'Preferences saved.' }).waitFor();
    await profile.getByLabel('Notify me of new offers').uncheck();
    // The "saved" status is still up from the first change: wait for the server to have the second.
    await expect.poll(async () => (await agent.api('GET', '/api/v1/me/profile')).body.preferences).toEqual({ notifyOffers: false, notifyMessages: true, sound: false });
    await page.reload();
    const again = page.getByRole('region', { name: 'Your profile' });
    expect(await again.getByLabel('Play a sound with each alert').isChecked()).toBe(false);
    expect(await again.getByLabel('Notify me of customer messages in my conversations').isChecked()).toBe(true);
  });

  it('changes the password (the current one asked) and manages personal API tokens', async () => {
    const page = await ui.open(agent, '/profile');
    const form = page.getByRole('form', { name: 'Change your password' });
    await form.getByLabel('Current password').fill('not my password');
    await form.getByLabel('New password', { exact: true }).fill('a much longer passphrase 42');
    await form.getByLabel('Repeat the new password').fill('a much longer passphrase 42');
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'The current password is not right.' }).waitFor();
    await form.getByLabel('Current password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password changed.' }).waitFor();
    const login = await t.server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: agent.email, password: 'a much longer passphrase 42' } });
    expect(login.statusCode).toBe(200);

    await page.getByLabel('Token name').fill('CRM sync');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = await page.getByLabel('New token').inputValue();
    expect(shown).toMatch(/^sbt_/);
    const tokens = page.getByRole('table', { name: 'Your API tokens' });
    await tokens.getByRole('cell', { name: 'CRM sync', exact: true }).waitFor();
    // The token works as the agent.
    const me = await t.server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${shown}` } });
    expect(me.json().user.id).toBe(agent.id);
    await tokens.getByRole('button', { name: 'Revoke token CRM sync' }).click();
    await tokens.getByRole('cell', { name: 'CRM sync', exact: true }).waitFor({ state: 'detached' });
    expect((await t.server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${shown}` } })).statusCode).toBe(401);
  });

  it("sets the widget's title, greeting, colour, pre-chat form and identity verification, with a preview", async () => {
    const page = await ui.open(admin, '/admin');
    await page.getByRole('tab', { name: 'Chat widget' }).click();
    const form = page.getByRole('form', { name: 'Chat widget' });
    await form.getByLabel('Title').fill('Talk to Acme');
    await form.getByLabel('Greeting').fill('Hello! We answer within minutes.');
    await form.getByLabel('Colour (hex)').fill('#16a34a');
    await form.getByLabel('Pre-chat form (name and email before the chat)').selectOption('required');
    const preview = page.getByRole('figure', { name: 'Widget preview' });
    await preview.getByText('Talk to Acme').waitFor();
    await preview.getByText('Hello! We answer within minutes.').waitFor();
    expect(await preview.locator('.widget-preview-head').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(22, 163, 74)');

    await form.getByLabel('Require signed user ids', { exact: false }).check();
    await form.getByRole('button', { name: 'Save widget' }).click();
    await form.getByRole('alert').filter({ hasText: 'Identity verification needs a secret: generate one first.' }).waitFor();
    await form.getByRole('button', { name: 'Generate a secret' }).click();
    await form.getByRole('button', { name: 'Save widget' }).click();
    await page.getByRole('status').filter({ hasText: 'Widget saved.' }).waitFor();
    await form.getByText('A secret is set.', { exact: false }).waitFor();

    const config = (await widgetCall(t, 'GET', '/api/v1/widget/config')).body;
    expect(config).toMatchObject({ title: 'Talk to Acme', greeting: 'Hello! We answer within minutes.', color: '#16a34a', preChatForm: 'required', identityVerification: true });
    expect((await admin.api('GET', '/api/v1/settings/widget')).body.identitySecretSet).toBe(true);
  });

  it("sets a queue's abandon time and resolve keywords", async () => {
    const page = await ui.open(admin, '/admin');
    await page.getByRole('tab', { name: 'Queues' }).click();
    await page.getByLabel('Abandon a chat request nobody joins after (minutes, empty: never)').fill('10');
    await page.getByLabel('Resolve keywords', { exact: false }).fill('thanks, solved,  thank you ');
    await page.getByRole('button', { name: 'Save queue' }).click();
    await page.getByText('Support saved.').waitFor();
    const r = (await admin.api('GET', `/api/v1/queues/${support}/routing`)).body;
    expect(r.settings).toMatchObject({ abandonAfterMs: 600_000, resolveKeywords: ['thanks', 'solved', 'thank you'] });
    await page.reload();
    await page.getByRole('tab', { name: 'Queues' }).click();
    expect(await page.getByLabel('Resolve keywords', { exact: false }).inputValue()).toBe('thanks, solved, thank you');
  });
});
