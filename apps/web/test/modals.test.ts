import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileChooser, Locator, Page } from 'playwright-core';
import { createUser, signIn, type Caller, type TestServer } from '../../../test/harness.ts';
import { newVisitor } from '../../server/test/widgetHelpers.ts';
import { questionAssigned, startWorkspaceServer, workspaceBrowser, type WorkspaceCast } from './browser.ts';

/**
 * Issue 14, seen 6: every modal, driven by the keyboard only. Opened from a focused control with
 * Enter (or its own key), it holds the focus while Tab and Shift+Tab go round more than once, Esc
 * closes it even with the focus gone from it, the focus is back on what opened it, and no backdrop
 * is left over the page.
 */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('modals, by keyboard', () => {
  let cast: WorkspaceCast;
  let t: TestServer;
  let admin: Caller;
  let rose: Caller;
  const ui = workspaceBrowser(() => t);
  let n = 0;

  beforeAll(async () => {
    cast = await startWorkspaceServer();
    ({ t, admin } = cast);
    await createUser(t, 'agent', 'Martha Jones', [cast.queueId]);
    rose = await signIn(t, await createUser(t, 'agent', 'Rose Tyler', [cast.queueId]));
    await rose.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A conversation of a new customer assigned to Ada, open in her workspace. */
  async function conversationPage(): Promise<Page> {
    n += 1;
    const id = await questionAssigned(cast, admin, 'web', `modal-${n}`, `Customer ${n}`);
    const page = await ui.open(admin, `/conversations/${id}`);
    await page.locator('.msg-body', { hasText: 'Here is my question' }).waitFor();
    return page;
  }

  const focusInside = (dialog: Locator) => dialog.evaluate((d) => d.contains(document.activeElement));

  /**
   * The keyboard contract of the dialog named `name`, which `open` opens from the focused `opener`
   * (focused first when `focus` is left true).
   */
  async function holdsTheKeyboard(page: Page, name: string, opener: Locator, open: () => Promise<void> = () => page.keyboard.press('Enter'), focus = true) {
    if (focus) await opener.focus();
    await open();
    const dialog = page.getByRole('dialog', { name });
    await dialog.waitFor();
    expect(await focusInside(dialog), `${name}: focus moves in`).toBe(true);

    const stops = await dialog.evaluate((d) => d.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex="0"]').length);
    const seen = new Set<string>();
    for (let i = 0; i < stops + 2; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInside(dialog), `${name}: Tab ${i + 1} stays inside`).toBe(true);
      seen.add(await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80) ?? ''));
    }
    for (let i = 0; i < stops + 2; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await focusInside(dialog), `${name}: Shift+Tab ${i + 1} stays inside`).toBe(true);
    }
    expect(seen.size, `${name}: Tab visits more than one control`).toBeGreaterThan(Math.min(1, stops - 1));

    // Focus gone from the dialog (a control that vanished, a script): Esc still closes it.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.locator('.backdrop').count(), `${name}: no backdrop left`).toBe(0);
    await expect.poll(() => opener.evaluate((el) => el === document.activeElement), { message: `${name}: focus back on the opener` }).toBe(true);
  }

  const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Conversation actions' });

  it('transfer, assign or discuss, reassign and resolve', async () => {
    const page = await conversationPage();
    await holdsTheKeyboard(page, 'Transfer conversation', toolbar(page).getByRole('button', { name: 'Transfer', exact: true }));
    await holdsTheKeyboard(page, 'Assign or discuss', toolbar(page).getByRole('button', { name: 'Assign/Discuss' }));
    await holdsTheKeyboard(page, 'Reassign conversation', toolbar(page).getByRole('button', { name: 'Reassign', exact: true }));
    await holdsTheKeyboard(page, 'Resolve conversation', toolbar(page).getByRole('button', { name: 'Resolve', exact: true }));
  });

  it('unpin the customer, the keyboard shortcuts and the queue chooser', async () => {
    const page = await conversationPage();
    const details = page.getByRole('complementary', { name: 'Contact details' });
    await holdsTheKeyboard(page, 'Unpin this customer?', details.getByRole('button', { name: 'Unpin customer' }));
    await holdsTheKeyboard(page, 'Keyboard shortcuts', page.locator('.history'), () => page.keyboard.press('?'));
    await holdsTheKeyboard(page, 'Choose your queues', page.getByRole('banner').getByRole('button', { name: /^Queues/ }));
  });

  it('making a quick reply from a sent message, and sending an attachment', async () => {
    const page = await conversationPage();
    // Playwright starts intercepting file choosers when the first listener is added and does not
    // wait for the browser to agree: a listener added just before the key missed the chooser now
    // and then in CI (it opened natively, unseen). Listening from the start leaves it time.
    const choosers: FileChooser[] = [];
    page.on('filechooser', (c) => choosers.push(c));
    const reply = page.getByRole('textbox', { name: 'Reply', exact: true });
    await reply.fill('Your parcel left this morning.');
    await reply.press('Enter');
    const sent = page.getByRole('article').filter({ has: page.locator('.msg-body', { hasText: 'Your parcel left' }) });
    await sent.waitFor();
    await holdsTheKeyboard(page, 'Make a quick reply', sent.getByRole('button', { name: 'Make a quick reply' }));

    // Enter on the attach button opens the system's file chooser, where the file is picked.
    await holdsTheKeyboard(page, 'Send attachment', page.getByRole('button', { name: 'Attach file' }), async () => {
      await page.keyboard.press('Enter');
      await expect.poll(() => choosers.length, { message: 'Enter on Attach file opens the file chooser' }).toBe(1);
      await choosers[0]!.setFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
    });
  });

  it('deleting conversations from the list', async () => {
    const page = await conversationPage();
    const name = `Customer ${n}`;
    const select = page.getByRole('checkbox', { name: `Select ${name}` });
    await select.focus();
    await page.keyboard.press('Space');
    await page.getByText('1 selected').waitFor();
    const actions = page.getByRole('button', { name: 'Actions' });
    await actions.focus();
    await page.keyboard.press('Enter');
    const del = page.getByRole('menuitem', { name: 'Delete' });
    await del.focus();
    await holdsTheKeyboard(page, 'Delete this conversation?', actions, () => page.keyboard.press('Enter'), false);
  });

  it('the administrator dialogs: deactivating a user and deleting a tag', async () => {
    await admin.api('POST', '/api/v1/tags', { kind: 'conversation', name: 'Billing issue' });
    const page = await ui.open(admin, '/admin');
    const usersTab = page.getByRole('tab', { name: 'Users and roles' });
    await usersTab.focus();
    await page.keyboard.press('Enter');
    const edit = page.getByRole('table', { name: 'Users' }).getByRole('button', { name: 'Edit Martha Jones' });
    await edit.focus();
    await page.keyboard.press('Enter');
    await holdsTheKeyboard(page, 'Deactivate Martha Jones?', page.getByRole('form', { name: 'Edit Martha Jones' }).getByRole('button', { name: 'Deactivate user' }));

    const tagsTab = page.getByRole('tab', { name: 'Tags and labels' });
    await tagsTab.focus();
    await page.keyboard.press('Enter');
    await holdsTheKeyboard(page, 'Delete Billing issue?', page.getByRole('list', { name: 'Conversation tags' }).getByRole('button', { name: 'Delete conversation tag Billing issue' }));
  });

  it('the discuss dialogs: withdrawing, rejecting and ending a discussion', async () => {
    n += 1;
    const id = await questionAssigned(cast, admin, 'web', `modal-${n}`, `Customer ${n}`);
    const asked = await admin.api('POST', `/api/v1/conversations/${id}/discuss-requests`, { recipientId: rose.id, recipientType: 'user' });
    expect(asked.status).toBe(201);
    const page = await ui.open(admin, `/conversations/${id}`);
    const roses = await ui.open(rose);
    const outgoing = page.getByRole('region', { name: 'Your discuss request to Rose Tyler' });
    await holdsTheKeyboard(page, 'Withdraw the discuss request', outgoing.getByRole('button', { name: 'Withdraw' }));
    const incoming = roses.getByRole('alert', { name: /requested to discuss with you/ });
    await holdsTheKeyboard(roses, 'Reject the discuss request', incoming.getByRole('button', { name: 'Reject' }));

    expect((await rose.api('POST', `/api/v1/discuss-requests/${asked.body.id}/accept`, {})).status).toBe(200);
    const panel = page.getByRole('region', { name: 'Discussion with Rose Tyler' });
    await holdsTheKeyboard(page, 'End discussion', panel.getByRole('button', { name: 'End Discussion' }));
  });

  it('the chat request dialogs: completing a callback, ending a chat with a new ticket', async () => {
    expect((await admin.api('PUT', '/api/v1/settings/widget', { queueId: cast.queueId })).status).toBe(200);
    const v = await newVisitor(t, { name: 'Fox Mulder' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'My order is missing' })).body;
    expect((await v.api('POST', `/api/v1/widget/conversations/${chat.id}/callback`, { phone: '+1 555 0199', preferredTime: 'after 6pm' })).status).toBe(200);
    const page = await ui.open(admin, `/conversations/${chat.id}`);
    await holdsTheKeyboard(page, 'Complete callback request', page.getByRole('button', { name: 'Complete', exact: true }));

    const w = await newVisitor(t, { name: 'Dana Scully' });
    const portal = (await w.api('POST', '/api/v1/widget/conversations', { message: 'Problem with my launch', origin: 'portal' })).body;
    expect((await admin.api('POST', `/api/v1/conversations/${portal.id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    expect((await admin.api('POST', `/api/v1/conversations/${portal.id}/messages`, { body: 'I will open a ticket for you' })).status).toBe(201);
    const thread = await ui.open(admin, `/conversations/${portal.id}`);
    await thread.locator('.msg-body', { hasText: 'I will open a ticket for you' }).waitFor();
    const end = thread.getByRole('button', { name: 'End chat' });
    await end.focus();
    await thread.keyboard.press('Enter');
    await thread.getByRole('menu', { name: 'End chat' }).getByRole('menuitem', { name: 'End with a new ticket' }).focus();
    await holdsTheKeyboard(thread, 'End chat with a new ticket', end, () => thread.keyboard.press('Enter'), false);
  });
});
