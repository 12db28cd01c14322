import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../test/harness.ts';
import { newVisitor } from '../../server/test/widgetHelpers.ts';
import { workspaceBrowser } from './browser.ts';

/**
 * Issue 14, day-one gaps: the customer's history in the details panel, the Tickets view (tickets with
 * their chat logs and notes, completed chat sessions searched and their notes edited), and the
 * visible entry to the keyboard shortcuts.
 */
describe('customer history, tickets and chat sessions, shortcuts', () => {
  let t: TestServer;
  let admin: Caller;
  let agent: Caller;
  const ui = workspaceBrowser(() => t);
  let first: number;
  let second: number;
  let ticketId: number;

  beforeAll(async () => {
    t = await startTestServer({ listen: true });
    const queueId = await createQueue(t, 'Portal');
    admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
    agent = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [queueId]));
    expect((await admin.api('PUT', '/api/v1/settings/widget', { queueId })).status).toBe(200);
    // Fox chats, Mark ends the chat with a ticket (its log attached) and a note; Fox writes again later.
    const v = await newVisitor(t, { name: 'Fox Mulder' });
    first = (await v.api('POST', '/api/v1/widget/conversations', { message: 'My launch failed' })).body.id;
    await admin.api('POST', `/api/v1/conversations/${first}/reassign`, { assigneeId: agent.id });
    await agent.api('POST', `/api/v1/conversations/${first}/messages`, { body: 'I will open a ticket for you' });
    const ended = await agent.api('POST', `/api/v1/conversations/${first}/end-session`, { outcome: 'ticket', subject: 'Launch problem', note: 'Explained the capacitor' });
    expect(ended.status).toBe(200);
    ticketId = ended.body.ticketId;
    second = (await v.api('POST', '/api/v1/widget/conversations', { message: 'It failed again' })).body.id;
    expect(second).not.toBe(first);
    await admin.api('POST', `/api/v1/conversations/${second}/reassign`, { assigneeId: agent.id });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists the customer's earlier conversation and ticket in the details panel, each one click away", async () => {
    const page = await ui.open(agent, `/conversations/${second}`);
    const history = page.getByRole('region', { name: 'Customer history' });
    const earlier = history.getByRole('link', { name: new RegExp(`^Conversation #${first}, Resolved, `) });
    await earlier.waitFor();
    const ticket = history.getByRole('link', { name: new RegExp(`^Ticket #${ticketId} Launch problem, Open, `) });
    await ticket.waitFor();
    // The open conversation itself is not listed as history.
    expect(await history.getByRole('link', { name: new RegExp(`^Conversation #${second},`) }).count()).toBe(0);

    // A new ticket for this customer, opened from the panel, is listed at once.
    await history.getByRole('button', { name: '+ New ticket' }).click();
    await history.getByLabel('Ticket subject').fill('Replacement part');
    await history.getByRole('button', { name: 'Open ticket' }).click();
    await history.getByRole('link', { name: /^Ticket #\d+ Replacement part, Open, / }).waitFor();
    const opened = (await agent.api('GET', '/api/v1/tickets')).body.items.find((x: { subject: string }) => x.subject === 'Replacement part');
    expect(opened).toMatchObject({ status: 'open', contact: { name: 'Fox Mulder' }, assignee: { id: agent.id } });

    await earlier.click();
    await page.waitForURL(`**/conversations/${first}`);
    await page.locator('.msg-body', { hasText: 'I will open a ticket for you' }).waitFor();
    await page.goBack();
    await page.locator('.msg-body', { hasText: 'It failed again' }).waitFor();

    await page.getByRole('region', { name: 'Customer history' }).getByRole('link', { name: new RegExp(`^Ticket #${ticketId} `) }).click();
    await page.waitForURL(`**/tickets/${ticketId}`);
    const detail = page.getByRole('article', { name: `Ticket #${ticketId}` });
    await detail.getByRole('heading', { name: `#${ticketId} Launch problem` }).waitFor();
    // The chat log file the chat's end attached.
    const files = detail.getByRole('list', { name: 'Chat logs and files' });
    expect(await files.getByRole('link').count()).toBe(1);
    const href = await files.getByRole('link').getAttribute('href');
    const log = await page.evaluate(async (url) => (await fetch(url!)).text(), href);
    expect(log).toContain('Fox Mulder: My launch failed');
  });

  it('adds a ticket note and changes the status in the Tickets view', async () => {
    const page = await ui.open(agent);
    await page.getByRole('button', { name: 'Tickets', exact: true }).click();
    await page.waitForURL('**/tickets');
    await page.getByRole('list', { name: 'Ticket list' }).getByRole('button', { name: /Launch problem/ }).click();
    const detail = page.getByRole('article', { name: `Ticket #${ticketId}` });
    await detail.getByLabel('New ticket note').fill('Sent a replacement capacitor');
    await detail.getByRole('button', { name: 'Add note' }).click();
    await detail.getByRole('list', { name: 'Ticket notes' }).getByText('Sent a replacement capacitor').waitFor();
    await detail.getByLabel('Ticket status').selectOption('pending');
    await page.getByRole('status').filter({ hasText: 'Status changed.' }).waitFor();
    const api = (await agent.api('GET', `/api/v1/tickets/${ticketId}`)).body;
    expect(api.status).toBe('pending');
    expect(api.notes.map((n: { body: string; internal: boolean }) => [n.body, n.internal])).toContainEqual(['Sent a replacement capacitor', true]);
    // The address survives a reload.
    await page.reload();
    await page.getByRole('article', { name: `Ticket #${ticketId}` }).getByText('Sent a replacement capacitor').waitFor();
  });

  it('finds a completed chat session and edits and adds its notes', async () => {
    const page = await ui.open(agent, '/tickets/sessions');
    await page.getByRole('searchbox', { name: 'Search chat sessions' }).fill('Fox');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const session = page.getByRole('listitem', { name: 'Chat with Fox Mulder' });
    await session.getByText('Explained the capacitor').waitFor();
    // Nothing matches a name nobody has.
    await page.getByRole('searchbox', { name: 'Search chat sessions' }).fill('Nobody Here');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('No chat sessions match.').waitFor();
    await page.getByRole('searchbox', { name: 'Search chat sessions' }).fill('capacitor');
    await page.getByRole('button', { name: 'Search', exact: true }).click();

    t.clock.advance(60_000); // the edit comes a minute later, so it reads "(edited)"
    await session.getByRole('button', { name: /^Edit note: Explained the capacitor/ }).click();
    await session.getByLabel('Edit the note').fill('Explained the capacitor and sent the manual');
    await session.getByRole('button', { name: 'Save' }).click();
    await session.getByText('Explained the capacitor and sent the manual').waitFor();
    await session.getByText('(edited)').waitFor();
    await session.getByLabel('New note on the chat with Fox Mulder').fill('Customer confirmed it works');
    await session.getByRole('button', { name: 'Add note' }).click();
    await session.getByText('Customer confirmed it works').waitFor();
    const info = (await agent.api('GET', `/api/v1/conversations/${first}/chat-request`)).body;
    expect(info.notes.map((n: { body: string }) => n.body)).toEqual(['Explained the capacitor and sent the manual', 'Customer confirmed it works']);
    await session.getByRole('link', { name: `Ticket #${ticketId}` }).click();
    await page.getByRole('article', { name: `Ticket #${ticketId}` }).waitFor();
  });

  it('shows the keyboard shortcuts from a header button and from ?, saying Alt replaces Ctrl', async () => {
    const page = await ui.open(agent);
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.getByText('Alt replaces the Ctrl').waitFor();
    const transfer = sheet.getByRole('row', { name: /Transfer the conversation/ });
    expect(await transfer.textContent()).toContain('Alt+T');
    expect(await transfer.textContent()).toContain('(instead of Ctrl+T)');
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('?');
    await sheet.getByRole('row', { name: /Resolve the conversation/ }).waitFor();
  });
});
