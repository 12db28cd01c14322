/**
 * Screenshots for the docs: `npm run screenshots` (builds the web app first if it is stale).
 * A real server on an in-memory database with the demo data; Chromium at 1280×720.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import buildWeb from '../../../test/buildWeb.ts';
import { createUser, signIn, startTestServer, tokenFor, customerWrites } from '../../../test/harness.ts';
import { seedDemo } from '../../server/src/demo/seed.ts';
import { launchBrowser, signedInContext, waitForLive, row } from '../test/browser.ts';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots');

await buildWeb();
const t = await startTestServer({ listen: true });
const browser = await launchBrowser();
try {
  t.clock.set(Date.now());
  await seedDemo(t.server.services.store, t.clock);
  const admin = await createUser(t, 'admin', 'Ada Admin', [1]);
  const token = await tokenFor(t, admin.id);
  await customerWrites(t, token, { externalId: 'grace', name: 'Grace Hopper', body: 'Hello! The invoice PDF will not open.', queueId: 1 });
  await customerWrites(t, token, { externalId: 'grace', name: 'Grace Hopper', body: 'It says the file is damaged.\nI tried twice.', queueId: 1 });

  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(t.url);
    await page.getByLabel('Email').fill('mark@example.com');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong' }).waitFor();
    await page.screenshot({ path: path.join(out, `sign-in${scheme === 'dark' ? '-dark' : ''}.png`) });
    await context.close();
  }

  const caller = await signIn(t, admin);
  const labels = await caller.api('GET', '/api/v1/labels');
  const escalated = labels.body.items.find((l: { name: string }) => l.name === 'Escalated');
  const tom = (await caller.api('GET', '/api/v1/conversations?q=Tom')).body.items[0];
  if (escalated && tom) await caller.api('PATCH', `/api/v1/conversations/${tom.id}`, { labelIds: [escalated.id] });
  for (const scheme of ['light', 'dark'] as const) {
    const context = await signedInContext(browser, t, caller, { colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(t.url);
    await waitForLive(page);
    await row(page, 'John Smith').click();
    await page.locator('.msg').first().waitFor();
    await page.locator('.contact-card dd', { hasText: 'Boston' }).waitFor();
    await page.locator('textarea').fill('Thanks John — I found the duplicate charge and refunded it.');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, `workspace${scheme === 'dark' ? '-dark' : ''}.png`) });
    await context.close();
  }
  console.log(`screenshots written to ${path.relative(process.cwd(), out)}`);
} finally {
  await browser.close();
  await t.close();
}
