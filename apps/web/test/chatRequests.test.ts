import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../test/harness.ts';
import { newVisitor } from '../../server/test/widgetHelpers.ts';
import { workspaceBrowser } from './browser.ts';

/** Seed 003 in the agent workspace: completing abandoned and callback requests, ending a joined chat. */
describe('chat requests in the thread header', () => {
  let t: TestServer;
  let admin: Caller;
  let agent: Caller;
  const ui = workspaceBrowser(() => t);

  beforeAll(async () => {
    t = await startTestServer({ listen: true });
    const queueId = await createQueue(t, 'Portal');
    admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
    agent = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [queueId]));
    expect((await admin.api('PUT', '/api/v1/settings/widget', { queueId })).status).toBe(200);
  });

  const status = (page: Page, name: string) => page.locator('.thread-sub .status-pill', { hasText: name });

  it('shows the callback’s phone and preferred time, and completes it with a note', async () => {
    const v = await newVisitor(t, { name: 'Fox Mulder' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'My order is missing' })).body;
    expect((await v.api('POST', `/api/v1/widget/conversations/${chat.id}/callback`, { phone: '+1 555 0199', preferredTime: 'after 6pm' })).status).toBe(200);

    const page = await ui.open(agent, `/conversations/${chat.id}`);
    await status(page, 'Callback').waitFor();
    const banner = page.getByRole('region', { name: 'Chat request' });
    await banner.getByText('Callback requested').waitFor();
    expect(await banner.getByRole('link', { name: '+1 555 0199' }).getAttribute('href')).toBe('tel:+15550199');
    await banner.getByText('Preferred time: after 6pm').waitFor();

    await page.getByRole('button', { name: 'Complete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Complete callback request' });
    // Without a note it warns, and says so on the button.
    await dialog.getByText('Completing without a note is allowed, but not recommended', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Complete without a note' }).waitFor();
    await dialog.getByLabel('What did you do for the customer?').fill('Called him back, order re-sent');
    expect(await dialog.getByText('Completing without a note', { exact: false }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Complete', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await status(page, 'Resolved').waitFor();
    await page.getByRole('status').filter({ hasText: 'Chat request completed.' }).waitFor();
    await banner.getByText('Completed by Mark Watney').waitFor();
    expect(await page.getByRole('button', { name: 'Complete', exact: true }).count()).toBe(0);

    const info = (await agent.api('GET', `/api/v1/conversations/${chat.id}/chat-request`)).body;
    expect(info).toMatchObject({ endedWith: 'completed', completedBy: { name: 'Mark Watney' } });
    expect(info.notes.map((n: any) => n.body)).toEqual(['Called him back, order re-sent']);
  });

  it('completes an abandoned request without a note after the warning', async () => {
    const v = await newVisitor(t, { name: 'Dana Scully' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'Anyone?' })).body;
    expect((await v.api('POST', `/api/v1/widget/conversations/${chat.id}/leave`, {})).body.status).toBe('abandoned');

    const page = await ui.open(agent, `/conversations/${chat.id}`);
    await status(page, 'Abandoned').waitFor();
    await page.getByRole('button', { name: 'Complete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Complete abandoned chat request' });
    await dialog.getByRole('button', { name: 'Complete without a note' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Chat request completed without a note.' }).waitFor();
    await status(page, 'Resolved').waitFor();
    const info = (await agent.api('GET', `/api/v1/conversations/${chat.id}/chat-request`)).body;
    expect(info).toMatchObject({ endedWith: 'completed', notes: [] });
  });

  it('ends a joined portal chat with a new ticket that holds the chat log', async () => {
    const v = await newVisitor(t, { name: 'Jeffrey Spender' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'Problem with my launch', origin: 'portal' })).body;
    expect((await admin.api('POST', `/api/v1/conversations/${chat.id}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    expect((await agent.api('POST', `/api/v1/conversations/${chat.id}/messages`, { body: 'I will open a ticket for you' })).status).toBe(201);

    const page = await ui.open(agent, `/conversations/${chat.id}`);
    await page.locator('.msg-body', { hasText: 'I will open a ticket for you' }).waitFor();
    const end = page.getByRole('button', { name: 'End chat' });
    expect(await end.getAttribute('aria-haspopup')).toBe('menu');
    await end.click();
    const menu = page.getByRole('menu', { name: 'End chat' });
    await menu.getByRole('menuitem', { name: 'End', exact: true }).waitFor();
    await menu.getByRole('menuitem', { name: 'End with a new ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'End chat with a new ticket' });
    expect(await dialog.getByLabel('Ticket subject').inputValue()).toBe('Chat with Jeffrey Spender');
    await dialog.getByLabel('Ticket subject').fill('Launch problem');
    await dialog.getByLabel('Note (optional)').fill('Engineering is looking at it');
    await dialog.getByRole('button', { name: 'End and create ticket' }).click();
    await dialog.waitFor({ state: 'detached' });
    const toast = page.getByRole('status').filter({ hasText: /Chat ended\. Ticket #\d+ created with the chat log\./ });
    await toast.waitFor();
    await status(page, 'Resolved').waitFor();

    const ticketId = Number(/#(\d+)/.exec((await toast.textContent()) ?? '')![1]);
    const ticket = (await agent.api('GET', `/api/v1/tickets/${ticketId}`)).body;
    expect(ticket).toMatchObject({ subject: 'Launch problem', status: 'open', sourceConversationId: chat.id });
    expect(ticket.attachments).toHaveLength(1);
    // A file is read with a credential: the agent's session here (issue 14: one file service).
    const log = await t.server.app.inject({ method: 'GET', url: ticket.attachments[0].url, headers: { cookie: `sb_session=${agent.cookie}` } });
    expect(log.body).toContain('Jeffrey Spender: Problem with my launch');
    // The customer's copy names the agent as the widget does: by first name (issue 9 finding 10).
    expect(log.body).toContain('Mark: I will open a ticket for you');
    expect(log.body).not.toContain('Watney');
    const info = (await agent.api('GET', `/api/v1/conversations/${chat.id}/chat-request`)).body;
    expect(info).toMatchObject({ endedWith: 'ticket' });
    expect(info.notes.map((n: any) => n.body)).toEqual(['Engineering is looking at it']);
  });

  it('just ends a joined chat from the keyboard, without a ticket and without wrap-up', async () => {
    const v = await newVisitor(t, { name: 'Alex Krycek' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'Quick question' })).body;
    expect((await admin.api('POST', `/api/v1/conversations/${chat.id}/reassign`, { assigneeId: agent.id })).status).toBe(200);

    const page = await ui.open(agent, `/conversations/${chat.id}`);
    await status(page, 'Active').or(status(page, 'Pending')).waitFor();
    await page.getByRole('button', { name: 'End chat' }).focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu', { name: 'End chat' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('End');
    // Esc closes the menu only, back on its button.
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-haspopup'))).toBe('menu');
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('End');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: /^Chat ended\.$/ }).waitFor();
    await status(page, 'Resolved').waitFor();
    const info = (await agent.api('GET', `/api/v1/conversations/${chat.id}/chat-request`)).body;
    expect(info).toMatchObject({ endedWith: 'plain' });
    const tickets = (await agent.api('GET', '/api/v1/tickets')).body.items;
    expect(tickets.filter((x: any) => x.sourceConversationId === chat.id)).toEqual([]);
  });
});
