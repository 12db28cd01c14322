import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, customerWrites, signIn, type Caller, type TestServer } from '../../../test/harness.ts';
import { startWorkspaceServer, workspaceBrowser } from './browser.ts';

describe('administration: users, roles, tags and labels', () => {
  let t: TestServer;
  let admin: Caller;
  let supervisor: Caller;
  let token: string;
  let support: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    ({ t, admin, token, queueId: support } = await startWorkspaceServer());
    supervisor = await signIn(t, await createUser(t, 'supervisor', 'Sam Supervisor', [support]));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('changes a user’s role and queues; the last admin cannot step down', async () => {
    const u = await createUser(t, 'agent', 'Martha Jones', [support]);
    await admin.api('POST', '/api/v1/queues', { name: 'Billing' });
    const page = await ui.open(admin, '/admin');
    await page.getByRole('tab', { name: 'Users and roles' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('button', { name: 'Edit Martha Jones' }).click();
    const form = page.getByRole('form', { name: 'Edit Martha Jones' });
    await form.getByLabel('Role').selectOption('supervisor');
    await form.getByRole('checkbox', { name: 'Billing' }).check();
    await form.getByRole('button', { name: 'Save user' }).click();
    await page.getByText('Martha Jones saved.').waitFor();
    const martha = users.getByRole('row', { name: /Martha Jones/ });
    await martha.getByRole('cell', { name: 'Supervisor', exact: true }).waitFor();
    await martha.getByRole('cell', { name: 'Support, Billing' }).waitFor();
    expect((await admin.api('GET', '/api/v1/users')).body.items.find((x: { id: number }) => x.id === u.id)).toMatchObject({ role: 'supervisor' });

    // The only administrator trying to become an agent is told why not, and stays admin.
    await users.getByRole('button', { name: 'Edit Ada Admin' }).click();
    const self = page.getByRole('form', { name: 'Edit Ada Admin' });
    await self.getByLabel('Role').selectOption('agent');
    await self.getByRole('button', { name: 'Save user' }).click();
    await page.getByText(/at least one active administrator/).waitFor();
    expect((await admin.api('GET', '/api/v1/me')).body.user.role).toBe('admin');
  });

  it('deactivates a user after confirming: their open workspace is signed out', async () => {
    const u = await createUser(t, 'agent', 'Rory Williams', [support]);
    const rory = await ui.open(await signIn(t, u));
    const page = await ui.open(admin, '/admin');
    await page.getByRole('tab', { name: 'Users and roles' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('button', { name: 'Edit Rory Williams' }).click();
    await page.getByRole('form', { name: 'Edit Rory Williams' }).getByRole('button', { name: 'Deactivate user' }).click();
    await page.getByRole('dialog', { name: 'Deactivate Rory Williams?' }).getByRole('button', { name: 'Deactivate' }).click();
    await users.getByRole('row', { name: /Rory Williams/ }).getByRole('cell', { name: 'Deactivated' }).waitFor();
    await rory.getByText('Your session ended. Please sign in again.').waitFor();
  });

  it('shows supervisors the users list without any way to change it', async () => {
    const page = await ui.open(supervisor);
    await page.getByRole('button', { name: 'Agents' }).click();
    await page.getByRole('tab', { name: 'Users and roles' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('row', { name: /Ada Admin/ }).waitFor();
    expect(await users.getByRole('button').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add user' }).count()).toBe(0);
  });

  it('renames and deletes a conversation tag; an open conversation follows live', async () => {
    const tag = (await admin.api('POST', '/api/v1/tags', { kind: 'conversation', name: 'Billing issue' })).body;
    const id = (await customerWrites(t, token, { externalId: 'amy', name: 'Amy Pond', body: 'My invoice is wrong', queueId: support })).body.conversationId;
    expect((await admin.api('PATCH', `/api/v1/conversations/${id}`, { tagIds: [tag.id] })).status).toBe(200);
    const watching = await ui.open(supervisor, `/conversations/${id}`);
    const details = watching.getByRole('complementary', { name: 'Contact details' });
    await details.getByText('Billing issue').waitFor();

    const page = await ui.open(admin, '/admin');
    await page.getByRole('tab', { name: 'Tags and labels' }).click();
    const tags = page.getByRole('list', { name: 'Conversation tags' });
    await tags.getByRole('button', { name: 'Rename conversation tag Billing issue' }).click();
    await tags.getByLabel('New name for Billing issue').fill('Billing question');
    await tags.getByRole('button', { name: 'Save' }).click();
    await tags.getByRole('listitem', { name: 'Billing question' }).waitFor();
    await details.getByText('Billing question').waitFor();

    // Built-in labels can be renamed but offer no Delete.
    const labels = page.getByRole('list', { name: 'Labels' });
    await labels.getByRole('button', { name: 'Rename label Escalated' }).waitFor();
    expect(await labels.getByRole('button', { name: 'Delete label Escalated' }).count()).toBe(0);

    await tags.getByRole('button', { name: 'Delete conversation tag Billing question' }).click();
    await page.getByRole('dialog', { name: 'Delete Billing question?' }).getByRole('button', { name: 'Delete' }).click();
    await tags.getByRole('listitem', { name: 'Billing question' }).waitFor({ state: 'detached' });
    await details.getByText('Billing question').waitFor({ state: 'detached' });
    expect((await admin.api('GET', `/api/v1/conversations/${id}`)).body.tags).toEqual([]);
  });
});
