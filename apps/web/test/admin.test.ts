import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createUser, customerWrites, signIn, type Caller, type TestServer } from '../../../test/harness.ts';
import { startWorkspaceServer, workspaceBrowser } from './browser.ts';

describe('administration and the supervisor view', () => {
  let t: TestServer;
  let admin: Caller;
  let supervisor: Caller;
  let agent: Caller;
  let token: string;
  let support: number;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    ({ t, admin, token, queueId: support } = await startWorkspaceServer());
    supervisor = await signIn(t, await createUser(t, 'supervisor', 'Sam Supervisor', [support]));
    agent = await signIn(t, await createUser(t, 'agent', 'Martha Jones', [support]));
  });
  afterAll(async () => {
    await t?.close();
  });

  const openAs = (caller: Caller, path = '/'): Promise<Page> => ui.open(caller, path);

  it('manages canned messages and the composer rules', async () => {
    const page = await openAs(admin);
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await page.getByRole('tab', { name: 'Canned messages' }).click();
    await page.waitForTimeout(500);
    await page.getByLabel('Title').fill('Greeting');
    await page.getByRole('textbox', { name: /^Message/ }).fill('Hi {{first_name}}!');
    await page.getByRole('button', { name: 'Add canned message' }).click();
    const item = page.getByRole('listitem', { name: 'Greeting' });
    await item.getByText('Hi {{first_name}}!').waitFor();
    await item.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: /^Message/ }).fill('Hello {{first_name}}, I am {{agent_name}}.');
    await page.getByRole('button', { name: 'Save canned message' }).click();
    await item.getByText('Hello {{first_name}}, I am {{agent_name}}.').waitFor();
    expect((await agent.api('GET', '/api/v1/canned-messages')).body.items).toMatchObject([{ title: 'Greeting', body: 'Hello {{first_name}}, I am {{agent_name}}.' }]);
    await item.getByRole('button', { name: 'Delete' }).click();
    await item.waitFor({ state: 'detached' });

    await page.getByRole('tab', { name: 'Composer rules' }).click();
    await page.getByLabel('Words to avoid (one per line)').fill('password\nsecret');
    await page.getByLabel('Patterns to avoid (one per line)').fill('ACC-\\d{6}');
    await page.getByRole('button', { name: 'Save rules' }).click();
    await page.getByText('Composer rules saved.').waitFor();
    expect((await agent.api('GET', '/api/v1/composer/rules')).body).toMatchObject({ sensitiveWords: ['password', 'secret'], sensitivePatterns: ['ACC-\\d{6}'] });
  });

  it('sets a queue’s routing mode, capacity, timers and members; adds users, tags and labels', async () => {
    const page = await openAs(admin, '/admin');
    await page.getByRole('tab', { name: 'Queues' }).click();
    await page.getByLabel('Routing mode').selectOption('pick_list');
    await page.getByLabel('Capacity per agent').fill('3');
    await page.getByRole('combobox', { name: 'Wrap-up', exact: true }).selectOption('manual');
    await page.getByLabel('First reply within (minutes, empty: no limit)').fill('5');
    await page.getByRole('button', { name: 'Save queue' }).click();
    await page.getByText('Support saved.').waitFor();
    const r = (await admin.api('GET', `/api/v1/queues/${support}/routing`)).body;
    expect(r.routingMode).toBe('pick_list');
    expect(r.settings).toMatchObject({ capacity: 3, wrapUp: 'manual', firstReplyMs: 300_000 });

    await page.getByRole('tab', { name: 'Users and roles' }).click();
    await page.getByLabel('Name', { exact: true }).fill('River Song');
    await page.getByLabel('Email', { exact: true }).fill('river@example.test');
    await page.getByLabel('Role', { exact: true }).selectOption('supervisor');
    await page.getByLabel('Password (8 characters or more)').fill('spoilers-spoilers');
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('cell', { name: 'river@example.test' }).waitFor();

    await page.getByRole('tab', { name: 'Tags and labels' }).click();
    await page.getByLabel('New tag name').fill('VIP');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.locator('.chip', { hasText: 'VIP' }).waitFor();
    await page.getByLabel('New label name').fill('Needs callback');
    await page.getByRole('button', { name: 'Add label' }).click();
    await page.locator('.chip', { hasText: 'Needs callback' }).waitFor();
  });

  it('shows supervisors every agent’s status and load, live', async () => {
    const page = await openAs(supervisor);
    expect(await page.getByRole('button', { name: 'Admin', exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Agents' }).click();
    const table = page.getByRole('table', { name: "Agents' status and load" });

    const martha = table.getByRole('row', { name: /Martha Jones/ });
    await martha.getByText('Offline').waitFor();
    await agent.api('PUT', '/api/v1/routing/me/status', { status: 'busy' });
    await martha.getByText('Busy').waitFor();
    const c = (await customerWrites(t, token, { externalId: 'x', name: 'Xena', body: 'hi', queueId: support })).body.conversationId;
    await admin.api('POST', `/api/v1/conversations/${c}/reassign`, { assigneeId: agent.id });
    await martha.getByText(/^Load 1 \/ 5$/).waitFor();
    expect(await page.getByRole('tab', { name: 'Queues' }).count()).toBe(0);
  });
});
