import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { customerWrites, type Caller, type TestServer } from '../../../test/harness.ts';
import { row, startWorkspaceServer, workspaceBrowser } from './browser.ts';

/** Issue 14, seen 8 and build 3: the workspace at 1440, 1024 and 390 px wide. */
describe('every screen size', () => {
  let t: TestServer;
  let admin: Caller;
  let token: string;
  const ui = workspaceBrowser(() => t);
  const WIDE = { width: 1440, height: 900 };
  const MEDIUM = { width: 1024, height: 768 };
  const PHONE = { width: 390, height: 844 };

  beforeAll(async () => {
    ({ t, admin, token } = await startWorkspaceServer());
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A customer's conversation assigned to the signed-in admin, so they may answer it. */
  async function assigned(externalId: string, name: string, body: string): Promise<number> {
    const res = await customerWrites(t, token, { externalId, name, body });
    expect(res.status).toBe(201);
    const id = res.body.conversationId as number;
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: admin.id })).status).toBe(200);
    return id;
  }

  /** The page scrolls sideways when its content is wider than the window. */
  const sideways = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

  async function box(l: Locator) {
    const b = await l.boundingBox();
    if (!b) throw new Error('not on screen');
    return b;
  }

  /** Wholly inside the window: a user sees it without scrolling anything. */
  async function expectInViewport(page: Page, l: Locator) {
    await l.waitFor();
    const b = await box(l);
    const vp = page.viewportSize()!;
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.y).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(vp.width);
    expect(b.y + b.height).toBeLessThanOrEqual(vp.height);
  }

  const send = (page: Page) => page.getByRole('button', { name: 'Send', exact: true });
  const details = (page: Page) => page.getByRole('complementary', { name: 'Contact details' });

  it('at 1440 px the list, the thread and the details stand side by side, and Send is on screen', async () => {
    const id = await assigned('fit-wide', 'Wanda Wide', 'Hello from a wide screen');
    const page = await ui.open(admin, { path: `/conversations/${id}`, viewport: WIDE });
    await page.locator('.msg.in', { hasText: 'Hello from a wide screen' }).waitFor();
    const list = await box(page.getByRole('navigation', { name: 'Conversations' }));
    const thread = await box(page.getByRole('region', { name: 'Conversation with Wanda Wide' }));
    const side = await box(details(page));
    expect(list.x + list.width).toBeLessThanOrEqual(thread.x + 1);
    expect(thread.x + thread.width).toBeLessThanOrEqual(side.x + 1);
    expect(side.x + side.width).toBeLessThanOrEqual(WIDE.width);
    expect(thread.width).toBeGreaterThan(600);
    await expectInViewport(page, send(page));
    expect(await sideways(page)).toBeLessThanOrEqual(0);
  });

  it('at 1440 px opening a conversation far down the list leaves the list where it was scrolled', async () => {
    for (let i = 0; i < 10; i++) await assigned(`fit-deep-${i}`, `Deep Customer ${i}`, `Deep question ${i}`);
    const page = await ui.open(admin, { path: '/?view=mine', viewport: WIDE });
    const scroller = page.getByRole('navigation', { name: 'Conversations' }).locator('.conv-list');
    await row(page, 'Deep Customer 9').waitFor();
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    const scrolled = await scroller.evaluate((el) => el.scrollTop);
    expect(scrolled).toBeGreaterThan(0);
    await row(page, 'Deep Customer 0').click();
    await page.locator('.msg.in', { hasText: 'Deep question 0' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await scroller.evaluate((el) => el.scrollTop)).toBe(scrolled);
  });

  it('at 1024 px the details are a drawer over the thread: the header button opens it, Esc closes it and the conversation stays', async () => {
    const id = await assigned('fit-medium', 'Mona Medium', 'Hello from a laptop');
    const page = await ui.open(admin, { path: `/conversations/${id}`, viewport: MEDIUM });
    await page.locator('.msg.in', { hasText: 'Hello from a laptop' }).waitFor();
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await expectInViewport(page, send(page));
    // Two panels: the thread takes the room the details would have.
    expect(await details(page).count()).toBe(0);
    const thread = page.getByRole('region', { name: 'Conversation with Mona Medium' });
    const before = await box(thread);
    expect(before.x + before.width).toBeGreaterThan(MEDIUM.width - 2);

    const toggle = page.getByRole('button', { name: 'Show contact details' });
    await toggle.click();
    const drawer = details(page);
    await expectInViewport(page, drawer);
    expect(await drawer.textContent()).toContain('Mona Medium');
    // Over the thread, which keeps its width (nothing below jumps).
    const d = await box(drawer);
    expect(d.x).toBeLessThan(before.x + before.width);
    expect((await box(thread)).width).toBe(before.width);
    expect(await sideways(page)).toBeLessThanOrEqual(0);

    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    expect(new URL(page.url()).pathname).toBe(`/conversations/${id}`);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Show contact details');
    // A second Esc is the workspace's own: it closes the conversation.
    await page.keyboard.press('Escape');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
  });

  it('at 390 px an agent opens a conversation from the list, answers it and goes back to the list as it was left', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 14; i++) ids.push(await assigned(`fit-phone-${i}`, `Phone Customer ${String(i).padStart(2, '0')}`, `Question number ${i}`));
    const oldest = 'Phone Customer 00';
    const page = await ui.open(admin, { path: '/?view=mine', viewport: PHONE });
    const list = page.getByRole('navigation', { name: 'Conversations' });
    await row(page, 'Phone Customer 13').waitFor();
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await expectInViewport(page, page.getByRole('button', { name: 'Menu' }));
    // The list alone fills the phone; no thread squeezed beside it.
    expect((await box(list)).width).toBeGreaterThan(PHONE.width - 2);

    // Scroll down to the oldest one and open it.
    const scroller = list.locator('.conv-list');
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await row(page, oldest).click();
    const thread = page.getByRole('region', { name: `Conversation with ${oldest}` });
    await thread.locator('.msg.in', { hasText: 'Question number 0' }).waitFor();
    expect(await list.isVisible()).toBe(false);
    expect((await box(thread)).width).toBeGreaterThan(PHONE.width - 2);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await expectInViewport(page, send(page));
    await expectInViewport(page, page.getByRole('button', { name: 'Back to the list' }));

    const reply = page.getByRole('textbox', { name: 'Reply' });
    await reply.fill('Answered from my phone');
    await send(page).click();
    await thread.locator('.msg.out', { hasText: 'Answered from my phone' }).waitFor();
    expect(await sideways(page)).toBeLessThanOrEqual(0);

    // The details open over the whole phone and close again.
    await page.getByRole('button', { name: 'Show contact details' }).click();
    await expectInViewport(page, details(page));
    await page.getByRole('button', { name: 'Close contact details' }).click();
    await details(page).waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Back to the list' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    expect(new URL(page.url()).searchParams.get('view')).toBe('mine');
    await row(page, oldest).waitFor();
    // Where it was left: the row just opened is still in view, scrolled as before.
    expect(await scroller.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    await expectInViewport(page, row(page, oldest));
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-conversation-id'))).toBe(String(ids[0]));
    expect(await page.getByRole('tab', { name: 'Mine' }).getAttribute('aria-selected')).toBe('true');
    expect(await thread.count()).toBe(0);
  });

  it('at 390 px the header menu reaches every screen, and Admin, Reports, Profile and Tickets fit the phone', async () => {
    const page = await ui.open(admin, { path: '/', viewport: PHONE });
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.click();
    await expectInViewport(page, page.getByRole('button', { name: 'Sign out' }));
    // The keyboard: the menu takes focus, Esc folds it back onto its button.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Tickets');
    await page.keyboard.press('Escape');
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
    expect(await menu.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Tickets' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/tickets');
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);

    const screens: Array<[string, string]> = [
      ['/tickets', 'Tickets'],
      ['/tickets/sessions', 'Tickets'],
      ...['', '/users', '/queues', '/inboxes', '/tags', '/canned', '/rules', '/channels', '/hours', '/widget', '/requests', '/integrations', '/groups', '/tracking'].map(
        (s): [string, string] => [`/admin${s}`, 'Administration'],
      ),
      ['/reports', 'Reports'],
      ['/profile', 'Your profile'],
    ];
    for (const [path, name] of screens) {
      await page.goto(t.url + path);
      await page.locator('.conn-live').waitFor();
      await page.locator(`:is(main, section)[aria-label="${name}"]`).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await sideways(page), path).toBeLessThanOrEqual(0);
      await expectInViewport(page, menu);
    }
  }, 120_000);

  it('at 390 px a dialog fits the phone', async () => {
    const id = await assigned('fit-modal', 'Molly Modal', 'Please pass me on');
    const page = await ui.open(admin, { path: `/conversations/${id}`, viewport: PHONE });
    await page.locator('.msg.in', { hasText: 'Please pass me on' }).waitFor();
    await page.getByRole('button', { name: 'Transfer', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await expectInViewport(page, dialog);
    expect(await sideways(page)).toBeLessThanOrEqual(0);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    await expectInViewport(page, page.getByRole('dialog'));
    expect(await sideways(page)).toBeLessThanOrEqual(0);
  });
});
