import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createUser, customerWrites, bearer, type Caller, type TestServer } from '../../../test/harness.ts';
import { startWorkspaceServer, row, workspaceBrowser } from './browser.ts';

describe('conversation actions and details', () => {
  let t: TestServer;
  let admin: Caller;
  let token: string;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    const cast = await startWorkspaceServer();
    ({ t, admin, token } = cast);
    await createUser(t, 'agent', 'Martha Jones', [cast.queueId]);
  });
  afterAll(async () => {
    await t?.close();
  });

  const openWorkspace = (path = '/'): Promise<Page> => ui.open(admin, path);

  async function assigned(externalId: string, name: string, body: string): Promise<number> {
    const res = await customerWrites(t, token, { externalId, name, body });
    const id = res.body.conversationId as number;
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    return id;
  }

  it('loads older messages when the agent scrolls up the history', async () => {
    let id = 0;
    for (let i = 1; i <= 55; i++) id = (await customerWrites(t, token, { externalId: 'linus', name: 'Linus Pauling', body: `Message ${i}` })).body.conversationId;
    const page = await openWorkspace(`/conversations/${id}`);
    await page.locator('.msg-body', { hasText: /^Message 55$/ }).waitFor();
    expect(await page.locator('.msg-body', { hasText: /^Message 1$/ }).count()).toBe(0);
    await page.locator('.history').evaluate((el) => el.scrollTo(0, 0));
    await page.locator('.msg-body', { hasText: /^Message 1$/ }).waitFor();
    expect(await page.locator('.msg.in').count()).toBe(55);
  });

  it('resolves with a note and reopens; the history shows both as system lines', async () => {
    const id = await assigned('rosalind', 'Rosalind Franklin', 'My refund?');
    const page = await openWorkspace(`/conversations/${id}`);
    await page.getByRole('button', { name: 'Resolve' }).click();
    const dialog = page.getByRole('dialog', { name: 'Resolve conversation' });
    await dialog.getByLabel('Resolution note (optional)').fill('Refund processed');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await page.locator('.msg-system', { hasText: 'Refund processed' }).waitFor();
    // Issue 14, seen 5: a resolution note is a note card, not a grey line.
    await page.getByRole('note', { name: 'Resolution note' }).getByText('Refund processed').waitFor();
    await page.locator('.thread-sub .status-pill', { hasText: 'Resolved' }).waitFor();

    await page.getByRole('button', { name: 'Reopen' }).click();
    await page.locator('.msg-system', { hasText: 'Reopened' }).waitFor();
    await page.getByRole('button', { name: 'Resolve' }).waitFor();
    const c = await admin.api('GET', `/api/v1/conversations/${id}`);
    expect(c.body.status).not.toBe('resolved');
  });

  it('reassigns with the user picker', async () => {
    const id = await assigned('barbara', 'Barbara McClintock', 'Hello');
    const page = await openWorkspace(`/conversations/${id}`);
    await page.locator('.thread-sub', { hasText: 'Assigned to Ada Admin' }).waitFor();
    await page.getByRole('button', { name: 'Reassign' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reassign conversation' });
    const martha = await dialog.locator('option', { hasText: 'Martha Jones' }).getAttribute('value');
    await dialog.getByLabel('New assignee', { exact: true }).selectOption(martha!);
    await dialog.getByRole('button', { name: 'Reassign' }).click();
    await page.locator('.thread-sub', { hasText: 'Assigned to Martha Jones' }).waitFor();
    await page.locator('.msg-system', { hasText: 'Martha Jones' }).waitFor();
    const c = await admin.api('GET', `/api/v1/conversations/${id}`);
    expect(c.body.assigneeId).not.toBe(admin.id);
  });

  it('blocks and unblocks the customer, and unpins them only after confirming', async () => {
    const id = await assigned('dorothy', 'Dorothy Hodgkin', 'Hi there');
    const page = await openWorkspace(`/conversations/${id}`);
    const details = page.getByRole('complementary', { name: 'Contact details' });
    await details.getByRole('button', { name: 'Block customer' }).click();
    await page.getByText('This customer is blocked').waitFor();
    await details.getByRole('button', { name: 'Unblock customer' }).click();
    await page.getByText('This customer is blocked').waitFor({ state: 'detached' });

    await details.getByRole('button', { name: 'Unpin customer' }).click();
    const confirm = page.getByRole('dialog', { name: 'Unpin this customer?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await admin.api('GET', `/api/v1/conversations/${id}`)).body.contact?.name).toBe('Dorothy Hodgkin');

    await details.getByRole('button', { name: 'Unpin customer' }).click();
    await confirm.getByRole('button', { name: 'Unpin customer' }).click();
    await details.getByText('No customer linked').waitFor();
    expect((await admin.api('GET', `/api/v1/conversations/${id}`)).body.contact).toBeNull();
  });

  it('shows delivery ticks that move live, and a red cross with the reason when sending failed', async () => {
    const id = await assigned('lise', 'Lise Meitner', 'Did you get my email?');
    const first = await admin.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Yes, reading it now.' });
    const second = await admin.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Sending the form.' });
    const page = await openWorkspace(`/conversations/${id}`);
    const firstBubble = page.locator(`[data-message-id="${first.body.id}"]`);
    await firstBubble.getByRole('img', { name: 'Sent' }).waitFor();

    expect((await bearer(t, token, 'POST', `/api/v1/messages/${first.body.id}/delivery`, { status: 'read' })).status).toBe(200);
    await firstBubble.getByRole('img', { name: 'Read' }).waitFor();
    expect((await bearer(t, token, 'POST', `/api/v1/messages/${second.body.id}/delivery`, { status: 'failed', failureReason: 'Mailbox full' })).status).toBe(200);
    const failed = page.locator(`[data-message-id="${second.body.id}"]`).getByRole('img', { name: 'Failed: Mailbox full' });
    await failed.waitFor();
    expect(await failed.getAttribute('title')).toBe('Failed: Mailbox full');
  });

  it('marks a conversation unread for me, searches, and switches tabs', async () => {
    await assigned('emmy', 'Emmy Noether', 'Question about rings');
    await customerWrites(t, token, { externalId: 'marie', name: 'Marie Curie', body: 'Waiting in the queue' });
    const page = await openWorkspace();
    await row(page, 'Emmy Noether').click();
    await page.getByRole('button', { name: 'Mark unread' }).click();
    await row(page, 'Emmy Noether').getByLabel('Marked unread').waitFor();
    await page.getByText('Pick a conversation from the list.').waitFor();

    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('Noether');
    await expect.poll(() => page.locator('[data-conversation-id]').count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('');
    await row(page, 'Marie Curie').waitFor();

    await page.getByRole('tab', { name: 'Mine' }).click();
    await row(page, 'Marie Curie').waitFor({ state: 'detached' });
    await row(page, 'Emmy Noether').waitFor();
    await page.getByRole('tab', { name: 'Queued' }).click();
    await row(page, 'Emmy Noether').waitFor({ state: 'detached' });
    await row(page, 'Marie Curie').waitFor();
  });
});
