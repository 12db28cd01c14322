import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { row, workspaceBrowser } from './browser.ts';

/**
 * The left panel (seed 004 "Advanced filters", seed 002 "Filters and sorting", seed 001's pick list,
 * seed 003's abandoned and callback requests, seed 004 "right-click → Add label").
 */
describe('the conversation list: filters, sorting, chat-request tabs, the pick list and labels', () => {
  let t: TestServer;
  let ada: Caller;
  let martha: Caller;
  let rose: Caller;
  let token: string;
  let support: number;
  let billing: number;
  let urgentLine: number;
  let picking: number;
  const labels: Record<string, number> = {};
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    t = await startTestServer({ listen: true });
    // The browser's "last 7 days" counts from its own clock: let the server's clock agree with it.
    t.clock.set(Date.now());
    [support, billing, urgentLine, picking] = [await createQueue(t, 'Support'), await createQueue(t, 'Billing'), await createQueue(t, 'Urgent line'), await createQueue(t, 'Picking')];
    const db = t.server.services.store.db;
    await db.updateTable('queues').set({ routing_mode: 'pick_list' }).where('id', '=', picking).execute();
    for (const name of ['Refund check', 'VIP follow-up']) {
      labels[name] = (await db.insertInto('labels').values({ name, color: '#0ea5e9', builtin: 0 }).returning('id').executeTakeFirstOrThrow()).id;
    }
    const admin = await createUser(t, 'admin', 'Ada Admin', [support, billing, urgentLine]);
    ada = await signIn(t, admin);
    token = await tokenFor(t, admin.id);
    martha = await signIn(t, await createUser(t, 'agent', 'Martha Jones', [support]));
    rose = await signIn(t, await createUser(t, 'agent', 'Rose Tyler', [picking]));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function writes(externalId: string, name: string, queueId: number, body = 'Hello'): Promise<number> {
    const res = await customerWrites(t, token, { externalId, name, body, queueId });
    expect(res.status).toBe(201);
    return res.body.conversationId as number;
  }
  async function assign(id: number, to: Caller) {
    expect((await ada.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: to.id })).status).toBe(200);
  }
  async function filtersPanel(page: Page) {
    const panel = page.getByRole('group', { name: 'Filters and sorting' });
    if (!(await panel.isVisible())) await page.getByRole('button', { name: /^Filters/ }).click();
    return panel;
  }
  function names(page: Page) {
    return page.locator('[data-conversation-id] .conv-name').allTextContents();
  }

  it('filters by agent and by queue, combined with AND', async () => {
    const grace = await writes('lf-grace', 'Grace Hopper', support);
    const alan = await writes('lf-alan', 'Alan Turing', billing);
    await writes('lf-katherine', 'Katherine Johnson', support);
    await assign(grace, martha);
    await assign(alan, ada);

    const page = await ui.open(ada);
    await row(page, 'Katherine Johnson').waitFor();
    const panel = await filtersPanel(page);
    await panel.getByLabel('Agent').selectOption({ label: 'Martha Jones' });
    await row(page, 'Katherine Johnson').waitFor({ state: 'detached' });
    await row(page, 'Grace Hopper').waitFor();
    expect(await row(page, 'Alan Turing').count()).toBe(0);
    await page.getByRole('button', { name: 'Filters (1)' }).waitFor();

    await panel.getByLabel('Agent').selectOption({ label: 'Any agent' });
    await panel.getByLabel('Queue').selectOption({ label: 'Billing' });
    await row(page, 'Alan Turing').waitFor();
    await row(page, 'Grace Hopper').waitFor({ state: 'detached' });
    expect(await row(page, 'Katherine Johnson').count()).toBe(0);

    // AND: Billing and Martha Jones have nothing in common.
    await panel.getByLabel('Agent').selectOption({ label: 'Martha Jones' });
    await row(page, 'Alan Turing').waitFor({ state: 'detached' });
    await page.getByText('No conversations here.').waitFor();
    await page.getByRole('button', { name: 'Filters (2)' }).waitFor();
  });

  it('filters by workflow label', async () => {
    const marie = await writes('lf-marie', 'Marie Curie', support);
    await writes('lf-pierre', 'Pierre Curie', support);
    expect((await ada.api('PATCH', `/api/v1/conversations/${marie}`, { labelIds: [labels['VIP follow-up']] })).status).toBe(200);
    const page = await ui.open(ada);
    await row(page, 'Pierre Curie').waitFor();
    const panel = await filtersPanel(page);
    await panel.getByLabel('Label').selectOption({ label: 'VIP follow-up' });
    await row(page, 'Pierre Curie').waitFor({ state: 'detached' });
    await row(page, 'Marie Curie').waitFor();
    expect(await names(page)).toEqual(['Marie Curie']);
  });

  it('filters by the date range of last activity: presets and a custom range', async () => {
    const old = await writes('lf-old', 'Old Timer', support);
    await writes('lf-new', 'New Comer', support);
    const tenDaysAgo = t.clock.now() - 10 * 86_400_000;
    // Test setup straight into the store: this conversation last moved ten days ago.
    await t.server.services.store.db.updateTable('conversations').set({ last_activity_at: tenDaysAgo, updated_at: tenDaysAgo }).where('id', '=', old).execute();

    const page = await ui.open(ada);
    await row(page, 'Old Timer').waitFor();
    const panel = await filtersPanel(page);
    await panel.getByLabel('Last activity').selectOption({ label: 'Last 7 days' });
    await row(page, 'Old Timer').waitFor({ state: 'detached' });
    await row(page, 'New Comer').waitFor();
    await panel.getByLabel('Last activity').selectOption({ label: 'Last 30 days' });
    await row(page, 'Old Timer').waitFor();

    // A custom range around the old day only.
    const day = (ms: number) => new Date(ms).toLocaleDateString('en-CA');
    await panel.getByLabel('Last activity').selectOption({ label: 'Custom range' });
    await panel.getByLabel('From').fill(day(tenDaysAgo - 86_400_000));
    await panel.getByLabel('To').fill(day(tenDaysAgo + 86_400_000));
    await row(page, 'New Comer').waitFor({ state: 'detached' });
    await row(page, 'Old Timer').waitFor();
  });

  it('sorts by processing order: the most urgent reply-due conversation comes first', async () => {
    const now = t.clock.now();
    const relaxed = await writes('lf-relaxed', 'Relaxed Rita', urgentLine);
    const urgent = await writes('lf-urgent', 'Urgent Ursula', urgentLine);
    const answered = await writes('lf-answered', 'Answered Andy', urgentLine);
    const db = t.server.services.store.db;
    // Test setup: Ursula's reply is due first although her last activity is the oldest.
    await db.updateTable('conversations').set({ reply_due_at: now + 30 * 60_000, last_activity_at: now - 60_000 }).where('id', '=', relaxed).execute();
    await db.updateTable('conversations').set({ reply_due_at: now + 5 * 60_000, last_activity_at: now - 120_000 }).where('id', '=', urgent).execute();
    await db.updateTable('conversations').set({ reply_due_at: null, last_activity_at: now }).where('id', '=', answered).execute();

    const page = await ui.open(ada);
    const panel = await filtersPanel(page);
    await panel.getByLabel('Queue').selectOption({ label: 'Urgent line' });
    await expect.poll(() => names(page)).toEqual(['Answered Andy', 'Relaxed Rita', 'Urgent Ursula']);
    await panel.getByLabel('Sort by').selectOption({ label: 'Processing order' });
    await expect.poll(() => names(page)).toEqual(['Urgent Ursula', 'Relaxed Rita', 'Answered Andy']);
  });

  it('shows abandoned and callback chat requests in their own tabs', async () => {
    const left = await writes('lf-left', 'Leaving Lewis', support);
    const calling = await writes('lf-calling', 'Calling Clara', support);
    const contactOf = async (id: number) => (await ada.api('GET', `/api/v1/conversations/${id}`)).body.contact.id;
    expect((await ada.api('POST', `/api/v1/inbound/conversations/${left}/leave`, { contactId: await contactOf(left) })).status).toBe(200);
    expect((await ada.api('POST', `/api/v1/inbound/conversations/${calling}/request-callback`, { contactId: await contactOf(calling) })).status).toBe(200);

    const page = await ui.open(martha);
    await page.getByRole('tab', { name: 'Abandoned' }).click();
    await row(page, 'Leaving Lewis').waitFor();
    expect(await row(page, 'Calling Clara').count()).toBe(0);
    await page.getByRole('tab', { name: 'Callbacks' }).click();
    await row(page, 'Calling Clara').waitFor();
    expect(await row(page, 'Leaving Lewis').count()).toBe(0);
    await row(page, 'Calling Clara').locator('.status-pill', { hasText: 'Callback' }).waitFor();
    // Martha serves no pick-list queue: no such tab for her.
    expect(await page.getByRole('tab', { name: 'Pick list' }).count()).toBe(0);
  });

  it('lets an agent pick a waiting conversation from the pick list tab', async () => {
    const id = await writes('lf-pickme', 'Pickable Pat', picking);
    const page = await ui.open(rose);
    await page.getByRole('tab', { name: 'Pick list' }).click();
    await row(page, 'Pickable Pat').waitFor();
    await page.getByRole('button', { name: 'Pick Pickable Pat' }).click();
    await page.getByRole('tab', { name: 'Mine', selected: true }).waitFor();
    await page.locator('.thread-sub', { hasText: 'Assigned to Rose Tyler' }).waitFor();
    expect((await rose.api('GET', `/api/v1/conversations/${id}`)).body.assigneeId).toBe(rose.id);
    await page.getByRole('tab', { name: 'Pick list' }).click();
    await page.getByText('Nothing is waiting to be picked.').waitFor();
  });

  it('adds a label from the row’s context menu, by right-click and from the keyboard, keeping the others', async () => {
    const id = await writes('lf-labelme', 'Label Lena', support);
    expect((await ada.api('PATCH', `/api/v1/conversations/${id}`, { labelIds: [labels['VIP follow-up']] })).status).toBe(200);
    const other = await writes('lf-keyboard', 'Keyboard Kim', support);

    const page = await ui.open(ada);
    await row(page, 'Label Lena').click({ button: 'right' });
    await page.getByRole('menu', { name: 'Actions for Label Lena' }).getByRole('menuitem', { name: 'Add label' }).click();
    await page.getByRole('menu', { name: 'Labels' }).getByRole('menuitem', { name: 'Refund check' }).click();
    await row(page, 'Label Lena').locator('.mini-label', { hasText: 'Refund check' }).waitFor();
    await row(page, 'Label Lena').locator('.mini-label', { hasText: 'VIP follow-up' }).waitFor();
    const names = (await ada.api('GET', `/api/v1/conversations/${id}`)).body.labels.map((l: { name: string }) => l.name).sort();
    expect(names).toEqual(['Refund check', 'VIP follow-up']);

    // From the keyboard: Shift+F10 on the focused row, → into the labels, ↓ to the one wanted, Enter.
    await row(page, 'Keyboard Kim').focus();
    await page.keyboard.press('Shift+F10');
    await page.getByRole('menu', { name: 'Actions for Keyboard Kim' }).waitFor();
    await page.keyboard.press('ArrowRight');
    const submenu = page.getByRole('menu', { name: 'Labels' });
    await submenu.getByRole('menuitem', { name: 'Refund check' }).waitFor();
    for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement?.textContent ?? '')) !== 'Refund check'; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await row(page, 'Keyboard Kim').locator('.mini-label', { hasText: 'Refund check' }).waitFor();
    await submenu.waitFor({ state: 'detached' });
    // Focus went back to the row.
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.conversationId)).toBe(String(other));
  });
});
