import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, openStream, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../../test/harness.ts';

/**
 * Issue 9 item 2: replay judges by the viewer's access now, exactly as REST does. After a
 * reassignment away, `hello {lastSeq: 0}` must not hand the previous agent the history or the note.
 */
let t: TestServer;
let adminToken: string;
let admin: Caller;
let mark: Caller;
let martha: Caller;
let support: number;

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  support = await createQueue(t, 'Support');
  const a = await createUser(t, 'admin', 'Ada Admin');
  admin = await signIn(t, a);
  adminToken = await tokenFor(t, a.id);
  mark = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [support]));
  martha = await signIn(t, await createUser(t, 'agent', 'Martha Jones', [support]));
});
afterAll(() => t.close());

const bodyOf = (f: any) => f.data?.message?.body;

describe('replaying the stream after a reassignment away', () => {
  it('gives the previous agent nothing of the conversation, neither message nor note, as REST does', async () => {
    const r = await customerWrites(t, adminToken, { externalId: 'replay-away', body: 'my account number is 991', queueId: support });
    const id = r.body.conversationId as number;
    expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: mark.id })).status).toBe(200);
    expect((await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'internal: customer is a VIP', internal: true })).status).toBe(201);
    expect((await mark.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: martha.id })).status).toBe(200);
    expect((await mark.api('GET', `/api/v1/conversations/${id}`)).status).toBe(404);
    await t.server.services.dispatcher.flush();

    const markReplay = await openStream(t, mark, 0);
    const marthaReplay = await openStream(t, martha, 0);
    const aboutIt = markReplay.frames.filter((f) => (f.data?.conversation?.id ?? f.data?.id ?? f.data?.conversationId) === id && f.type !== 'conversation.revoked' && f.type !== 'offer.withdrawn' && f.type !== 'unread.updated');
    expect(markReplay.frames.map(bodyOf)).not.toContain('my account number is 991');
    expect(markReplay.frames.map(bodyOf)).not.toContain('internal: customer is a VIP');
    expect(aboutIt).toEqual([]);
    // What was his alone (the notice that he lost it) still comes back.
    expect(markReplay.frames.some((f) => f.type === 'conversation.revoked' && f.data.id === id)).toBe(true);
    // Martha, who has it now, gets its whole history back: so the replay really covered those events.
    expect(marthaReplay.frames.map(bodyOf)).toEqual(expect.arrayContaining(['my account number is 991', 'internal: customer is a VIP']));
    markReplay.close();
    marthaReplay.close();
  });
});
