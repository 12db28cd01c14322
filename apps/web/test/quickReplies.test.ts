import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { workspaceBrowser } from './browser.ts';

/** Seed 002 "Quick-replies in chat": the lightning bolt right of the reply creates and sends an agent's own quick replies. */
describe('personal quick replies', () => {
  let t: TestServer;
  let admin: Caller;
  let martha: Caller;
  let rose: Caller;
  let token: string;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    t = await startTestServer({ listen: true });
    const queueId = await createQueue(t, 'Support');
    const adminUser = await createUser(t, 'admin', 'Ada Admin', [queueId]);
    admin = await signIn(t, adminUser);
    token = await tokenFor(t, adminUser.id);
    martha = await signIn(t, await createUser(t, 'agent', 'Martha Jones', [queueId]));
    rose = await signIn(t, await createUser(t, 'agent', 'Rose Tyler', [queueId]));
    expect((await admin.api('POST', '/api/v1/canned-messages', { title: 'Opening hours', body: 'We are open 9 to 5.' })).status).toBe(201);
  });

  /** A conversation of `name` assigned to `agent`, opened in their workspace. */
  async function openAs(agent: Caller, externalId: string, name: string, body: string): Promise<Page> {
    const id = (await customerWrites(t, token, { externalId, name, body })).body.conversationId as number;
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    const page = await ui.open(agent, `/conversations/${id}`);
    await page.locator('.msg-body', { hasText: body }).waitFor();
    return page;
  }
  const titles = async (who: Caller) => (await who.api('GET', '/api/v1/canned-messages')).body.items.map((m: { title: string }) => m.title);

  it('an agent creates a quick reply from the lightning bolt, sends it filled in, edits and deletes it; nobody else sees it', async () => {
    const page = await openAs(martha, 'amy', 'Amy Pond', 'Where is my parcel?');
    const reply = page.getByRole('textbox', { name: 'Reply', exact: true });
    const bolt = page.getByRole('button', { name: 'Quick replies' });
    const panel = page.getByRole('group', { name: 'Quick replies' });
    const options = panel.getByRole('listbox', { name: 'Canned messages list' }).getByRole('option');

    await bolt.click();
    await expect.poll(() => bolt.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => options.allInnerTexts()).toEqual([expect.stringContaining('Opening hours')]);
    // The shared one is not hers to change.
    expect(await panel.getByRole('button', { name: /^Edit quick reply/ }).count()).toBe(0);

    await panel.getByRole('button', { name: 'New quick reply' }).click();
    const form = panel.getByRole('form', { name: 'New quick reply' });
    await form.getByLabel('Title').fill('Parcel tracking');
    await form.getByLabel('Text').fill('Hi {{first_name}}, your parcel is on its way. {{agent_name}}');
    await form.getByRole('button', { name: 'Save quick reply' }).click();
    await form.waitFor({ state: 'detached' });

    // Back in the list, the new one chosen and marked as hers: Enter puts it in the reply, filled in.
    const chosen = panel.getByRole('option', { selected: true });
    await expect.poll(() => chosen.innerText()).toContain('Parcel tracking');
    expect(await chosen.innerText()).toContain('Mine');
    await page.keyboard.press('Enter');
    await panel.waitFor({ state: 'detached' });
    await expect.poll(() => reply.inputValue()).toBe('Hi Amy, your parcel is on its way. Martha Jones');
    await reply.press('Enter');
    await page.locator('.msg.out .msg-body', { hasText: 'Hi Amy, your parcel is on its way. Martha Jones' }).waitFor();

    // Only Martha has it: not Rose, not even an administrator.
    expect(await titles(martha)).toEqual(['Opening hours', 'Parcel tracking']);
    expect(await titles(rose)).toEqual(['Opening hours']);
    expect(await titles(admin)).toEqual(['Opening hours']);

    // Search, edit, delete — from the same panel, by keyboard.
    await reply.press('Control+/');
    const search = panel.getByRole('combobox', { name: 'Search canned messages' });
    await search.fill('parcel');
    await expect.poll(() => options.count()).toBe(1);
    await panel.getByRole('button', { name: 'Edit quick reply Parcel tracking' }).click();
    const edit = panel.getByRole('form', { name: 'Edit quick reply' });
    expect(await edit.getByLabel('Text').inputValue()).toBe('Hi {{first_name}}, your parcel is on its way. {{agent_name}}');
    await edit.getByLabel('Title').fill('Parcel on its way');
    await edit.getByRole('button', { name: 'Save quick reply' }).click();
    await expect.poll(() => panel.getByRole('option', { selected: true }).innerText()).toContain('Parcel on its way');
    expect(await titles(martha)).toEqual(['Opening hours', 'Parcel on its way']);

    await panel.getByRole('button', { name: 'Delete quick reply Parcel on its way' }).click();
    await expect.poll(() => options.allInnerTexts()).toEqual([expect.stringContaining('Opening hours')]);
    expect(await titles(martha)).toEqual(['Opening hours']);
    // Esc closes the panel, back to the reply.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    expect(await page.getByRole('region', { name: 'Conversation with Amy Pond' }).count()).toBe(1);
  });

  it('an agent makes a personal quick reply from a message and finds it with /', async () => {
    const page = await openAs(rose, 'rory', 'Rory Williams', 'Can I change my delivery address?');
    expect((await rose.api('GET', '/api/v1/canned-messages')).status).toBe(200);
    const reply = page.getByRole('textbox', { name: 'Reply', exact: true });
    await reply.fill('Yes, until the parcel leaves our warehouse.');
    await reply.press('Enter');
    const sent = page.getByRole('article').filter({ has: page.locator('.msg-body', { hasText: 'until the parcel leaves' }) });
    await sent.hover();
    await sent.getByRole('button', { name: 'Make a quick reply' }).click();
    const dialog = page.getByRole('dialog', { name: 'Make a quick reply' });
    // Sharing is for administrators; an agent's is their own.
    expect(await dialog.getByRole('checkbox', { name: /Share with all agents/ }).count()).toBe(0);
    await dialog.getByText('Only you find it').waitFor();
    await dialog.getByLabel('Title').fill('Address change');
    await dialog.getByRole('button', { name: 'Save quick reply' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Quick reply saved' }).waitFor();

    const rows = (await rose.api('GET', '/api/v1/canned-messages')).body.items;
    expect(rows).toContainEqual(expect.objectContaining({ title: 'Address change', body: 'Yes, until the parcel leaves our warehouse.', ownerId: rose.id }));
    expect(await titles(martha)).toEqual(['Opening hours']);

    await reply.press('/');
    await page.getByRole('combobox', { name: 'Search canned messages' }).fill('address');
    await page.getByRole('option', { name: /Address change/ }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => reply.inputValue()).toBe('Yes, until the parcel leaves our warehouse.');
  });
});
