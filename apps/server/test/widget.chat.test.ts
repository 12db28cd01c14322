import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, openStream, signIn, startTestServer, type Caller, type TestServer } from '../../../test/harness.ts';
import { newVisitor, openVisitorStream, widgetCall } from './widgetHelpers.ts';

/** Issue 3 / seed 003: chat requests from the widget and the portal, as the customer and the agents see them. */
let t: TestServer;
let admin: Caller;
let agent: Caller;
let queueId: number;

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  queueId = await createQueue(t, 'Portal');
  admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
  agent = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [queueId]));
  await admin.api('PUT', '/api/v1/settings/widget', { queueId });
});
afterAll(() => t.close());

describe('before a chat (seed 003)', () => {
  it('shows the office hours and says nobody is there outside them', async () => {
    await admin.api('PUT', '/api/v1/settings/widget', { alwaysOpen: false, officeHours: { timezone: 'UTC', days: { mon: [{ open: '09:00', close: '17:00' }] } } });
    t.clock.set(Date.UTC(2026, 0, 5, 20, 0)); // Monday 20:00 UTC
    const closed = await widgetCall(t, 'GET', '/api/v1/widget/config');
    expect(closed.body).toMatchObject({ openNow: false, agentsAvailable: false, officeHours: { timezone: 'UTC', days: { mon: [{ open: '09:00', close: '17:00' }] } } });
    t.clock.set(Date.UTC(2026, 0, 5, 10, 0));
    expect((await widgetCall(t, 'GET', '/api/v1/widget/config')).body).toMatchObject({ openNow: true, agentsAvailable: false });
    await agent.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
    expect((await widgetCall(t, 'GET', '/api/v1/widget/config')).body).toMatchObject({ openNow: true, agentsAvailable: true });
    await agent.api('PUT', '/api/v1/routing/me/status', { status: 'offline' });
    await admin.api('PUT', '/api/v1/settings/widget', { alwaysOpen: true });
  });
});

describe('while no agent has joined (seed 003)', () => {
  it('the customer waits, then asks for a callback; agents see it with the phone and time, and complete it', async () => {
    const v = await newVisitor(t, { name: 'Fox Mulder' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'Hello?' })).body;
    expect(chat).toMatchObject({ status: 'queued', waiting: true });
    // Asking again returns the same open chat, not a second one.
    expect((await v.api('POST', '/api/v1/widget/conversations', {})).body.id).toBe(chat.id);
    expect((await v.api('POST', `/api/v1/widget/conversations/${chat.id}/keep-waiting`, {})).body.status).toBe('queued');
    const cb = await v.api('POST', `/api/v1/widget/conversations/${chat.id}/callback`, { phone: '+1 555 0199', preferredTime: 'after 6pm' });
    expect(cb.status).toBe(200);
    expect(cb.body).toMatchObject({ status: 'callback', callback: { phone: '+1 555 0199', preferredTime: 'after 6pm' } });

    const list = await agent.api('GET', '/api/v1/conversations?status=callback');
    expect(list.body.items.map((c: any) => c.id)).toContain(chat.id);
    const info = await agent.api('GET', `/api/v1/conversations/${chat.id}/chat-request`);
    expect(info.body.callback).toMatchObject({ phone: '+1 555 0199', preferredTime: 'after 6pm' });
    const done = await agent.api('POST', `/api/v1/conversations/${chat.id}/complete`, { note: 'Called him back, order re-sent' });
    expect(done.body).toEqual({ ok: true, warning: null });
    expect((await agent.api('GET', `/api/v1/conversations/${chat.id}`)).body.status).toBe('resolved');
  });

  it('the customer leaves: the request is abandoned; completing it without a note is allowed but warned', async () => {
    const v = await newVisitor(t, { name: 'Dana Scully' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'Anyone?' })).body;
    expect((await v.api('POST', `/api/v1/widget/conversations/${chat.id}/leave`, {})).body.status).toBe('abandoned');
    expect((await agent.api('GET', '/api/v1/conversations?status=abandoned')).body.items.map((c: any) => c.id)).toContain(chat.id);
    // A joined chat cannot be completed; a request cannot be completed twice.
    const done = await agent.api('POST', `/api/v1/conversations/${chat.id}/complete`, {});
    expect(done.body).toEqual({ ok: true, warning: 'completed_without_note' });
    expect((await agent.api('POST', `/api/v1/conversations/${chat.id}/complete`, {})).status).toBe(409);
    const msgs = await v.api('GET', `/api/v1/widget/conversations/${chat.id}/messages`);
    expect(msgs.body.items.map((m: any) => m.body)).toEqual(['Anyone?', 'You left the chat', 'The chat has ended']);
  });
});

