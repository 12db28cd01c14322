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
});
