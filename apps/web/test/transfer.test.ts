import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { row, workspaceBrowser } from './browser.ts';

describe('transfer (seed 004) and keyboard shortcuts', () => {
  let t: TestServer;
  let admin: Caller;
  let martha: Caller;
  let token: string;
  let support: number;
  let billing: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    t = await startTestServer({ listen: true });
    support = await createQueue(t, 'Support');
    billing = await createQueue(t, 'Billing');
    const a = await createUser(t, 'admin', 'Ada Admin', [support, billing]);
    const m = await createUser(t, 'agent', 'Martha Jones', [support]);
    await createUser(t, 'agent', 'Mickey Smith', [support]);
    admin = await signIn(t, a);
    martha = await signIn(t, m);
    await martha.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
    token = await tokenFor(t, a.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  const openAs = (caller: Caller, path = '/'): Promise<Page> => ui.open(caller, path);

  async function assigned(externalId: string, name: string, body: string): Promise<number> {
    const res = await customerWrites(t, token, { externalId, name, body, queueId: support });
    const id = res.body.conversationId as number;
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    return id;
  }

  it('transfers to an agent chosen by live status and load, with a note the recipient reads in the history', async () => {
    const id = await assigned('sarah', 'Sarah Jane Smith', 'Hola, necesito ayuda');
    const page = await openAs(admin, `/conversations/${id}`);
    const inbox = await openAs(martha);

    await page.getByRole('toolbar', { name: 'Conversation actions' }).getByRole('button', { name: 'Transfer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.getByRole('radio', { name: 'Martha Jones, Available, 0 of 5' }).waitFor();
    await dialog.getByRole('radio', { name: /^Mickey Smith, Offline/ }).waitFor();
    // Load moves live while the dialog is open.
    const jack = (await customerWrites(t, token, { externalId: 'jack', name: 'Jack Harkness', body: 'Hi', queueId: support })).body.conversationId;
    expect((await admin.api('POST', `/api/v1/conversations/${jack}/reassign`, { assigneeId: martha.id })).status).toBe(200);
    await dialog.getByRole('radio', { name: 'Martha Jones, Available, 1 of 5' }).waitFor();

    await dialog.getByRole('radio', { name: /^Martha Jones/ }).check();
    await dialog.getByLabel('Transfer note (optional)').fill('Customer needs Spanish support');
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.thread-sub', { hasText: 'Assigned to Martha Jones' }).waitFor();

    await row(inbox, 'Sarah Jane Smith').click();
    await inbox.locator('.msg-system', { hasText: 'Customer needs Spanish support' }).waitFor();
    expect(await inbox.locator('.msg-system', { hasText: 'Transferred to Martha Jones by Ada Admin' }).count()).toBe(1);
  });

  it('transfers to a queue: it waits there again, with the note in the history', async () => {
    const id = await assigned('k9', 'Kay Nine', 'Billing question');
    const page = await openAs(admin, `/conversations/${id}`);
    await page.getByRole('toolbar', { name: 'Conversation actions' }).getByRole('button', { name: 'Transfer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' });
    await dialog.getByText('To a queue').click();
    await dialog.getByLabel('Queue', { exact: true }).selectOption({ label: 'Billing' });
    await dialog.getByLabel('Transfer note (optional)').fill('Invoice dispute');
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await page.locator('.msg-system', { hasText: 'Invoice dispute' }).waitFor();
    await page.locator('.thread-sub .status-pill', { hasText: 'Queued' }).waitFor();
    const c = (await admin.api('GET', `/api/v1/conversations/${id}`)).body;
    expect(c.queueId).toBe(billing);
    expect(c.assigneeId).toBeNull();
  });
});