describe('a joined chat', () => {
  it('messages, typing and read receipts go both ways live; a retry with the same client id is stored once', async () => {
    const v = await newVisitor(t, { name: 'Walter Skinner' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'Hi' })).body;
    const vs = await openVisitorStream(t, v.token);
    const as = await openStream(t, agent);
    await admin.api('POST', `/api/v1/conversations/${chat.id}/reassign`, { assigneeId: agent.id });
    await vs.next((f) => f.type === 'conversation.updated' && f.data.conversation.waiting === false && f.data.conversation.agentName === 'Mark');
    await vs.next((f) => f.type === 'message.created' && f.data.message.body === 'Mark joined the chat');

    const reply = await agent.api('POST', `/api/v1/conversations/${chat.id}/messages`, { body: 'How can I help?' });
    const got = await vs.next((f) => f.type === 'message.created' && f.data.message.body === 'How can I help?');
    expect(got.data.message).toMatchObject({ from: 'agent', name: 'Mark' });

    vs.ws.send(JSON.stringify({ type: 'typing', conversationId: chat.id, typing: true }));
    await as.next((f) => f.type === 'typing.updated' && f.data.who === 'customer' && f.data.conversationId === chat.id);
    await agent.api('POST', `/api/v1/conversations/${chat.id}/typing`, { typing: true });
    await vs.next((f) => f.type === 'typing.updated' && f.data.who === 'agent' && f.data.name === 'Mark');

    await v.api('POST', `/api/v1/widget/conversations/${chat.id}/read`, { upToMessageId: reply.body.id });
    await as.next((f) => f.type === 'message.updated' && f.data.message.id === reply.body.id && f.data.message.status === 'read');

    const a = await v.api('POST', `/api/v1/widget/conversations/${chat.id}/messages`, { body: 'My rocket is late', clientId: 'c-1' });
    const b = await v.api('POST', `/api/v1/widget/conversations/${chat.id}/messages`, { body: 'My rocket is late', clientId: 'c-1' });
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.body.id).toBe(a.body.id);
    await as.next((f) => f.type === 'message.created' && f.data.message.body === 'My rocket is late');
    vs.close();
    as.close();
  });

  it('attachments within the channel limits', async () => {
    const v = await newVisitor(t);
    const chat = (await v.api('POST', '/api/v1/widget/conversations', {})).body;
    // The smallest valid PNG (1×1).
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const up = await v.api('POST', '/api/v1/widget/uploads', { name: 'shot.png', contentType: 'image/png', data: png });
    expect(up.status).toBe(201);
    // The bytes decide, not the declared type: a program called a picture is refused, a page called a
    // picture is kept as the text it is (served as a download, never rendered).
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0')]).toString('base64');
    expect((await v.api('POST', '/api/v1/widget/uploads', { name: 'cat.png', contentType: 'image/png', data: exe })).body.error.code).toBe('attachment_type_not_allowed');
    const page = await v.api('POST', '/api/v1/widget/uploads', { name: 'cat.png', contentType: 'image/png', data: Buffer.from('<img src=x onerror=alert(1)>').toString('base64') });
    expect(page.body.contentType).toBe('text/plain');
    expect((await t.server.app.inject({ method: 'GET', url: page.body.url, headers: { 'x-visitor-token': v.token } })).headers['content-disposition']).toMatch(/^attachment/);
    expect((await v.api('POST', '/api/v1/widget/uploads', { name: 'empty.png', contentType: 'image/png', data: '' })).status).toBe(400);
    await admin.api('PUT', '/api/v1/settings/widget', { maxAttachmentBytes: 4 });
    expect((await v.api('POST', '/api/v1/widget/uploads', { name: 'big.png', contentType: 'image/png', data: png })).status).toBe(413);
    await admin.api('PUT', '/api/v1/settings/widget', { maxAttachmentBytes: 5 * 1024 * 1024 });
    const m = await v.api('POST', `/api/v1/widget/conversations/${chat.id}/messages`, { body: '', attachments: [up.body] });
    expect(m.status).toBe(201);
    const file = await t.server.app.inject({ method: 'GET', url: up.body.url, headers: { 'x-visitor-token': v.token } });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    expect(file.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('writing again after a resolve (issue 14, seen 3)', () => {
  it('a new chat from the widget or the portal follows the resolved one: linked, and its history readable by the customer', async () => {
    const v = await newVisitor(t, { name: 'Alex Krycek' });
    const first = (await v.api('POST', '/api/v1/widget/conversations', { message: 'My order is late' })).body;
    await admin.api('POST', `/api/v1/conversations/${first.id}/reassign`, { assigneeId: agent.id });
    await agent.api('POST', `/api/v1/conversations/${first.id}/messages`, { body: 'It ships tomorrow' });
    expect((await agent.api('POST', `/api/v1/conversations/${first.id}/resolve`, {})).status).toBe(200);

    // The widget's "New chat" asks for a chat again.
    const second = await v.api('POST', '/api/v1/widget/conversations', { message: 'It did not arrive' });
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.id);
    expect(second.body.previousConversationId).toBe(first.id);
    expect((await admin.api('GET', `/api/v1/conversations/${second.body.id}`)).body.previousConversationId).toBe(first.id);
    const earlier = await v.api('GET', `/api/v1/widget/conversations/${second.body.previousConversationId}/messages?limit=50`);
    expect(earlier.body.items.map((m: any) => m.body)).toEqual(expect.arrayContaining(['My order is late', 'It ships tomorrow']));

    // The portal's new request follows the same rule.
    await admin.api('POST', `/api/v1/conversations/${second.body.id}/reassign`, { assigneeId: agent.id });
    await agent.api('POST', `/api/v1/conversations/${second.body.id}/resolve`, {});
    const third = await v.api('POST', '/api/v1/widget/conversations', { message: 'One more thing', origin: 'portal' });
    expect(third.body.previousConversationId).toBe(second.body.id);
  });
});

describe('quotes (issue 14, seen 10)', () => {
  it('the customer sees which message a reply quotes, never an internal note’s text', async () => {
    const v = await newVisitor(t, { name: 'Quincy Quote' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'Is my refund done?' })).body;
    await admin.api('POST', `/api/v1/conversations/${chat.id}/reassign`, { assigneeId: agent.id });
    const mine = (await agent.api('GET', `/api/v1/conversations/${chat.id}/messages`)).body.items.find((m: any) => m.body === 'Is my refund done?');
    const note = (await agent.api('POST', `/api/v1/conversations/${chat.id}/messages`, { body: 'SECRET: refund blocked by fraud check', internal: true })).body;
    await agent.api('POST', `/api/v1/conversations/${chat.id}/messages`, { body: 'Yes, it went out', replyToId: mine.id });
    await agent.api('POST', `/api/v1/conversations/${chat.id}/messages`, { body: 'More soon', replyToId: note.id });
    const items = (await v.api('GET', `/api/v1/widget/conversations/${chat.id}/messages`)).body.items;
    expect(items.find((m: any) => m.body === 'Yes, it went out').quote).toEqual({ id: mine.id, from: 'customer', body: 'Is my refund done?' });
    expect(items.find((m: any) => m.body === 'More soon').quote).toBeNull();
    expect(JSON.stringify(items)).not.toContain('SECRET');
  });
});

describe('tickets and the client portal (seed 003)', () => {
  it('a chat from a ticket is offered to the chat’s earlier agent, and ends with its log attached to the ticket', async () => {
    const v = await newVisitor(t, { name: 'Jeffrey Spender' });
    const first = (await v.api('POST', '/api/v1/widget/conversations', { message: 'Problem with my launch', origin: 'portal' })).body;
    await admin.api('POST', `/api/v1/conversations/${first.id}/reassign`, { assigneeId: agent.id });
    await agent.api('POST', `/api/v1/conversations/${first.id}/messages`, { body: 'I will open a ticket' });
    const ended = await agent.api('POST', `/api/v1/conversations/${first.id}/end-session`, { outcome: 'ticket', subject: 'Launch problem' });
    expect(ended.status).toBe(200);
    const ticketId = ended.body.ticketId;
    const ticket = (await agent.api('GET', `/api/v1/tickets/${ticketId}`)).body;
    expect(ticket).toMatchObject({ subject: 'Launch problem', status: 'open', assignee: { id: agent.id }, sourceConversationId: first.id });
    expect(ticket.attachments).toHaveLength(1);
    const log = await t.server.app.inject({ method: 'GET', url: ticket.attachments[0].url, cookies: { sb_session: agent.cookie } });
    expect(log.body).toContain('Jeffrey Spender: Problem with my launch');
    // Agents by first name, as the widget shows them (issue 9).
    expect(log.body).toContain('Mark: I will open a ticket');

    // The customer sees the ticket in the portal and starts a chat from it.
    const mine = (await v.api('GET', '/api/v1/widget/tickets')).body.items;
    expect(mine.map((x: any) => x.id)).toEqual([ticketId]);
    const fromTicket = (await v.api('POST', '/api/v1/widget/conversations', { ticketId, message: 'Still broken' })).body;
    expect(fromTicket).toMatchObject({ ticketId, subject: `Ticket #${ticketId}: Launch problem` });
    await admin.api('POST', `/api/v1/conversations/${fromTicket.id}/reassign`, { assigneeId: agent.id });
    await agent.api('POST', `/api/v1/conversations/${fromTicket.id}/messages`, { body: 'Fixed now' });
    expect((await agent.api('POST', `/api/v1/conversations/${fromTicket.id}/end-session`, { outcome: 'plain' })).body.ticketId).toBe(ticketId);
    const after = (await agent.api('GET', `/api/v1/tickets/${ticketId}`)).body;
    expect(after.attachments.map((a: any) => a.conversationId)).toEqual([first.id, fromTicket.id]);
    expect((await v.api('GET', `/api/v1/widget/tickets/${ticketId}`)).body.attachments).toHaveLength(2);
  });

  it('completed sessions are searchable by customer, agent, date and content, and their notes edited later', async () => {
    const v = await newVisitor(t, { name: 'Monica Reyes' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'unique-words flux capacitor' })).body;
    await admin.api('POST', `/api/v1/conversations/${chat.id}/reassign`, { assigneeId: agent.id });
    await agent.api('POST', `/api/v1/conversations/${chat.id}/end-session`, { outcome: 'plain', note: 'Explained the capacitor' });
    const ids = async (qs: string) => (await agent.api('GET', `/api/v1/chat-sessions?${qs}`)).body.items.map((s: any) => s.conversationId);
    expect(await ids('q=flux')).toEqual([chat.id]);
    expect(await ids('customer=monica')).toEqual([chat.id]);
    expect(await ids(`agentId=${agent.id}&q=capacitor`)).toEqual([chat.id]);
    expect(await ids(`from=${t.clock.now() + 1}&q=flux`)).toEqual([]);
    expect(await ids(`to=${t.clock.now()}&q=flux`)).toEqual([chat.id]);

    const note = await agent.api('POST', `/api/v1/conversations/${chat.id}/notes`, { body: 'Follow up next week' });
    expect(note.status).toBe(201);
    const edited = await agent.api('PATCH', `/api/v1/session-notes/${note.body.id}`, { body: 'Followed up' });
    expect(edited.body.body).toBe('Followed up');
    expect(await ids('q=followed')).toEqual([chat.id]);
    const info = (await agent.api('GET', `/api/v1/conversations/${chat.id}/chat-request`)).body;
    expect(info.notes.map((n: any) => n.body)).toEqual(['Explained the capacitor', 'Followed up']);
    expect(info.endedWith).toBe('plain');
  });

  it('a session ended with a new ticket names that ticket in the search, for the Tickets view to link', async () => {
    const v = await newVisitor(t, { name: 'John Doggett' });
    const chat = (await v.api('POST', '/api/v1/widget/conversations', { message: 'unique-words warp coil' })).body;
    await admin.api('POST', `/api/v1/conversations/${chat.id}/reassign`, { assigneeId: agent.id });
    const ended = await agent.api('POST', `/api/v1/conversations/${chat.id}/end-session`, { outcome: 'ticket', subject: 'Warp coil' });
    expect(ended.body.ticketId).toEqual(expect.any(Number));
    const found = (await agent.api('GET', '/api/v1/chat-sessions?q=warp')).body.items;
    expect(found).toMatchObject([{ conversationId: chat.id, ticketId: ended.body.ticketId }]);
    expect((await agent.api('GET', `/api/v1/conversations/${chat.id}/chat-request`)).body).toMatchObject({ ticketId: ended.body.ticketId, origin: 'widget', endedWith: 'ticket' });
  });
});
