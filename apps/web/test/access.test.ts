import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { workspaceBrowser } from './browser.ts';

/**
 * Issue 16 items 3 and 4 in the agent app: an administrator makes an integration token that can only
 * post customer messages, and grants an agent the delete right through a group; the agent's list
 * offers Delete only once he holds it.
 */
describe('API tokens and user groups in the administration', () => {
  let t: TestServer;
  let admin: Caller;
  let agent: Caller;
  let queueId: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    t = await startTestServer({ listen: true });
    queueId = await createQueue(t, 'Support');
    admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin', [queueId]));
    agent = await signIn(t, await createUser(t, 'agent', 'Mark Agent', [queueId]));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an administrator makes an inbound-only token, copies it once, and it can do nothing else', async () => {
    const page = await ui.open(admin, '/');
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await page.getByRole('tab', { name: 'Integrations' }).click();
    await page.getByText('No API tokens yet.').waitFor();
    await page.getByRole('button', { name: 'Add an API token' }).click();
    const form = page.getByRole('form', { name: 'Add an API token' });
    await form.getByRole('button', { name: 'Make token' }).click();
    await form.getByRole('alert').filter({ hasText: 'Name the token' }).waitFor();
    await form.getByLabel('Name').fill('CRM inbound');
    await form.getByRole('button', { name: 'Make token' }).click();
    const token = (await page.getByLabel('New API token').textContent())!;
    expect(token).toMatch(/^sbi_/);
    const table = page.getByRole('table', { name: 'API tokens' });
    await table.getByRole('cell', { name: 'CRM inbound' }).waitFor();
    await table.getByRole('cell', { name: 'inbound:write' }).waitFor();
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.getByLabel('New API token').count()).toBe(0);

    expect((await customerWrites(t, token, { externalId: 'web-access-1', body: 'from the CRM', queueId })).status).toBe(201);
    const refused = await bearer(t, token, 'GET', '/api/v1/conversations');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'insufficient_scope']);

    // Another tab and back: the list is read again, now with the token's last use.
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('tab', { name: 'Integrations' }).click();
    await table.getByRole('cell', { name: 'Never' }).first().waitFor(); // never expires
    expect(await table.getByRole('row').nth(1).getByRole('cell').nth(4).textContent()).not.toBe('Never'); // last used
  });

  it('an administrator grants the delete right by group: the agent’s list offers Delete only then', async () => {
    const adminToken = await tokenFor(t, admin.id);
    const id = (await customerWrites(t, adminToken, { externalId: 'web-access-2', name: 'Dora Delete', body: 'please delete me', queueId })).body.conversationId;
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: agent.id })).status).toBe(200);

    const before = await ui.open(agent, '/');
    await before.getByRole('button', { name: /Dora Delete/ }).waitFor();
    expect(await before.getByRole('checkbox', { name: 'Select Dora Delete' }).count()).toBe(0);

    const page = await ui.open(admin, '/');
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByText('No groups yet.').waitFor();
    await page.getByRole('button', { name: 'Add a group' }).click();
    const form = page.getByRole('form', { name: 'Add a group' });
    await form.getByLabel('Name').fill('Team leads');
    await form.getByRole('checkbox', { name: 'Delete conversations' }).check();
    await form.getByRole('checkbox', { name: 'Mark Agent' }).check();
    await form.getByRole('button', { name: 'Add group' }).click();
    const table = page.getByRole('table', { name: 'User groups' });
    await table.getByRole('cell', { name: 'Team leads' }).waitFor();
    await table.getByRole('cell', { name: 'Mark Agent' }).waitFor();

    const after = await ui.open(agent, '/');
    await after.getByRole('checkbox', { name: 'Select Dora Delete' }).check();
    await after.getByRole('button', { name: 'Actions' }).click();
    await after.getByRole('menuitem', { name: 'Delete' }).click();
    await after.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await after.getByText('1 deleted.').waitFor();
    expect((await admin.api('GET', `/api/v1/conversations/${id}`)).status).toBe(404);
  });
});
