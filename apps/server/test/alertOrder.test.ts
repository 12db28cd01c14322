import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../test/harness.ts';
import { newVisitor } from './widgetHelpers.ts';

/** Seed 003: "If the chat request is coming from a ticket, then the assigned tech will be alerted first." */
let t: TestServer;
let admin: Caller;
let first: Caller;
let second: Caller;
let queueId: number;

beforeAll(async () => {
  t = await startTestServer();
  queueId = await createQueue(t, 'Tickets');
  admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
  first = await signIn(t, await createUser(t, 'agent', 'Fiona First', [queueId]));
  second = await signIn(t, await createUser(t, 'agent', 'Sid Second', [queueId]));
  await admin.api('PUT', '/api/v1/settings/widget', { queueId });
  for (const a of [first, second]) expect((await a.api('PUT', '/api/v1/routing/me/status', { status: 'available' })).status).toBe(200);
});
afterAll(() => t.close());

const offeredTo = async (agent: Caller) => ((await agent.api('GET', '/api/v1/routing/me')).body.offers as any[]).map((o) => o.conversationId);

async function chatFromTicketAssignedTo(assignee: Caller, name: string) {
  const v = await newVisitor(t, { name });
  // The customer's first chat gives the contact; the agent resolves it and opens a ticket for them.
  const opening = (await v.api('POST', '/api/v1/widget/conversations', { message: 'My launch failed', origin: 'portal' })).body;
  const contactId = (await admin.api('GET', `/api/v1/conversations/${opening.id}`)).body.contact.id;
  await admin.api('POST', `/api/v1/conversations/${opening.id}/close`);
  const ticket = await admin.api('POST', '/api/v1/tickets', { subject: `Launch problem of ${name}`, contactId, assigneeId: assignee.id, queueId });
  expect(ticket.status).toBe(201);
  const chat = (await v.api('POST', '/api/v1/widget/conversations', { ticketId: ticket.body.id, message: 'Still broken' })).body;
  return chat.id as number;
}

describe('alert order (seed 003)', () => {
  it("offers a chat raised from a ticket to the ticket's agent first, every time", async () => {
    // Twice in a row to the same agent: plain round-robin or least-busy would alternate.
    const a = await chatFromTicketAssignedTo(second, 'Walter Skinner');
    const b = await chatFromTicketAssignedTo(second, 'Alex Krycek');
    const toSecond = await offeredTo(second);
    expect(toSecond).toContain(a);
    expect(toSecond).toContain(b);
    const toFirst = await offeredTo(first);
    expect(toFirst).not.toContain(a);
    expect(toFirst).not.toContain(b);
  });
});
