import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';
import type { Caller, TestServer } from '../../../test/harness.ts';
import { questionAssigned, startWorkspaceServer, workspaceBrowser, type WorkspaceCast } from './browser.ts';

/**
 * Issue 14, Build 5: axe-core over the main screens, in light and dark, with no serious or critical
 * violation. axe runs inside the page, as a browser extension would.
 */
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Rules of structure (moderate in axe) every screen must pass as well: one main landmark, an h1, all content in landmarks. */
const STRUCTURE = ['landmark-one-main', 'page-has-heading-one', 'region'];

/** The serious and critical violations on the page as it is now (and those of `also`), one line each: rule, where, why. */
async function violations(page: Page, also: string[] = []): Promise<string[]> {
  // Evaluated through the debugging protocol: the page's CSP (rightly) runs no inline script.
  await page.evaluate(AXE);
  const results = await page.evaluate(async () => (window as unknown as { axe: { run: (ctx: Document) => Promise<AxeResults> } }).axe.run(document));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical' || also.includes(v.id))
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`));
}

describe('accessibility of the main screens (axe-core)', () => {
  let cast: WorkspaceCast;
  let t: TestServer;
  let admin: Caller;
  let id = 0;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    cast = await startWorkspaceServer();
    ({ t, admin } = cast);
    id = await questionAssigned(cast, admin, 'web', 'axe-1', 'Grace Hopper');
    await questionAssigned(cast, admin, 'whatsapp', 'axe-2', 'Alan Turing');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('the sign-in page', async () => {
    const page = await ui.open(null);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await violations(page, STRUCTURE)).toEqual([]);
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`the workspace with a conversation open, in ${colorScheme}`, async () => {
      const page = await ui.open(admin, { path: `/conversations/${id}`, colorScheme });
      await page.locator('.msg-body', { hasText: 'Here is my question' }).waitFor();
      expect(await violations(page, STRUCTURE)).toEqual([]);
    });
  }

  it('every admin screen', async () => {
    const page = await ui.open(admin, '/admin');
    const tabs = page.getByRole('tab');
    await tabs.first().waitFor();
    const found: string[] = [];
    for (const name of await tabs.allInnerTexts()) {
      await page.getByRole('tab', { name, exact: true }).click();
      await page.waitForLoadState('networkidle');
      found.push(...(await violations(page, STRUCTURE)).map((v) => `${name}: ${v}`));
    }
    expect(found).toEqual([]);
  });

  it('the reports screen', async () => {
    const page = await ui.open(admin);
    await page.getByRole('button', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: /Reports/ }).first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(await violations(page, STRUCTURE)).toEqual([]);
  });
});
