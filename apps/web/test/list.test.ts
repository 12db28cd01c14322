import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../test/harness.ts';
import { row, workspaceBrowser } from './browser.ts';

const N = 5000;
const name = (i: number) => `Customer ${String(i).padStart(4, '0')}`;

describe('the conversation list at scale', () => {
  let t: TestServer;
  let admin: Caller;
  const ui = workspaceBrowser(() => t);
  const contactIds: number[] = [];

  beforeAll(async () => {
    t = await startTestServer({ listen: true });
    const queueId = await createQueue(t, 'Support');
    admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin', [queueId]));
    // Test setup straight into the store: 5,000 waiting conversations, newest last.
    const db = t.server.services.store.db;
    const now = t.clock.now();
    for (let from = 0; from < N; from += 500) {
      const batch = Array.from({ length: Math.min(500, N - from) }, (_, k) => from + k);
      const contacts = await db
        .insertInto('contacts')
        .values(batch.map((i) => ({ name: name(i), email: null, phone: null, attributes: '{}', source: '{}', blocked: 0, created_at: now, updated_at: now })))
        .returning('id')
        .execute();
      contactIds.push(...contacts.map((c) => c.id));
      await db
        .insertInto('conversations')
        .values(
          batch.map((i, k) => ({
            contact_id: contacts[k]!.id,
            channel: 'web',
            subject: `Question ${i}`,
            queue_id: queueId,
            assignee_id: null,
            status: 'queued',
            priority: 'normal',
            previous_conversation_id: null,
            created_at: now - N + i,
            updated_at: now - N + i,
            first_response_at: null,
            last_customer_message_at: null,
            last_agent_message_at: null,
            resolved_at: null,
            resolution_note: null,
            last_message_id: null,
            last_activity_at: now - N + i,
            reply_due_at: null,
            queued_at: now - N + i,
          })),
        )
        .execute();
    }
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const openWorkspace = (): Promise<Page> => ui.open(admin);

  it('holds 5,000 conversations while rendering only a window of rows', async () => {
    const page = await openWorkspace();
    await row(page, name(N - 1)).waitFor();
    const list = page.locator('ul.conv-list');
    // Scroll to the end again and again: pages load as the end comes near.
    await expect
      .poll(
        async () => {
          await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
          return row(page, name(0)).count();
        },
        { timeout: 60_000, interval: 300 },
      )
      .toBe(1);
    const rendered = await page.locator('[data-conversation-id]').count();
    expect(rendered).toBeLessThan(60);
    const height = await list.evaluate((el) => el.scrollHeight);
    expect(height).toBeGreaterThanOrEqual(N * 100);

    // Jump to the middle: the rows there render at once, and a frame stays short.
    const ms = await list.evaluate(async (el) => {
      const t0 = performance.now();
      el.scrollTo(0, 2500 * 100);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t0;
    });
    await row(page, name(N - 1 - 2500)).waitFor();
    expect(ms).toBeLessThan(500);
    expect(await page.locator('[data-conversation-id]').count()).toBeLessThan(60);
  });

  it('selects several conversations with their checkboxes and deletes them (admins)', async () => {
    const page = await openWorkspace();
    await row(page, name(N - 1)).hover();
    await page.getByRole('checkbox', { name: `Select ${name(N - 1)}` }).check();
    await page.getByRole('checkbox', { name: `Select ${name(N - 2)}` }).check();
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete 2 conversations?' });
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await row(page, name(N - 1)).waitFor({ state: 'detached' });
    await row(page, name(N - 2)).waitFor({ state: 'detached' });
    await page.getByRole('searchbox', { name: 'Search conversations' }).waitFor();
    expect((await admin.api('GET', `/api/v1/conversations?q=${encodeURIComponent(name(N - 1))}`)).body.items).toEqual([]);
  });

  it('filters by customer tags listed by how many conversations carry them, with search, No tags and Pinned', async () => {
    const vip = (await admin.api('POST', '/api/v1/tags', { kind: 'customer', name: 'VIP' })).body.id;
    const churn = (await admin.api('POST', '/api/v1/tags', { kind: 'customer', name: 'Churn risk' })).body.id;
    for (const i of [10, 11, 12]) expect((await admin.api('PUT', `/api/v1/contacts/${contactIds[i]}/tags`, { tagId: vip, pinned: i === 10 })).status).toBe(200);
    await admin.api('PUT', `/api/v1/contacts/${contactIds[13]}/tags`, { tagId: churn, pinned: true });
    await admin.api('PUT', `/api/v1/contacts/${contactIds[14]}/tags`, { tagId: churn, pinned: true });

    const page = await openWorkspace();
    await page.getByRole('button', { name: 'Customer tags' }).click();
    const filter = page.getByRole('group', { name: 'Filter by customer tags' });
    await filter.getByText('VIP').waitFor();
    expect(await filter.locator('li .tag-name').allTextContents()).toEqual(['No tags', 'VIP', 'Churn risk']);
    expect(await filter.locator('li .count').allTextContents()).toEqual([String(N - 2 - 5), '3', '2']);

    await filter.getByLabel('Pinned only').check();
    await expect.poll(() => filter.locator('li .tag-name').allTextContents()).toEqual(['No tags', 'Churn risk', 'VIP']);
    expect(await filter.locator('li .count').allTextContents()).toEqual([String(N - 2 - 3), '2', '1']);
    await filter.getByLabel('Pinned only').uncheck();

    await filter.getByLabel('Search customer tags').fill('vi');
    await expect.poll(() => filter.locator('li .tag-name').allTextContents()).toEqual(['No tags', 'VIP']);
    await filter.getByRole('checkbox', { name: /VIP/ }).check();
    await expect.poll(() => page.locator('[data-conversation-id]').count()).toBe(3);
    await row(page, name(12)).waitFor();
    await page.getByRole('button', { name: 'Customer tags (1)' }).waitFor();
  });

  it('a search after scrolling deep shows its results at once, with a spinner while it runs and the old rows kept (issue 14, seen 7)', async () => {
    const page = await openWorkspace();
    const list = page.locator('ul.conv-list');
    await row(page, name(N - 3)).waitFor();
    // Scroll through a few thousand rows (pages load as the end comes near).
    await expect
      .poll(
        async () => {
          await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
          return list.evaluate((el) => el.scrollHeight);
        },
        { timeout: 60_000, interval: 300 },
      )
      .toBeGreaterThanOrEqual(3000 * 100);
    await list.evaluate((el) => el.scrollTo(0, 2800 * 100));
    await row(page, name(N - 1 - 2800)).waitFor();

    // The search is held at the network, so what shows while it runs can be seen.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/api\/v1\/conversations\?.*q=/, async (route) => {
      await held;
      await route.continue();
    });
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill(name(42));
    const busy = page.getByRole('status', { name: 'Searching…' });
    await busy.waitFor();
    expect(await page.locator('[data-conversation-id]').count()).toBeGreaterThan(0);
    release();
    // The answer shows at once, not a blank panel until the next scroll.
    await row(page, name(42)).waitFor({ timeout: 2_000 });
    await busy.waitFor({ state: 'detached' });
    expect(await list.evaluate((el) => el.scrollTop)).toBe(0);
  });
});
