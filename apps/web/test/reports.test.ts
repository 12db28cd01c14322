import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { row, workspaceBrowser } from './browser.ts';

describe('Reports (issue 15): the overview, a drill-down, the CSV and the live view', () => {
  let t: TestServer;
  let token: string;
  let sue: Caller;
  let support: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    t = await startTestServer({ listen: true });
    t.clock.set(Date.now()); // the screen asks for ranges on the browser's clock
    support = await createQueue(t, 'Support');
    const billing = await createQueue(t, 'Billing');
    const admin = await createUser(t, 'admin', 'Ada Admin');
    token = await tokenFor(t, admin.id);
    sue = await signIn(t, await createUser(t, 'supervisor', 'Sue Storm', [support]));
    await customerWrites(t, token, { externalId: 'amy', name: 'Amy Pond', body: 'Where is my parcel?', queueId: support });
    await customerWrites(t, token, { externalId: 'rory', name: 'Rory Williams', body: 'Refund please', queueId: support });
    await customerWrites(t, token, { externalId: 'clara', name: 'Clara Oswald', body: 'Pricing?', queueId: billing });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows the supervisor’s figures, drills from a table cell into the conversations behind it', async () => {
    const page = await ui.open(sue);
    await page.getByRole('button', { name: 'Reports' }).click();
    await page.waitForURL(/\/reports$/);
    const created = page.getByTestId('figure-created');
    await expect.poll(() => created.textContent()).toBe('2'); // Billing is not Sue's
    await page.locator('[data-measure="created"] .report-change').getByText('previous 0').waitFor();
    await page.getByRole('img', { name: 'Conversations per period' }).locator('canvas').waitFor();

    const table = page.getByRole('table', { name: 'Queue', exact: true });
    await table.getByRole('rowheader', { name: 'Support' }).waitFor();
    expect(await table.getByRole('rowheader', { name: 'Billing' }).count()).toBe(0);
    await table.getByRole('button', { name: /^Support: Conversations 2/ }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/reports'));
    await row(page, 'Amy Pond').waitFor();
    await row(page, 'Rory Williams').waitFor();
    expect(await row(page, 'Clara Oswald').count()).toBe(0);
  });

  it('exports the table as CSV', async () => {
    const page = await ui.open(sue, '/reports');
    await page.getByRole('table', { name: 'Queue', exact: true }).getByRole('rowheader', { name: 'Support' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export table (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe('by-queue.csv');
    const text = fs.readFileSync((await download.path())!, 'utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^queue,created,resolved,/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^Support,2,0,/)]);
  });

  it('moves the live view when a customer arrives, without reloading', async () => {
    const page = await ui.open(sue, '/reports');
    const waiting = page.locator('[data-queue="Support"] [data-testid="live-waiting"]');
    await expect.poll(() => waiting.textContent()).toBe('2');
    await customerWrites(t, token, { externalId: 'donna', name: 'Donna Noble', body: 'Hello?', queueId: support });
    await expect.poll(() => waiting.textContent()).toBe('3');
    await expect.poll(() => page.getByTestId('live-today').textContent()).toMatch(/Today so far: 3 conversations/);
  });

  it('reads in dark mode too', async () => {
    const page = await ui.open(sue, { path: '/reports', colorScheme: 'dark' });
    await page.getByTestId('figure-created').waitFor();
    const bg = await page.locator('.report-card').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toBe('rgb(18, 21, 28)'); // --panel in dark
  });
});
