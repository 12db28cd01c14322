/**
 * Screenshots for the docs: `npm run screenshots` (builds the web app first if it is stale).
 * A real server on an in-memory database with the demo data; Chromium at 1280×720.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import buildApps from '../../../test/buildApps.ts';
import { createUser, signIn, startTestServer, tokenFor, customerWrites } from '../../../test/harness.ts';
import { seedDemo } from '../../server/src/demo/seed.ts';
import { launchBrowser, signedInContext, waitForLive, row } from '../test/browser.ts';
import { newVisitor, openVisitorStream } from '../../server/test/widgetHelpers.ts';
import { discussScreenshots } from './discussScreenshots.ts';
import { emailScreenshots } from './emailScreenshots.ts';
import { reportsScreenshots } from './reportsScreenshots.ts';
import { phoneScreenshots } from './phoneScreenshots.ts';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots');

await buildApps();
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
    await row(page, 'John Smith').first().click();
    await page.locator('.msg').first().waitFor();
    await page.locator('.contact-card dd', { hasText: 'Boston' }).waitFor();
    await page.locator('textarea').fill('Thanks John — I found the duplicate charge and refunded it.');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, `workspace${scheme === 'dark' ? '-dark' : ''}.png`) });
    await context.close();
  }
  // Issue 4: start of day and an offer, transfer, the composer's warnings and canned messages, the supervisor view.
  const clara = await createUser(t, 'agent', 'Clara Oswald', [1]);
  const claraCaller = await signIn(t, clara);
  await claraCaller.api('PUT', '/api/v1/routing/me/queues', { queueIds: [1] });
  await claraCaller.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
  await caller.api('POST', '/api/v1/canned-messages', { title: 'Greeting', body: 'Hi {{first_name}}, thanks for contacting us! I am {{agent_name}} and I will be happy to help you today.' });
  await caller.api('POST', '/api/v1/canned-messages', { title: 'Refund processed', body: 'Your refund of the duplicate charge is on its way, {{first_name}}.' });
  await caller.api('POST', '/api/v1/canned-messages', { title: 'Invoice copy', body: 'I have sent a fresh copy of your invoice to {{email}}.' });
  {
    const context = await signedInContext(browser, t, claraCaller);
    const page = await context.newPage();
    await page.goto(t.url);
    await waitForLive(page);
    await page.getByRole('tab', { name: 'Queued' }).click();
    await customerWrites(t, token, { externalId: 'amy', name: 'Amy Pond', body: 'Hi! Has my order #4471 shipped yet?', queueId: 1 });
    await page.getByRole('listitem', { name: 'Offer: Amy Pond' }).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, 'offer.png') });
    await context.close();
  }
  {
    const context = await signedInContext(browser, t, caller);
    const page = await context.newPage();
    await page.goto(t.url);
    await waitForLive(page);
    await row(page, 'John Smith').first().click();
    await page.locator('.msg').first().waitFor();
    const reply = page.getByLabel('Reply', { exact: true });
    await reply.fill('Sure — your card 4111 1111 1111 1111 is on file. ');
    await page.locator('.composer-layer mark').waitFor();
    await reply.press('Enter');
    await page.getByText('Check your reply before sending.').waitFor();
    await page.screenshot({ path: path.join(out, 'sensitive.png') });
    await reply.fill('');
    // Seed 002's lightning bolt: shared canned messages and the agent's own quick replies.
    await caller.api('POST', '/api/v1/canned-messages', { title: 'My sign-off', body: 'Have a great day, {{first_name}}! — {{agent_name}}', personal: true });
    await page.getByRole('button', { name: 'Quick replies' }).click();
    await page.getByRole('listbox', { name: 'Canned messages list' }).getByRole('option').first().waitFor();
    await page.screenshot({ path: path.join(out, 'canned.png') });
    await page.keyboard.press('Escape');
    // The list's tabs and its Filters and sorting popover.
    await page.getByRole('button', { name: /^Filters/ }).click();
    await page.getByRole('group', { name: 'Filters and sorting' }).waitFor();
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(out, 'filters.png') });
    await page.keyboard.press('Escape');
    await page.getByRole('group', { name: 'Filters and sorting' }).waitFor({ state: 'detached' });
    await page.getByRole('toolbar', { name: 'Conversation actions' }).getByRole('button', { name: 'Transfer' }).click();
    await page.getByRole('dialog', { name: 'Transfer conversation' }).getByRole('radio', { name: /Clara Oswald/ }).waitFor();
    await page.screenshot({ path: path.join(out, 'transfer.png') });
    await page.keyboard.press('Escape');
    await page.locator('.history').focus();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.screenshot({ path: path.join(out, 'shortcuts.png') });
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await page.getByRole('table', { name: "Agents' status and load" }).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, 'agents.png') });
    await page.getByRole('tab', { name: 'Queues' }).click();
    await page.getByRole('tab', { name: 'Queues', selected: true }).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(out, 'admin-queues.png') });
    await context.close();
  }
  // The thread: a reply quoting the customer, and the customer typing (light and dark).
  {
    await caller.api('PUT', '/api/v1/settings/widget', { queueId: 1 });
    const v = await newVisitor(t, { name: 'Walter Skinner' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'Hi! I was charged twice for order #5512.' })).body;
    await caller.api('POST', `/api/v1/conversations/${chat.id}/reassign`, { assigneeId: admin.id });
    await v.api('POST', `/api/v1/widget/conversations/${chat.id}/messages`, { body: 'Also, can the refund go to my new card?' });
    const history = (await caller.api('GET', `/api/v1/conversations/${chat.id}/messages`)).body.items as { id: number; body: string }[];
    const asked = history.find((m) => m.body.startsWith('Hi! I was charged twice'));
    await caller.api('POST', `/api/v1/conversations/${chat.id}/messages`, { body: 'I see both charges — the second one is refunded now.', ...(asked ? { replyToId: asked.id } : {}) });
    const vs = await openVisitorStream(t, v.token);
    for (const scheme of ['light', 'dark'] as const) {
      const context = await signedInContext(browser, t, caller, { colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(`${t.url}/conversations/${chat.id}`);
      await waitForLive(page);
      await page.locator('.msg-quote').first().waitFor();
      vs.ws.send(JSON.stringify({ type: 'typing', conversationId: chat.id, typing: true }));
      await page.getByRole('status').filter({ hasText: 'Walter Skinner is typing…' }).waitFor();
      await page.waitForTimeout(200);
      await page.screenshot({ path: path.join(out, `thread${scheme === 'dark' ? '-dark' : ''}.png`) });
      await context.close();
      await new Promise((r) => setTimeout(r, 1100)); // the gateway takes one "typing" a second per socket
    }
    vs.ws.close();
  }
  await reportsScreenshots(t, browser, out); // issue 15
  await phoneScreenshots(t, browser, out); // issue 14
  await discussScreenshots(t, browser, out); // seed 000
  await emailScreenshots(t, browser, out); // issue 12
  console.log(`screenshots written to ${path.relative(process.cwd(), out)}`);
} finally {
  await browser.close();
  await t.close();
}
