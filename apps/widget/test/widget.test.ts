import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../test/harness.ts';
import { launchBrowser, row, signedInContext, waitForLive, watchForTrouble } from '../../web/test/browser.ts';
import { identityHash } from '../../server/src/actions/visitors.ts';

/**
 * Issue 3 in the browser: a customer's own site (another origin) embeds the widget with the README
 * snippet; an agent works in the Switchboard workspace. Seed 003 chat requests end to end.
 */
const SECRET = 'browser-test-identity-secret';
// Agents' uploads are kept on disk: a folder of this file's own.
process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-widget-'));
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
let t: TestServer;
let site: http.Server;
let siteUrl = '';
let browser: Browser;
let admin: Caller;
const contexts: BrowserContext[] = [];
let trouble: Array<{ errors: string[] }> = [];

function snippet(extra = '') {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Customer site</title></head><body><h1>Customer site</h1><div id="support" style="height:600px"></div>
<script src="${t.url}/widget.js" async></script>
<script>window.Switchboard=window.Switchboard||function(){(Switchboard.q=Switchboard.q||[]).push(arguments)};${extra}</script></body></html>`;
}

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestServer({ listen: true }), launchBrowser()]);
  const q = await createQueue(t, 'Web');
  admin = await signIn(t, await createUser(t, 'admin', 'Ada Lovelace', [q]));
  await admin.api('PUT', '/api/v1/settings/widget', { queueId: q, identitySecret: SECRET, preChatForm: 'optional' });
  site = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'text/html');
    if (u.pathname === '/portal') {
      const user = { id: 'cust-1', name: 'Dana Scully', email: 'dana@example.org', hash: identityHash(SECRET, 'cust-1') };
      res.end(snippet(`Switchboard('setUser',${JSON.stringify(user)});Switchboard('portal','#support');`));
    } else res.end(snippet());
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
  const a = site.address();
  siteUrl = `http://localhost:${typeof a === 'object' && a ? a.port : 0}`; // another origin than the server
  // The frame may be embedded only by the sites an administrator listed (issue 9 item 7).
  await admin.api('PUT', '/api/v1/settings/widget', { siteOrigins: [siteUrl] });
});
afterAll(async () => {
  await browser?.close();
  site?.close();
  await t?.close();
});
afterEach(async () => {
  for (const tr of trouble) expect(tr.errors).toEqual([]);
  trouble = [];
  for (const c of contexts.splice(0)) await c.close();
});

let customers = 0;
async function customer(path = '/', before?: (context: BrowserContext) => Promise<unknown>): Promise<{ page: Page; chat: FrameLocator }> {
  // Each customer is another client, as a proxy names it: from one address the file's sessions
  // ran into the 10-a-minute session limit (429), and the portal frame was left without one.
  const address = `198.51.100.${++customers}`;
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, extraHTTPHeaders: { 'x-forwarded-for': address } });
  contexts.push(context);
  await before?.(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  trouble.push(watchForTrouble(page));
  await page.goto(siteUrl + path);
  return { page, chat: page.frameLocator(path === '/portal' ? 'iframe[title="Support portal"]' : 'iframe[title="Chat"]') };
}

async function agentWorkspace(): Promise<Page> {
  const context = await signedInContext(browser, t, admin);
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  trouble.push(watchForTrouble(page));
  await page.goto(t.url);
  await waitForLive(page);
  return page;
}

async function startChat(chat: FrameLocator, page: Page, name: string, message: string) {
  await page.getByRole('button', { name: 'Open chat' }).click();
  await chat.getByRole('textbox', { name: 'Name' }).fill(name);
  await chat.getByRole('textbox', { name: 'Type your message…' }).fill(message);
  await chat.getByRole('button', { name: 'Start chat' }).click();
  // Stored, not only shown: a pending bubble has no message id yet.
  await chat.locator('.msg.mine[data-message-id]', { hasText: message }).waitFor();
}

const conversationOf = async (name: string) => {
  const r = await admin.api('GET', `/api/v1/conversations?q=${encodeURIComponent(name)}`);
  return r.body.items[0].id as number;
};

