import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { launchBrowser, signedInContext, waitForLive, watchForTrouble } from './browser.ts';

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
  let browser: Browser;
  let agent: Caller;
  let token: string;
  let support: number;
  let context: BrowserContext;
  let trouble: { errors: string[]; dialogs: string[] };

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestServer({ listen: true }), launchBrowser()]);
    support = await createQueue(t, 'Support');
    const admin = await createUser(t, 'admin', 'Ada Admin');
    token = await tokenFor(t, admin.id);
    agent = await signIn(t, await createUser(t, 'agent', 'Clara Oswald', [support]));
    await agent.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(async () => {
    expect(trouble.errors).toEqual([]);
    expect(trouble.dialogs).toEqual([]);
    await context?.close();
  });

  it('offers to enable notifications until the agent has answered', async () => {
    context = await signedInContext(browser, t, agent);
    const page = await context.newPage();
    trouble = watchForTrouble(page);
    await page.goto(t.url);
    await waitForLive(page);
    await page.getByRole('button', { name: 'Enable notifications' }).waitFor();
  });

  it('rings, shows a browser notification and a toast for a new offer and for a customer’s new message', async () => {
    context = await signedInContext(browser, t, agent);
    await context.grantPermissions(['notifications'], { origin: t.url });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    trouble = watchForTrouble(page);
    await page.addInitScript(RECORD);
    await page.goto(t.url);
    await waitForLive(page);
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
});
