import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { customerWrites, type Caller, type TestServer } from '../../../test/harness.ts';
import { startWorkspaceServer, workspaceBrowser } from './browser.ts';

describe('composer: keyboard, canned messages, sensitive data, clean up', () => {
  let t: TestServer;
  let admin: Caller;
  let token: string;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    ({ t, admin, token } = await startWorkspaceServer());
    await admin.api('POST', '/api/v1/canned-messages', { title: 'Greeting', body: 'Hi {{first_name}}, I am {{agent_name}}. We will write to {{email}} about your {{attr.plan}} plan.' });
    await admin.api('POST', '/api/v1/canned-messages', { title: 'Refund done', body: 'Your refund is on its way.' });
    await admin.api('PUT', '/api/v1/composer/rules', { sensitiveWords: ['password'], sensitivePatterns: [], cleanupPatterns: ['\\[ad\\]'] });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function openConversation(externalId: string, name: string): Promise<{ page: Page; id: number }> {
    const res = await customerWrites(t, token, { externalId, name, body: 'Hello there' });
    const id = res.body.conversationId as number;
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    const page = await ui.open(admin, `/conversations/${id}`);
    await page.locator('.msg-body', { hasText: 'Hello there' }).waitFor();
    return { page, id };
  }

  it('Ctrl+/ and / open canned messages; inserting fills the customer’s and agent’s details', async () => {
    const { page, id } = await openConversation('grace', 'Grace Hopper');
    const contactId = (await admin.api('GET', `/api/v1/conversations/${id}`)).body.contact.id;
    expect((await admin.api('PATCH', `/api/v1/contacts/${contactId}`, { email: 'grace@navy.mil', attributes: { plan: 'Gold' } })).status).toBe(200);
    const reply = page.getByLabel('Reply', { exact: true });
    await page.getByRole('complementary', { name: 'Contact details' }).getByText('grace@navy.mil').waitFor();

    await reply.focus();
    await page.keyboard.press('Control+/');
    const search = page.getByRole('combobox', { name: 'Search canned messages' });
    const options = page.getByRole('listbox', { name: 'Canned messages list' }).getByRole('option');
    await search.waitFor();
    await expect.poll(() => options.count()).toBe(2);
    await search.fill('greet');
    await expect.poll(() => options.count()).toBe(1);
    await page.keyboard.press('Enter');
    await search.waitFor({ state: 'detached' });
    expect(await reply.inputValue()).toBe('Hi Grace, I am Ada Admin. We will write to grace@navy.mil about your Gold plan.');

    // `/` in an empty reply opens the picker too; Esc closes only the picker.
    await reply.fill('');
    await reply.press('/');
    await search.waitFor();
    await page.keyboard.press('Escape');
    await search.waitFor({ state: 'detached' });
    expect(await page.getByRole('region', { name: 'Conversation with Grace Hopper' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Canned messages' }).click();
    await page.getByRole('option', { name: /Refund done/ }).click();
    expect(await reply.inputValue()).toBe('Your refund is on its way.');

    // Ctrl+Enter sends.
    await reply.press('Control+Enter');
    await page.locator('.msg.out .msg-body', { hasText: 'Your refund is on its way.' }).waitFor();
    expect(await reply.inputValue()).toBe('');
  });

  it('answers Alt+N, Alt+T, Alt+R, Esc and ? in Chromium', async () => {
    const { page } = await openConversation('ada', 'Ada Lovelace');
    await page.locator('.history').focus();
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.getByText('Transfer the conversation').waitFor();
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });

    await page.keyboard.press('Alt+N');
    await page.getByLabel('Internal note', { exact: true }).and(page.locator('textarea')).waitFor();
    await page.getByRole('button', { name: 'Add note' }).waitFor();
    await page.keyboard.type('Customer called earlier');
    await page.keyboard.press('Control+Enter');
    await page.locator('.msg.internal .msg-body', { hasText: 'Customer called earlier' }).waitFor();

    await page.keyboard.press('Alt+T');
    const transfer = page.getByRole('dialog', { name: 'Transfer conversation' });
    await transfer.waitFor();
    await page.keyboard.press('Escape');
    await transfer.waitFor({ state: 'detached' });

    await page.keyboard.press('Alt+R');
    const resolve = page.getByRole('dialog', { name: 'Resolve conversation' });
    await resolve.waitFor();
    await page.keyboard.press('Escape');
    await resolve.waitFor({ state: 'detached' });

    await page.locator('.history').focus();
    await page.keyboard.press('Escape');
    await page.getByText('Pick a conversation from the list.').waitFor();
  });

  it('highlights card numbers, SSNs and listed words, and sends only after “Send anyway”', async () => {
    const { page, id } = await openConversation('mallory', 'Mallory Card');
    const reply = page.getByLabel('Reply', { exact: true });
    await reply.fill('Your card 4111 1111 1111 1111 and password are noted');
    const marks = page.locator('.composer-layer mark');
    await expect.poll(() => marks.allTextContents()).toEqual(['4111 1111 1111 1111', 'password']);
    await page.getByText('2 sensitive items highlighted').waitFor();
    await reply.press('Enter');
    const warning = page.getByRole('alert').filter({ hasText: 'Check your reply before sending.' });
    await warning.getByText('Looks like a payment card number.').waitFor();
    const sent = (await admin.api('GET', `/api/v1/conversations/${id}/messages`)).body.items.filter((m: { senderKind: string }) => m.senderKind === 'agent');
    expect(sent).toEqual([]);

    // A Luhn-invalid number is not highlighted.
    await reply.fill('Order 4111 1111 1111 1112 and SSN 123-45-6789');
    await expect.poll(() => marks.allTextContents()).toEqual(['123-45-6789']);
    await page.getByRole('button', { name: 'Send' }).click();
    await warning.getByText('Looks like a social security number.').waitFor();
    await warning.getByRole('button', { name: 'Send anyway' }).click();
    await page.locator('.msg.out .msg-body', { hasText: 'SSN 123-45-6789' }).waitFor();
    await warning.waitFor({ state: 'detached' });
  });

  it('cleans up pasted input with the built-in and administrators’ rules', async () => {
    const { page } = await openConversation('paste', 'Pat Paste');
    const reply = page.getByLabel('Reply', { exact: true });
    await reply.fill('“Quoted”\u00A0text\u200B [ad]   with   spaces');
    await page.getByRole('button', { name: 'Clean up input' }).click();
    await expect.poll(() => reply.inputValue()).toBe('"Quoted" text with spaces');
  });
});
