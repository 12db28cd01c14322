import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, TestServer } from '../../../test/harness.ts';
import { startWorkspaceServer, workspaceBrowser, type WorkspaceCast } from './browser.ts';

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
    await page.getByRole('button', { name: 'Admin' }).click();
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
});
