/**
 * Seed 000's screens for the docs: the Assign/Discuss dialog, the recipient's notification, the
 * discussion panel beside the consultant's view, and the tracking list. Called by screenshots.ts;
 * `npx tsx apps/web/scripts/discussScreenshots.ts` writes only these.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import buildApps from '../../../test/buildApps.ts';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type TestServer } from '../../../test/harness.ts';
import { launchBrowser, signedInContext, waitForLive } from '../test/browser.ts';

export async function discussScreenshots(t: TestServer, browser: Browser, out: string): Promise<void> {
  const q = await createQueue(t, 'Products');
  const a = await createUser(t, 'admin', 'Adele Admin', [q]);
  const admin = await signIn(t, a);
  const token = await tokenFor(t, a.id);
  const mark = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [q]));
  const martha = await signIn(t, await createUser(t, 'agent', 'Martha Lee', [q]));
  await signIn(t, await createUser(t, 'agent', 'Rory Williams', [q]));
  await martha.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
  const id = (await customerWrites(t, token, { externalId: 'smith-shot', name: 'Smith', body: 'Does the X200 roof rack fit a 2019 Outback?', queueId: q })).body.conversationId;
  await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: mark.id });
  await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Let me check that with our product expert.' });

  const open = async (who: typeof mark, where: string) => {
    const context = await signedInContext(browser, t, who);
    const page = await context.newPage();
    await page.goto(t.url + where);
    await waitForLive(page);
    return { context, page };
  };
  const markSide = await open(mark, `/conversations/${id}`);
  const marthaSide = await open(martha, '/');
  try {
    const mp = markSide.page;
    await mp.getByRole('toolbar', { name: 'Conversation actions' }).getByRole('button', { name: 'Assign/Discuss' }).click();
    const dialog = mp.getByRole('dialog', { name: 'Assign or discuss' });
    await dialog.getByRole('radio', { name: /^Martha Lee/ }).check();
    await mp.waitForTimeout(200);
    await mp.screenshot({ path: path.join(out, 'discuss-dialog.png') });
    await dialog.getByRole('button', { name: 'Discuss' }).click();

    const hp = marthaSide.page;
    const card = hp.getByRole('alert', { name: 'Mark Watney has requested to discuss with you.' });
    await card.waitFor();
    await hp.waitForTimeout(200);
    await hp.screenshot({ path: path.join(out, 'discuss-request.png') });
    t.clock.advance(14_000); // so the record shows a wait and a duration
    await card.getByRole('button', { name: 'Accept' }).click();
    const panel = hp.getByRole('region', { name: 'Discussion with Mark Watney' });
    await panel.waitFor();
    await panel.getByLabel('Message Mark Watney').fill('Yes — the X200 fits every Outback from 2015 on.');
    await panel.getByLabel('Message Mark Watney').press('Enter');
    await mp.getByRole('region', { name: 'Discussion with Martha Lee' }).getByText('the X200 fits').waitFor();
    await mp.getByRole('region', { name: 'Discussion with Martha Lee' }).getByLabel('Message Martha Lee').fill('Great, thanks!');
    await mp.getByRole('region', { name: 'Discussion with Martha Lee' }).getByRole('button', { name: 'Send' }).click();
    await customerWrites(t, token, { externalId: 'smith-shot', name: 'Smith', body: 'It is the 2019 model, if that helps.', queueId: q });
    await hp.getByText('It is the 2019 model').first().waitFor();
    await panel.getByText('Great, thanks!').waitFor();
    await hp.waitForTimeout(200);
    await hp.screenshot({ path: path.join(out, 'discuss-panel.png') });

    t.clock.advance(3 * 60_000 + 20_000);
    await mp.getByRole('region', { name: 'Discussion with Martha Lee' }).getByRole('button', { name: 'End Discussion' }).click();
    await mp.getByRole('dialog', { name: 'End discussion' }).getByRole('button', { name: 'Yes' }).click();
    await mp.getByRole('region', { name: 'Tracking' }).getByText('Ended', { exact: true }).waitFor();
    await mp.getByRole('region', { name: 'Tracking' }).scrollIntoViewIfNeeded();
    await mp.waitForTimeout(200);
    await mp.screenshot({ path: path.join(out, 'discuss-tracking.png') });

    const adminSide = await open(admin, '/admin');
    await adminSide.page.getByRole('tab', { name: 'Tracking records' }).click();
    await adminSide.page.locator('.tracking-list tr', { hasText: 'Smith' }).first().waitFor();
    await adminSide.page.screenshot({ path: path.join(out, 'discuss-records.png') });
    await adminSide.context.close();
  } finally {
    await markSide.context.close();
    await marthaSide.context.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots');
  await buildApps();
  const t = await startTestServer({ listen: true });
  const browser = await launchBrowser();
  try {
    await discussScreenshots(t, browser, out);
    console.log('discuss screenshots written');
  } finally {
    await browser.close();
    await t.close();
  }
}
