import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createUser, customerWrites, signIn, type Caller, type TestServer } from '../../../test/harness.ts';
import { startWorkspaceServer, row, waitForLive, workspaceBrowser } from './browser.ts';

describe('agent workspace', () => {
  let t: TestServer;
  let admin: Caller;
  let token: string;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    ({ t, admin, token } = await startWorkspaceServer());
  });
  afterAll(async () => {
    await t?.close();
  });

  const openWorkspace = (path = '/'): Promise<Page> => ui.open(admin, path);

  async function conversationOf(externalId: string, name: string, body: string): Promise<number> {
    const res = await customerWrites(t, token, { externalId, name, body });
    expect(res.status).toBe(201);
    return res.body.conversationId as number;
  }

  /** A customer's conversation assigned to the signed-in admin, so they may reply. */
  async function assignedConversation(externalId: string, name: string, body: string): Promise<number> {
    const id = await conversationOf(externalId, name, body);
    const res = await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: admin.id });
    expect(res.status).toBe(200);
    return id;
  }

  it('lists a conversation with its unread count, and a new customer message arrives live without reload', async () => {
    await conversationOf('grace', 'Grace Hopper', 'Hello, my invoice is wrong.');
    await conversationOf('grace', 'Grace Hopper', 'It shows two charges.');
    const page = await openWorkspace();

    const grace = row(page, 'Grace Hopper');
    await grace.waitFor();
    expect(await grace.getByLabel('2 unread').textContent()).toBe('2');
    expect(await grace.textContent()).toContain('It shows two charges.');
    expect(await grace.textContent()).toContain('API');

    await conversationOf('grace', 'Grace Hopper', 'Are you there?');
    await grace.getByLabel('3 unread').waitFor();
    expect(await grace.textContent()).toContain('Are you there?');

    // A brand-new conversation shows up too, at the top.
    await conversationOf('alan', 'Alan Turing', 'Hi, quick question.');
    await row(page, 'Alan Turing').getByLabel('1 unread').waitFor();
    expect(await page.locator('[data-conversation-id]').first().textContent()).toContain('Alan Turing');
    await expect.poll(() => page.getByTestId('total-unread').textContent()).toContain('2');
  });

  it('the header counts the unread conversations an administrator in no queue can see, and says so (issue 14, seen 9)', async () => {
    const boss = await signIn(t, await createUser(t, 'admin', 'Bea Boss', []));
    await conversationOf('hdr-kay', 'Kay Header', 'Nobody has answered me');
    const page = await ui.open(boss);
    const figure = page.getByTestId('total-unread');
    await figure.getByLabel(/\d+ unread conversations/).waitFor();
    expect(await figure.textContent()).not.toContain('All caught up');
    expect(await figure.getAttribute('title')).toBe('Unread conversations in every queue, assigned or not');
  });

  it('sends a reply with Enter; Shift+Enter makes a line break; opening the conversation reads it', async () => {
    const id = await assignedConversation('ada', 'Ada Lovelace', 'Can you help me?');
    const page = await openWorkspace();
    await row(page, 'Ada Lovelace').click();
    await page.locator('.msg.in', { hasText: 'Can you help me?' }).waitFor();
    await row(page, 'Ada Lovelace').getByLabel('1 unread').waitFor({ state: 'detached' });

    const composer = page.getByRole('textbox', { name: 'Reply' });
    await composer.click();
    await composer.pressSequentially('Line one');
    await composer.press('Shift+Enter');
    await composer.pressSequentially('Line two');
    expect(await composer.inputValue()).toBe('Line one\nLine two');
    await composer.press('Enter');

    const sent = page.locator('.msg.out .msg-body').last();
    await expect.poll(() => sent.innerText()).toBe('Line one\nLine two');
    expect(await composer.inputValue()).toBe('');
    expect(await page.locator('.msg.out').last().getByRole('img', { name: 'Sent' }).count()).toBe(1);
    const stored = await admin.api('GET', `/api/v1/conversations/${id}/messages`);
    expect(stored.body.items.at(-1).body).toBe('Line one\nLine two');
    expect(stored.body.items.at(-1).internal).toBe(false);
    const state = await admin.api('GET', `/api/v1/conversations/${id}`);
    expect(state.body.unreadCount).toBe(0);
  });

  it('shows an internal note with the "Internal note" label (Ctrl+Enter sends)', async () => {
    const id = await assignedConversation('hedy', 'Hedy Lamarr', 'Is my order shipped?');
    const page = await openWorkspace(`/conversations/${id}`);
    await page.locator('.msg.in', { hasText: 'Is my order shipped?' }).waitFor();

    await page.getByText('Internal note', { exact: true }).click();
    const composer = page.getByRole('textbox', { name: 'Internal note' });
    await composer.fill('Customer called earlier, promised callback');
    expect(await page.locator('.counter').textContent()).toBe('42 / 2000');
    await composer.press('Control+Enter');

    const note = page.locator('.msg.internal', { hasText: 'Customer called earlier, promised callback' });
    await note.waitFor();
    expect(await note.locator('.internal-label').textContent()).toBe('Internal note');
    const stored = await admin.api('GET', `/api/v1/conversations/${id}/messages`);
    expect(stored.body.items.at(-1).internal).toBe(true);
  });

  it('lists a draft holding sensitive data without its text, live and after a reload (issue 14, seen 10)', async () => {
    const id = await conversationOf('dorothy', 'Dorothy Vaughan', 'Can I pay by card?');
    const page = await openWorkspace();
    await row(page, 'Dorothy Vaughan').click();
    const saved = page.waitForResponse((r) => r.url().endsWith(`/conversations/${id}/draft`) && r.request().method() === 'PUT' && r.ok());
    await page.getByRole('textbox', { name: 'Reply' }).fill('Your card 4111 1111 1111 1111 is on file');
    await saved;
    await expect.poll(() => row(page, 'Dorothy Vaughan').textContent()).toContain('Draft: contains sensitive data');
    expect(await row(page, 'Dorothy Vaughan').textContent()).not.toContain('4111');
    await page.reload();
    await waitForLive(page);
    await row(page, 'Dorothy Vaughan').getByText('contains sensitive data').waitFor();
    expect(await row(page, 'Dorothy Vaughan').textContent()).not.toContain('4111');
  });

  it('keeps a draft across a page reload, and lists it as "Draft:"', async () => {
    const id = await conversationOf('katherine', 'Katherine Johnson', 'Please call me back.');
    const page = await openWorkspace();
    await row(page, 'Katherine Johnson').click();
    const composer = page.getByRole('textbox', { name: 'Reply' });
    const saved = page.waitForResponse((r) => r.url().endsWith(`/conversations/${id}/draft`) && r.request().method() === 'PUT' && r.ok());
    await composer.fill('I will call you at 3 pm');
    await saved;
    await expect.poll(() => row(page, 'Katherine Johnson').textContent()).toContain('Draft: I will call you at 3 pm');

    await page.reload();
    await waitForLive(page);
    await expect.poll(() => page.getByRole('textbox', { name: 'Reply' }).inputValue()).toBe('I will call you at 3 pm');
    expect(await row(page, 'Katherine Johnson').textContent()).toContain('Draft: I will call you at 3 pm');

    // Esc closes the conversation detail.
    await page.keyboard.press('Escape');
    await page.getByText('Pick a conversation from the list.').waitFor();
  });

  it('shows user-written markup as plain text', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const id = await conversationOf('mallory', `Mallory ${evil}`, evil);
    const page = await openWorkspace(`/conversations/${id}`);
    const body = page.locator('.msg.in .msg-body').last();
    await body.waitFor();
    expect(await body.textContent()).toBe(evil);
    expect(await page.locator('.thread-title h1').textContent()).toBe(`Mallory ${evil}`);
    expect(await row(page, 'Mallory').textContent()).toContain(evil);
    expect(await page.locator('main img').count()).toBe(0);
  });
});
