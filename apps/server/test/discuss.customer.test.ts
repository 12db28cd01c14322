import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../test/harness.ts';
import { chatLog } from '../src/actions/chatRequests.ts';
import { runDueTimers } from '../src/jobs/worker.ts';
import { newVisitor, openVisitorStream, type VisitorCaller, type VisitorStream } from './widgetHelpers.ts';

/**
 * Seed 000: "The client does not see the internal discussion." Nothing of a request, its steps or
 * its discussion reaches the customer: not the widget, the portal, the customer stream (live or
 * replayed from lastSeq 0), the chat log attached to tickets, or an outbound message.
 */
let t: TestServer;
let admin: Caller;
let mark: Caller;
let martha: Caller;
let sam: Caller;
const SECRET = 'SECRET-CONSULT-X200';

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  const q = await createQueue(t, 'Web');
  admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
  mark = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [q]));
  martha = await signIn(t, await createUser(t, 'agent', 'Martha Lee', [q]));
  sam = await signIn(t, await createUser(t, 'supervisor', 'Sam Boss', [q]));
});
afterAll(() => t.close());

/** Everything seed 000 lets two agents do about one customer's chat. */
async function consultAbout(chat: number, visitor: VisitorCaller) {
  expect((await admin.api('POST', `/api/v1/conversations/${chat}/reassign`, { assigneeId: mark.id })).status).toBe(200);
  expect((await mark.api('POST', `/api/v1/conversations/${chat}/messages`, { body: 'Hello, looking into it' })).status).toBe(201);
  const d = (await mark.api('POST', `/api/v1/conversations/${chat}/discuss-requests`, { recipientId: martha.id, recipientType: 'user' })).body;
  expect((await martha.api('POST', `/api/v1/discuss-requests/${d.id}/accept`, {})).status).toBe(200);
  expect((await martha.api('POST', `/api/v1/discussions/${d.id}/messages`, { body: `${SECRET}: tell them it fits` })).status).toBe(201);
  expect((await mark.api('POST', `/api/v1/discussions/${d.id}/messages`, { body: `${SECRET}: thanks` })).status).toBe(201);
  expect((await martha.api('POST', `/api/v1/discussions/${d.id}/typing`, { typing: true })).status).toBe(200);
  // The customer writes while the consultant watches; her attempt to answer is refused.
  expect((await visitor.api('POST', `/api/v1/widget/conversations/${chat}/messages`, { body: 'Any news?' })).status).toBe(201);
  expect((await martha.api('POST', `/api/v1/conversations/${chat}/messages`, { body: `${SECRET} from Martha` })).status).toBe(403);
  expect((await mark.api('POST', `/api/v1/discussions/${d.id}/end`, { resolved: true })).status).toBe(200);
  const w = (await mark.api('POST', `/api/v1/conversations/${chat}/discuss-requests`, { recipientId: sam.id, recipientType: 'manager' })).body;
  expect((await mark.api('POST', `/api/v1/discuss-requests/${w.id}/withdraw`, { reason: `${SECRET} withdrawn` })).status).toBe(200);
  const a = (await mark.api('POST', `/api/v1/conversations/${chat}/assign-requests`, { recipientId: martha.id, recipientType: 'user' })).body;
  expect((await martha.api('POST', `/api/v1/assign-requests/${a.id}/reject`, { reason: `${SECRET} busy` })).status).toBe(200);
  const late = (await mark.api('POST', `/api/v1/conversations/${chat}/discuss-requests`, { recipientId: sam.id, recipientType: 'manager' })).body;
  t.clock.advance(121_000);
  await runDueTimers(t.server.services.actions);
  expect((await mark.api('GET', `/api/v1/requests/${late.id}`)).body.status).toBe('timed_out');
  expect((await mark.api('POST', `/api/v1/conversations/${chat}/messages`, { body: 'Yes, it fits your car' })).status).toBe(201);
}

function expectNothingOfIt(text: string) {
  expect(text).not.toContain(SECRET);
  expect(text).not.toMatch(/request(ed)? to (discuss|assign)|discuss request|assign request|discussion/i);
  expect(text).not.toContain('Martha');
  expect(text).not.toContain('Sam');
}

function expectNoRequestFrames(s: VisitorStream) {
  expect(s.frames.filter((f) => /^(request|discussion)\./.test(f.type))).toEqual([]);
  expectNothingOfIt(JSON.stringify(s.frames));
}

describe.each(['widget', 'portal'] as const)('the customer never sees a request or a discussion (%s)', (origin) => {
  it('not in the history, not on the live stream, not replayed from lastSeq 0, not in the chat log', async () => {
    const visitor = await newVisitor(t, { name: `Smith ${origin}` });
    const chat = (await visitor.api('POST', '/api/v1/widget/conversations', { message: 'Does the X200 fit my car?', origin })).body.id;
    const live = await openVisitorStream(t, visitor.token);
    try {
      await consultAbout(chat, visitor);
      await live.next((f) => f.type === 'message.created' && f.data.message.body === 'Yes, it fits your car');
      expectNoRequestFrames(live);

      const replay = await openVisitorStream(t, visitor.token, 0);
      try {
        await replay.next((f) => f.type === 'message.created' && f.data.message.body === 'Yes, it fits your car');
        expectNoRequestFrames(replay);
      } finally {
        replay.close();
      }

      const history = await visitor.api('GET', `/api/v1/widget/conversations/${chat}/messages`);
      expect(history.body.items.map((m: any) => m.body)).toContain('Yes, it fits your car');
      expectNothingOfIt(JSON.stringify(history.body));
      expectNothingOfIt(JSON.stringify((await visitor.api('GET', `/api/v1/widget/conversations/${chat}`)).body));
      expectNothingOfIt(JSON.stringify((await visitor.api('GET', '/api/v1/widget/me')).body));

      // The chat log a ticket gets (seed 003) is the customer-visible history only.
      const log = await chatLog(t.server.services.store.db, chat);
      expect(log).toContain('Yes, it fits your car');
      expectNothingOfIt(log);

      // Agents do see the steps, as internal system lines.
      const agentView = (await mark.api('GET', `/api/v1/conversations/${chat}/messages`)).body.items;
      const requestLines = agentView.filter((m: any) => m.systemEvent?.kind === 'request');
      expect(requestLines.length).toBeGreaterThanOrEqual(8);
      expect(requestLines.every((m: any) => m.internal === true)).toBe(true);
      // Nothing of it is queued for a channel to send out.
      const rows = await t.server.services.store.db.selectFrom('messages').select(['body', 'internal', 'status']).where('conversation_id', '=', chat).execute();
      expect(rows.filter((r) => r.internal === 0).map((r) => r.body).join('\n')).not.toMatch(/discuss|request|SECRET/i);
    } finally {
      live.close();
    }
  });
});
