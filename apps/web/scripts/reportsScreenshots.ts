/**
 * Reports on the demo's four weeks of history (issue 15), light and dark, as the demo supervisor
 * sees them. Called by screenshots.ts after the demo is seeded with the clock at today.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { signIn, type TestServer } from '../../../test/harness.ts';
import { DEMO_PASSWORD } from '../../server/src/demo/seed.ts';
import { signedInContext, waitForLive } from '../test/browser.ts';

export async function reportsScreenshots(t: TestServer, browser: Browser, out: string): Promise<void> {
  const user = await t.server.services.store.db.selectFrom('users').select(['id', 'email']).where('email', '=', 'supervisor@example.com').executeTakeFirstOrThrow();
  const sam = await signIn(t, user, DEMO_PASSWORD);
  for (const scheme of ['light', 'dark'] as const) {
    const context = await signedInContext(browser, t, sam, { colorScheme: scheme });
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.goto(`${t.url}/reports`);
    await waitForLive(page);
    await page.getByTestId('figure-created').waitFor();
    await page.getByRole('img', { name: 'Conversations per period' }).locator('canvas').waitFor();
    await page.getByRole('table', { name: 'Queue', exact: true }).getByRole('rowheader', { name: 'Support' }).waitFor();
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(out, `reports${scheme === 'dark' ? '-dark' : ''}.png`) });
    await context.close();
  }
}
