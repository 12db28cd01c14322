import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, customerWrites, signIn, type Caller, type TestServer } from '../../../test/harness.ts';
import { row, startWorkspaceServer, workspaceBrowser } from './browser.ts';

/** Issue 14, build 1: a conversation, a tab, a filter and an admin screen each have an address that survives a reload. */
describe('the app’s addresses', () => {
  let t: TestServer;
  let admin: Caller;
  let agent: Caller;
  let token: string;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    const cast = await startWorkspaceServer();
    ({ t, admin, token } = cast);
    agent = await signIn(t, await createUser(t, 'agent', 'Martha Jones', [cast.queueId]));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the tab, the search and the open conversation in the address, through a reload and Back', async () => {
    const a = (await customerWrites(t, token, { externalId: 'grace', name: 'Grace Hopper', body: 'Compiler question' })).body.conversationId as number;
    await customerWrites(t, token, { externalId: 'alan', name: 'Alan Turing', body: 'Machine question' });
    const page = await ui.open(admin, '/');
    await page.getByRole('tab', { name: 'Queued' }).click();
    await page.waitForURL((u) => u.searchParams.get('view') === 'queued');
    await page.getByRole('searchbox').fill('Grace');
    await page.waitForURL((u) => u.searchParams.get('q') === 'Grace');
    await row(page, 'Grace Hopper').click();
    await page.waitForURL((u) => u.pathname === `/conversations/${a}`);
    expect(new URL(page.url()).searchParams.get('view')).toBe('queued');

    await page.reload();
    await page.locator('.thread-title h1', { hasText: 'Grace Hopper' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Queued' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.getByRole('searchbox').inputValue()).toBe('Grace');
    expect(await row(page, 'Alan Turing').count()).toBe(0);

    // Back returns to the list as it was before the conversation opened.
    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/');
    await page.locator('.thread.empty').waitFor();
  });

  it('gives every admin section an address, and a shared link to one opens it', async () => {
    const page = await ui.open(admin, '/admin/queues');
    expect(await page.getByRole('tab', { name: 'Queues', exact: true }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('tab', { name: 'Canned messages' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/canned');
    await page.reload();
    expect(await page.getByRole('tab', { name: 'Canned messages' }).getAttribute('aria-selected')).toBe('true');
    // Back to conversations goes where the list was left.
    await page.getByRole('button', { name: 'Back to conversations' }).click();
    await page.waitForURL((u) => u.pathname === '/');
  });

  it('shows an agent the conversations at an admin address, with no Admin or Reports button', async () => {
    const page = await ui.open(agent, '/admin/users');
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    expect(await page.getByRole('region', { name: 'Administration' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Admin|Agents|Reports)$/ }).count()).toBe(0);
  });
});
