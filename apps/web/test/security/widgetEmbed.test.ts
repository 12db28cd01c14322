import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createQueue, createUser, signIn, startTestServer, type TestServer } from '../../../../test/harness.ts';
import { launchBrowser, watchForTrouble } from '../browser.ts';

/**
 * Issue 9 item 7 in the browser: the widget frame may be embedded only by the site origins an
 * administrator listed. On a listed site the chat works; on another the browser refuses to show
 * the frame (frame-ancestors), so nothing of the chat appears there.
 */
let t: TestServer;
let browser: Browser;
const sites: http.Server[] = [];
const contexts: BrowserContext[] = [];
let allowedUrl = '';
let otherUrl = '';

async function site(): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Customer site</title></head><body><h1>Customer site</h1>
<script src="${t.url}/widget.js" async></script>
<script>window.Switchboard=window.Switchboard||function(){(Switchboard.q=Switchboard.q||[]).push(arguments)};</script></body></html>`);
  });
  sites.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  return `http://localhost:${typeof a === 'object' && a ? a.port : 0}`; // another origin than the server
}

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestServer({ listen: true }), launchBrowser()]);
  const q = await createQueue(t, 'Web');
  const admin = await signIn(t, await createUser(t, 'admin', 'Ada Lovelace', [q]));
  allowedUrl = await site();
  otherUrl = await site();
  const r = await admin.api('PUT', '/api/v1/settings/widget', { queueId: q, siteOrigins: [allowedUrl] });
  expect(r.status).toBe(200);
});
afterAll(async () => {
  await browser?.close();
  for (const s of sites) s.close();
  await t?.close();
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

async function visit(url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(url);
  return page;
}

async function chatFrame(page: Page) {
  const handle = await page.locator('iframe[title="Chat"]').elementHandle();
  return (await handle!.contentFrame())!;
}

describe('the widget frame’s embedding policy', () => {
  it('works on a site an administrator listed', async () => {
    const page = await visit(allowedUrl);
    const trouble = watchForTrouble(page);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const chat = page.frameLocator('iframe[title="Chat"]');
    await chat.getByRole('textbox', { name: 'Type your message…' }).fill('Hello from a listed site');
    await chat.getByRole('button', { name: 'Start chat' }).click();
    await chat.locator('.msg.mine[data-message-id]', { hasText: 'Hello from a listed site' }).waitFor();
    // The frame answers the page (unread count, close) through postMessage to this origin only.
    await chat.getByRole('button', { name: 'Close' }).click();
    await page.locator('iframe[title="Chat"]').waitFor({ state: 'hidden' });
    expect(trouble.errors).toEqual([]);
  });

  it('is refused by the browser on any other site', async () => {
    const page = await visit(otherUrl);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const frame = await chatFrame(page);
    // Chromium replaces a frame refused by frame-ancestors with its own error page: no chat UI.
    await expect.poll(() => frame.url()).toMatch(/^chrome-error:/);
    expect(await frame.locator('textarea, input, button').count()).toBe(0);
  });
});
