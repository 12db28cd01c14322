/**
 * The workspace on a phone (issue 14: 390 px wide): the list, then a thread with Send in reach.
 * Called by screenshots.ts once the demo is seeded; signs in as the demo's agent Mark.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { signIn, type TestServer } from '../../../test/harness.ts';
import { DEMO_PASSWORD } from '../../server/src/demo/seed.ts';
import { row, waitForLive } from '../test/browser.ts';

export async function phoneScreenshots(t: TestServer, browser: Browser, out: string): Promise<void> {
  const user = await t.server.services.store.db.selectFrom('users').select(['id', 'email']).where('email', '=', 'mark@example.com').executeTakeFirstOrThrow();
  const mark = await signIn(t, user, DEMO_PASSWORD);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await context.addCookies([{ name: 'sb_session', value: mark.cookie, url: t.url, httpOnly: true, sameSite: 'Lax' }]);
  try {
    const page = await context.newPage();
    await page.goto(`${t.url}/?view=all`);
    await waitForLive(page);
    await row(page, 'John Smith').first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, 'phone-list.png') });
    await row(page, 'John Smith').first().click();
    await page.locator('.msg').first().waitFor();
    await page.getByRole('textbox', { name: 'Reply' }).fill('On it — refunding the duplicate charge now.');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, 'phone-thread.png') });
  } finally {
    await context.close();
  }
}
