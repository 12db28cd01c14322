import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Caller, TestServer } from '../../../test/harness.ts';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** One headless Chromium per test file (Debian's, at /usr/bin/chromium unless CHROMIUM_PATH says otherwise). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A browser context already signed in as `caller` (the session cookie the login route set). */
export async function signedInContext(browser: Browser, t: TestServer, caller: Caller, opts: { colorScheme?: 'light' | 'dark' } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: opts.colorScheme ?? 'light' });
  await context.addCookies([{ name: 'sb_session', value: caller.cookie, url: t.url, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

/** Collects page errors and alert() calls, which no test should ever see. */
export function watchForTrouble(page: Page): { errors: string[]; dialogs: string[] } {
  const seen = { errors: [] as string[], dialogs: [] as string[] };
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  return seen;
}

/** The workspace is loaded and its stream is live (so later events arrive without reload). */
export async function waitForLive(page: Page): Promise<void> {
  await page.locator('.conn-live').waitFor({ timeout: 10_000 });
}

export function row(page: Page, name: string) {
  return page.locator('[data-conversation-id]', { hasText: name });
}
