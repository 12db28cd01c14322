import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, TestServer } from '../../../test/harness.ts';
import { startWorkspaceServer, workspaceBrowser, type WorkspaceCast } from './browser.ts';
import { customerMailer, listen, tempDataDir } from '../../server/test/email/helpers.ts';

tempDataDir('web-inboxes');

/** Issue 12 item 1: Admin → Inboxes sets up a channel instance; secrets are write-only. */
describe('Admin → Inboxes', () => {
  let cast: WorkspaceCast;
  let t: TestServer;
  let admin: Caller;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    cast = await startWorkspaceServer();
    ({ t, admin } = cast);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an administrator adds an email inbox with an SMTP password, sees it listed, and the password is never shown again', async () => {
    const page = await ui.open(admin, '/');
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await page.getByRole('tab', { name: 'Inboxes' }).click();
    await page.getByText('No inboxes yet.').waitFor();
    await page.getByRole('button', { name: 'Add an inbox' }).click();
    const form = page.getByRole('form', { name: 'New inbox' });
    await form.getByLabel('Display name').fill('Acme Support');
    await form.getByLabel('Email address customers write to').fill('help@acme.test');
    await form.getByLabel('Outgoing mail server (SMTP relay)').fill('smtp.acme.test');
    await form.getByLabel('SMTP password').fill('very-secret-pw');
    await form.getByRole('button', { name: 'Save inbox' }).click();
    await page.getByText('Inbox Acme Support saved.').waitFor();
    const row = page.getByRole('table', { name: 'Inboxes' }).getByRole('row', { name: /Acme Support/ });
    await row.getByText('help@acme.test').waitFor();

    const stored = (await admin.api('GET', '/api/v1/inboxes')).body.items[0];
    expect(stored).toMatchObject({ channel: 'email', name: 'Acme Support', address: 'help@acme.test', secretsSet: ['smtpPassword'], settings: { smtpHost: 'smtp.acme.test' } });

    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit inbox Acme Support' });
    expect(await edit.getByLabel(/SMTP password/).inputValue()).toBe('');
    await edit.getByText('(stored; type to replace)').first().waitFor();
    expect(await page.content()).not.toContain('very-secret-pw');
    // An address that is not an email is refused with the server's sentence.
    await edit.getByLabel('Email address customers write to').fill('not an address');
    await edit.getByRole('button', { name: 'Save inbox' }).click();
    await edit.getByRole('alert').filter({ hasText: 'Invalid address' }).waitFor();
  });

  it('an email sent to the inbox appears in the open workspace with the inbox name beside the channel icon and its subject', async () => {
    const smtp = await listen(t);
    const mailer = customerMailer(smtp.port);
    try {
      const page = await ui.open(admin, '/');
      await mailer.sendMail({ from: 'Carla Customer <carla@example.org>', to: 'help@acme.test', subject: 'Order 1234 did not arrive', text: 'Hello, my order has not arrived.' });
      const row = page.locator('.conv-row', { hasText: 'Carla Customer' });
      await row.waitFor();
      await row.locator('.conv-inbox', { hasText: 'Acme Support' }).waitFor();
      await row.locator('.conv-subject', { hasText: 'Order 1234 did not arrive' }).waitFor();
      await row.click();
      await page.locator('.msg-body', { hasText: 'Hello, my order has not arrived.' }).waitFor();
      await page.getByText('Order 1234 did not arrive').first().waitFor();
    } finally {
      mailer.close();
      await smtp.close();
    }
  });
});