describe('chat widget on a customer site', () => {
  it('keeps what the customer typed in the request form when the chat goes live meanwhile', async () => {
    // The stream's ticket is held until the form is filled, so the frame redraws (live) after the typing.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { page, chat } = await customer('/', (context) => context.route('**/api/v1/widget/stream-ticket', async (route) => (await held, route.continue())));
    await page.getByRole('button', { name: 'Open chat' }).click();
    await chat.getByText('Reconnecting…').waitFor();
    await chat.getByRole('textbox', { name: 'Name' }).fill('Nora Typed');
    await chat.getByRole('textbox', { name: 'Type your message…' }).fill('Typed while it connected');
    await chat.getByRole('textbox', { name: 'Type your message…' }).focus();
    release();
    await chat.getByText('Reconnecting…').waitFor({ state: 'hidden' });
    expect(await chat.getByRole('textbox', { name: 'Name' }).inputValue()).toBe('Nora Typed');
    expect(await chat.getByRole('textbox', { name: 'Type your message…' }).evaluate((el) => el === document.activeElement)).toBe(true);
    await chat.getByRole('button', { name: 'Start chat' }).click();
    await chat.locator('.msg.mine[data-message-id]', { hasText: 'Typed while it connected' }).waitFor();
    const id = await conversationOf('Nora Typed');
    expect((await admin.api('GET', `/api/v1/conversations/${id}`)).body.contact.name).toBe('Nora Typed');
  });

  it('outside office hours it shows the hours and that nobody is there, and the request waits', async () => {
    await admin.api('PUT', '/api/v1/settings/widget', { alwaysOpen: false, officeHours: { timezone: 'UTC', days: { sat: [{ open: '10:00', close: '12:00' }] } } });
    try {
      const { page, chat } = await customer();
      await page.getByRole('button', { name: 'Open chat' }).click();
      await chat.getByRole('status').filter({ hasText: 'We are closed now' }).waitFor();
      const hours = chat.getByLabel('Office hours');
      expect(await hours.textContent()).toContain('Sat10:00–12:00');
      expect(await hours.textContent()).toContain('Monclosed');
      await chat.getByRole('textbox', { name: 'Type your message…' }).fill('Are you open tomorrow?');
      await chat.getByRole('button', { name: 'Start chat' }).click();
      await chat.getByText('Waiting for an agent to join…').waitFor();
    } finally {
      await admin.api('PUT', '/api/v1/settings/widget', { alwaysOpen: true });
    }
  });

  it('waiting, then a callback: the agent sees the callback request with the phone number', async () => {
    const agent = await agentWorkspace();
    const { page, chat } = await customer();
    await startChat(chat, page, 'Fox Mulder', 'I need help with my order');
    await chat.getByText('Waiting for an agent to join…').waitFor();
    await row(agent, 'Fox Mulder').waitFor();
    await chat.getByRole('button', { name: 'Request a callback' }).click();
    await chat.getByRole('textbox', { name: 'Phone number' }).fill('+1 555 0142');
    await chat.getByRole('textbox', { name: 'Preferred time' }).fill('Tomorrow 9am');
    await chat.getByRole('button', { name: 'Call me back' }).click();
    await chat.getByText('We will call you back at +1 555 0142 (Tomorrow 9am).').waitFor();
    const id = await conversationOf('Fox Mulder');
    await expect.poll(async () => (await admin.api('GET', `/api/v1/conversations?status=callback`)).body.items.map((c: any) => c.id), { timeout: 15_000 }).toContain(id);
    expect((await admin.api('GET', `/api/v1/conversations/${id}/chat-request`)).body.callback).toMatchObject({ phone: '+1 555 0142', preferredTime: 'Tomorrow 9am' });
    await row(agent, 'Fox Mulder').waitFor();
  });

  it('waiting, then leaving: abandoned, then completed with a note by an agent', async () => {
    const agent = await agentWorkspace();
    const { page, chat } = await customer();
    await startChat(chat, page, 'Dana Waits', 'Hello, anyone?');
    await chat.getByRole('button', { name: 'Leave' }).click();
    await chat.getByText('You left the chat.').waitFor();
    const id = await conversationOf('Dana Waits');
    expect((await admin.api('GET', `/api/v1/conversations/${id}`)).body.status).toBe('abandoned');
    await row(agent, 'Dana Waits').waitFor();
    const done = await admin.api('POST', `/api/v1/conversations/${id}/complete`, { note: 'Emailed her the answer' });
    expect(done.body).toEqual({ ok: true, warning: null });
    // The customer's widget hears the chat ended, live.
    await chat.locator('.system', { hasText: 'The chat has ended' }).waitFor();
    expect((await admin.api('GET', `/api/v1/conversations/${id}/chat-request`)).body.notes.map((n: any) => n.body)).toEqual(['Emailed her the answer']);
  });

  it('a joined chat: messages both ways live, and a reload keeps the history', async () => {
    const agent = await agentWorkspace();
    const { page, chat } = await customer();
    await startChat(chat, page, 'Walter Skinner', 'My rocket will not start');
    const id = await conversationOf('Walter Skinner');
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    await chat.locator('.system', { hasText: 'Ada joined the chat' }).waitFor();

    await row(agent, 'Walter Skinner').click();
    await agent.locator('.msg.in', { hasText: 'My rocket will not start' }).waitFor();
    const composer = agent.getByRole('textbox', { name: 'Reply' });
    await composer.fill('Have you tried the ignition key?');
    await composer.press('Enter');
    await chat.locator('.msg.theirs', { hasText: 'Have you tried the ignition key?' }).waitFor();
    expect(await chat.locator('.msg.theirs .who').last().textContent()).toBe('Ada');

    // Typing in the reply box tells the customer, and keeps telling while it goes on (a typing signal
    // is ephemeral: one lost on the way is made good by the next).
    const typing = chat.getByText('Ada is typing…').waitFor();
    await composer.pressSequentially('Let me check that for you', { delay: 250 });
    await typing;

    const input = chat.getByRole('textbox', { name: 'Type your message…' });
    await input.fill('Yes 🚀 it works now');
    await input.press('Enter');
    await agent.locator('.msg.in', { hasText: 'Yes 🚀 it works now' }).waitFor();
    // The customer has seen the agent's reply: a read receipt.
    await expect.poll(async () => (await admin.api('GET', `/api/v1/conversations/${id}/messages`)).body.items.find((m: any) => m.body === 'Have you tried the ignition key?').status, { timeout: 15_000 }).toBe('read');

    await page.reload();
    await page.getByRole('button', { name: 'Open chat' }).click();
    await chat.locator('.msg.mine[data-message-id]', { hasText: 'My rocket will not start' }).waitFor();
    await chat.locator('.msg.theirs', { hasText: 'Have you tried the ignition key?' }).waitFor();
    expect(await chat.locator('.msg', { hasText: 'Yes 🚀 it works now' }).count()).toBe(1);
    // Still live after the reload.
    await composer.fill('Great, anything else?');
    await composer.press('Enter');
    await chat.locator('.msg.theirs', { hasText: 'Great, anything else?' }).waitFor();
  });

  it('shows the customer a picture the agent sends (issue 14, seen 1)', async () => {
    const { page, chat } = await customer();
    await startChat(chat, page, 'Dana Label', 'Please send the shipping label');
    const id = await conversationOf('Dana Label');
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    const boundary = '----sbwidget';
    const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="label.png"\r\nContent-Type: image/png\r\n\r\n`), PNG, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const up = await t.server.app.inject({ method: 'POST', url: `/api/v1/conversations/${id}/attachments`, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: `sb_session=${admin.cookie}`, 'x-csrf-token': admin.csrf } });
    expect(up.statusCode).toBe(201);
    expect((await admin.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Here is your label', attachments: [up.json()] })).status).toBe(201);
    await chat.locator('.msg.theirs', { hasText: 'Here is your label' }).waitFor();
    const img = chat.getByRole('img', { name: 'label.png' });
    await img.waitFor();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);
  });

  it('shows the customer which of their messages the agent quoted (issue 14, seen 10)', async () => {
    const { page, chat } = await customer();
    await startChat(chat, page, 'Quinn Quote', 'Where is parcel 4471?');
    const id = await conversationOf('Quinn Quote');
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    const asked = (await admin.api('GET', `/api/v1/conversations/${id}/messages`)).body.items.find((m: any) => m.body === 'Where is parcel 4471?');
    expect((await admin.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'It left the depot today', replyToId: asked.id })).status).toBe(201);
    const reply = chat.locator('.msg.theirs', { hasText: 'It left the depot today' });
    await reply.waitFor();
    expect(await reply.locator('blockquote').textContent()).toBe('Where is parcel 4471?');
    // And after a reload, from the history.
    await page.reload();
    await page.getByRole('button', { name: 'Open chat' }).click();
    await chat.locator('.msg.theirs', { hasText: 'It left the depot today' }).locator('blockquote', { hasText: 'Where is parcel 4471?' }).waitFor();
  });

  it('when the server is too busy to start a session, the frame says so and tries again by itself', async () => {
    let refusals = 0;
    const { page, chat } = await customer('/', (context) =>
      context.route('**/api/v1/widget/sessions', (route) =>
        refusals++ === 0
          ? route.fulfill({ status: 429, contentType: 'application/json', headers: { 'retry-after': '1' }, body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests; try again in a moment.' } }) })
          : route.continue(),
      ),
    );
    await page.getByRole('button', { name: 'Open chat' }).click();
    await chat.getByRole('alert').filter({ hasText: 'Too many requests' }).waitFor();
    await chat.getByRole('alert').waitFor({ state: 'detached' });
    await chat.getByRole('textbox', { name: 'Name' }).fill('Bea Busy');
    await chat.getByRole('textbox', { name: 'Type your message…' }).fill('Hello after the busy moment');
    await chat.getByRole('button', { name: 'Start chat' }).click();
    await chat.locator('.msg.mine[data-message-id]', { hasText: 'Hello after the busy moment' }).waitFor();
    expect(refusals).toBe(2);
  });

  it('a chat from a ticket in the client portal ends with the chat log attached to the ticket', async () => {
    const first = await customer('/portal');
    await first.chat.getByRole('tab', { name: 'My tickets' }).click();
    await first.chat.getByText('You have no tickets.').waitFor();
    const contact = await t.server.services.store.db.selectFrom('contact_identities').select('contact_id').where('external_id', '=', 'user:cust-1').executeTakeFirstOrThrow();
    const ticket = (await admin.api('POST', '/api/v1/tickets', { subject: 'Fuel gauge broken', contactId: contact.contact_id, assigneeId: admin.id })).body;

    const { page, chat } = await customer('/portal');
    await chat.getByRole('tab', { name: 'My tickets' }).click();
    await chat.getByRole('button', { name: `#${ticket.id} Fuel gauge broken` }).click();
    await chat.getByRole('button', { name: 'Chat about this ticket' }).click();
    await chat.getByText('Waiting for an agent to join…').waitFor();
    const id = await conversationOf('Dana Scully');
    await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: admin.id });
    await chat.locator('.system', { hasText: 'Ada joined the chat' }).waitFor();
    const input = chat.getByRole('textbox', { name: 'Type your message…' });
    await input.fill('The gauge reads empty after refuelling');
    await input.press('Enter');
    await chat.locator('.msg.mine[data-message-id]', { hasText: 'The gauge reads empty' }).waitFor();
    await admin.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Replace sensor B, that fixes it' });
    await chat.locator('.msg.theirs', { hasText: 'Replace sensor B' }).waitFor();

    const ended = await admin.api('POST', `/api/v1/conversations/${id}/end-session`, { outcome: 'plain' });
    expect(ended.body.ticketId).toBe(ticket.id);
    await chat.getByText('The chat has ended.').waitFor();
    const after = (await admin.api('GET', `/api/v1/tickets/${ticket.id}`)).body;
    expect(after.attachments).toHaveLength(1);
    // Files are read by those they belong to (issue 14, seen 1): here the agent who ended the chat.
    const log = await (await fetch(t.url + after.attachments[0].url, { headers: { cookie: `sb_session=${admin.cookie}` } })).text();
    expect(log).toContain('Dana Scully: The gauge reads empty after refuelling');
    // The customer's copy names the agent as the widget does: by first name (issue 9 finding 10).
    expect(log).toContain('Ada: Replace sensor B, that fixes it');
    expect(log).not.toContain('Lovelace');

    await chat.getByRole('tab', { name: 'My tickets' }).click();
    await chat.getByRole('button', { name: `#${ticket.id} Fuel gauge broken` }).click();
    await chat.getByRole('link', { name: `chat-${id}.txt` }).waitFor();
    await page.close();
  });
});
