import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../../test/harness.ts';
import { newVisitor } from '../../../server/test/widgetHelpers.ts';
import { launchBrowser, signedInContext, waitForLive, watchForTrouble } from '../browser.ts';

/**
 * Issue 9's browser XSS corpus (first part): payloads placed where customers' and colleagues' text
 * appears in the agent app — the customer's name, message bodies, internal notes (in a queue whose
 * name is a payload) — and in the widget (an agent's reply). A payload that ran would set
 * `window.__xss` or open a dialog. Not yet covered: email subjects, tags, labels, canned messages,
 * attachment names.
 */
const PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '<svg onload="window.__xss=2"></svg>',
  '"><script>window.__xss=3</script>',
  "javascript:window.__xss=4//",
  '<a href="javascript:window.__xss=5">click</a>',
  '<iframe srcdoc="<script>parent.__xss=6</script>"></iframe>',
  '{{constructor.constructor("window.__xss=7")()}}',
  '<details open ontoggle="window.__xss=8">',
  '[x](javascript:window.__xss=9)',
  '<style>@import "javascript:window.__xss=10"</style><b onmouseover="alert(11)">hover</b>',
];
const ALL = PAYLOADS.join(' ');

let t: TestServer;
let browser: Browser;
let admin: Caller;
let site: http.Server;
let siteUrl = '';

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestServer({ listen: true }), launchBrowser()]);
  const q = await createQueue(t, `Support ${PAYLOADS[0]}`);
  admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin', [q]));
  site = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><html><body><script src="${t.url}/widget.js" async></script><script>window.Switchboard=window.Switchboard||function(){(Switchboard.q=Switchboard.q||[]).push(arguments)};</script></body></html>`);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
  const a = site.address();
  siteUrl = `http://localhost:${typeof a === 'object' && a ? a.port : 0}`;
  expect((await admin.api('PUT', '/api/v1/settings/widget', { queueId: q, siteOrigins: [siteUrl] })).status).toBe(200);
});
afterAll(async () => {
  await browser?.close();
  site?.close();
  await t?.close();
});

async function canary(page: Page) {
  return page.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? 0);
}

describe('XSS corpus', () => {
  it('nothing runs in the agent app: customer name, messages, internal notes', async () => {
    const c = await admin.api('POST', '/api/v1/conversations', { contact: { name: PAYLOADS[2] }, channel: 'api', message: ALL });
    expect(c.status).toBe(201);
    for (const p of PAYLOADS) expect((await admin.api('POST', `/api/v1/conversations/${c.body.id}/messages`, { body: p, internal: true })).status).toBe(201);

    const context = await signedInContext(browser, t, admin);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const trouble = watchForTrouble(page);
    await page.goto(t.url);
    await waitForLive(page);
    await page.getByText(PAYLOADS[2]).first().click();
    await page.locator('.msg-body', { hasText: 'window.__xss=9' }).first().waitFor();
    await page.mouse.move(300, 300);
    expect(await canary(page)).toBe(0);
    expect(trouble.dialogs).toEqual([]);
    await context.close();
  });

  it('nothing runs in the widget: the agent’s reply', async () => {
    const v = await newVisitor(t);
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'Hello' })).body;
    expect((await admin.api('POST', `/api/v1/conversations/${chat.id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    expect((await admin.api('POST', `/api/v1/conversations/${chat.id}/messages`, { body: ALL })).status).toBe(201);

    const context = await browser.newContext();
    await context.addInitScript(`localStorage.setItem('sb_visitor', JSON.stringify({ token: ${JSON.stringify(v.token)}, userId: null }))`);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const trouble = watchForTrouble(page);
    await page.goto(siteUrl);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const frame = page.frameLocator('iframe[title="Chat"]');
    await frame.locator('.msg', { hasText: 'window.__xss=9' }).first().waitFor();
    const inner = page.frames().find((f) => f.url().includes('/widget/frame.html'))!;
    expect(await inner.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? 0)).toBe(0);
    expect(await canary(page)).toBe(0);
    expect(trouble.dialogs).toEqual([]);
    await context.close();
  });
});
