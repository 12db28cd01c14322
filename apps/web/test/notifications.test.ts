import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { workspaceBrowser } from './browser.ts';

/** Records what the page asks of the browser's Notification and Web Audio APIs (they stay real). */
const RECORD = `
  window.__notes = [];
  window.__chimes = 0;
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, opts) { window.__notes.push([title, opts && opts.body]); super(title, opts); }
  };
  const osc = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () { window.__chimes++; return osc.call(this); };
`;

describe('notifications for new offers and messages', () => {
  let t: TestServer;
  let agent: Caller;
  let token: string;
  let support: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    t = await startTestServer({ listen: true });
    support = await createQueue(t, 'Support');
    const admin = await createUser(t, 'admin', 'Ada Admin');
    token = await tokenFor(t, admin.id);
    agent = await signIn(t, await createUser(t, 'agent', 'Clara Oswald', [support]));
    await agent.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('offers to enable notifications until the agent has answered', async () => {
    const page = await ui.open(agent);
    await page.getByRole('button', { name: 'Enable notifications' }).waitFor();
  });

  it('drops the offer once the agent allows notifications in the browser’s site settings, without a reload', async () => {
    const page = await ui.open(agent);
    const enable = page.getByRole('button', { name: 'Enable notifications' });
    await enable.waitFor();
    await page.context().grantPermissions(['notifications'], { origin: t.url });
    await enable.waitFor({ state: 'detached' });
  });

  it('rings, shows a browser notification and a toast for a new offer and for a customer’s new message', async () => {
    const page = await ui.open(agent, {
      prepare: async (context) => {
        await context.grantPermissions(['notifications'], { origin: t.url });
        await context.addInitScript(RECORD);
      },
    });
    expect(await page.getByRole('button', { name: 'Enable notifications' }).count()).toBe(0);

    const id = (await customerWrites(t, token, { externalId: 'amy', name: 'Amy Pond', body: 'Is my order shipped?', queueId: support })).body.conversationId;
    await page.locator('.toast', { hasText: 'New offer: Amy Pond' }).waitFor();
    await expect.poll(() => page.evaluate(() => (window as any).__notes.map((n: string[]) => n[0]))).toEqual(['New conversation offered: Amy Pond']);
    expect(await page.evaluate(() => (window as any).__chimes)).toBeGreaterThan(0);

    const offer = (await agent.api('GET', '/api/v1/routing/me')).body.offers[0];
    expect((await agent.api('POST', `/api/v1/routing/offers/${offer.id}/accept`)).status).toBe(200);
    await customerWrites(t, token, { externalId: 'amy', name: 'Amy Pond', body: 'Also, can I change the address?', queueId: support });
    await page.locator('.toast', { hasText: 'Amy Pond: Also, can I change the address?' }).waitFor();
    await expect.poll(() => page.evaluate(() => (window as any).__notes.length)).toBe(2);
    expect((await page.evaluate(() => (window as any).__notes))[1]).toEqual(['Amy Pond', 'Also, can I change the address?']);
    expect(id).toBeGreaterThan(0);
  });

  it('keeps offers and messages in the header’s notification centre; choosing one opens its conversation', async () => {
    const page = await ui.open(agent);
    const bell = page.getByRole('banner').getByRole('button', { name: /^Notifications/ });
    await bell.waitFor();
    expect(await bell.getAttribute('aria-label')).toBe('Notifications');

    await customerWrites(t, token, { externalId: 'river', name: 'River Song', body: 'Spoilers about my invoice', queueId: support });
    await page.locator('.toast', { hasText: 'New offer: River Song' }).waitFor();
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, 1 new');
    const offer = (await agent.api('GET', '/api/v1/routing/me')).body.offers.find((o: { status: string }) => o.status === 'offered');
    expect((await agent.api('POST', `/api/v1/routing/offers/${offer.id}/accept`)).status).toBe(200);
    await customerWrites(t, token, { externalId: 'river', name: 'River Song', body: 'Hello <b>sweetie</b>', queueId: support });
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications, 2 new');

    await bell.click();
    const centre = page.getByRole('region', { name: 'Notification centre' });
    const items = centre.getByRole('listitem');
    await expect.poll(() => items.count()).toBe(2);
    // Newest first, the customer's text as text.
    expect(await items.nth(0).innerText()).toContain('Hello <b>sweetie</b>');
    expect(await items.nth(1).innerText()).toContain('New offer: River Song');
    expect(await bell.getAttribute('aria-label')).toBe('Notifications');

    await items.nth(0).getByRole('button').click();
    await centre.waitFor({ state: 'detached' });
    await page.getByRole('region', { name: 'Conversation with River Song' }).waitFor();

    // Esc closes it, back on the bell; Clear all empties it.
    await bell.click();
    await page.keyboard.press('Escape');
    await centre.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Notifications');
    await bell.click();
    await centre.getByRole('button', { name: 'Clear all' }).click();
    await centre.getByText('Nothing yet.').waitFor();
  });
  it('stays silent where the agent turned offer notifications and sounds off on their profile, and still shows the toast', async () => {
    const quiet = await createQueue(t, 'Quiet');
    const rory = await signIn(t, await createUser(t, 'agent', 'Rory Williams', [quiet]));
    await rory.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
    expect((await rory.api('PATCH', '/api/v1/me/profile', { preferences: { notifyOffers: false, sound: false } })).status).toBe(200);
    const page = await ui.open(rory, {
      prepare: async (context) => {
        await context.grantPermissions(['notifications'], { origin: t.url });
        await context.addInitScript(RECORD);
      },
    });
    // The preferences are read at start: wait for them before the offer comes.
    await page.waitForLoadState('networkidle');
    await customerWrites(t, token, { externalId: 'donna', name: 'Donna Noble', body: 'Is anyone there?', queueId: quiet });
    await page.locator('.toast', { hasText: 'New offer: Donna Noble' }).waitFor();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as any).__notes)).toEqual([]);
    expect(await page.evaluate(() => (window as any).__chimes)).toBe(0);
  });
});
