import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, openStream, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { runDueTimers } from '../src/jobs/worker.ts';

/**
 * Seed 000 end to end through the API: discuss and assign requests, the discussion, the consultant's
 * limits, timeouts, the initiator losing the conversation, and the Engagement Tracking Record.
 */
let t: TestServer;
let admin: Caller;
let adminToken: string;
let sales: number;
let support: number;
let mark: Caller; // agent of Sales, in charge
let martha: Caller; // agent of Sales, the product expert
let nina: Caller; // agent of Support only
let sam: Caller; // supervisor of Sales
let sue: Caller; // supervisor of Support

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  sales = await createQueue(t, 'Sales');
  support = await createQueue(t, 'Support');
  const a = await createUser(t, 'admin', 'Ada Admin');
  admin = await signIn(t, a);
  adminToken = await tokenFor(t, a.id);
  mark = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [sales]));
  martha = await signIn(t, await createUser(t, 'agent', 'Martha Lee', [sales]));
  nina = await signIn(t, await createUser(t, 'agent', 'Nina Park', [support]));
  sam = await signIn(t, await createUser(t, 'supervisor', 'Sam Boss', [sales]));
  sue = await signIn(t, await createUser(t, 'supervisor', 'Sue Chief', [support]));
});
afterAll(() => t.close());

/** Smith writes in Sales and the conversation is Mark's. */
async function smithsConversation(): Promise<number> {
  const r = await customerWrites(t, adminToken, { externalId: `smith-${crypto.randomBytes(4).toString('hex')}`, name: 'Smith', body: 'Does the X200 fit my car?', queueId: sales });
  expect(r.status).toBeLessThan(300);
  const id = r.body.conversationId as number;
  expect((await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: mark.id })).status).toBe(200);
  return id;
}
const discuss = (from: Caller, id: number, to: Caller, recipientType = 'user') => from.api('POST', `/api/v1/conversations/${id}/discuss-requests`, { recipientId: to.id, recipientType });
const assign = (from: Caller, id: number, to: Caller, recipientType = 'user') => from.api('POST', `/api/v1/conversations/${id}/assign-requests`, { recipientId: to.id, recipientType });
const lines = async (id: number) => ((await admin.api('GET', `/api/v1/conversations/${id}/messages`)).body.items as any[]).map((m) => m.body as string);

describe('a discussion, start to end (seed 000: Mark consults Martha)', () => {
  it('notifies Martha, opens the conversation to her, keeps her away from the customer, and records every step', async () => {
    const id = await smithsConversation();
    const marthaStream = await openStream(t, martha);
    const markStream = await openStream(t, mark);
    try {
      expect((await martha.api('GET', `/api/v1/conversations/${id}`)).status).toBe(404);

      t.clock.advance(1000);
      const sent = await discuss(mark, id, martha);
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ type: 'discuss', status: 'pending', conversationId: id, conversationSubject: 'Smith', recipientType: 'user', initiator: { id: mark.id }, recipient: { id: martha.id } });
      const requestId = sent.body.id;
      // Martha hears at once, although she cannot see the conversation yet.
      const created = await marthaStream.next((f) => f.type === 'request.created' && f.data.record.id === requestId);
      expect(created.data.record.initiator.name).toBe('Mark Watney');
      expect((await martha.api('GET', '/api/v1/requests/mine')).body.items.map((r: any) => r.id)).toContain(requestId);

      t.clock.advance(15_000);
      const accepted = await martha.api('POST', `/api/v1/discuss-requests/${requestId}/accept`, {});
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ status: 'accepted', waitMs: 15_000 });
      await markStream.next((f) => f.type === 'request.answered' && f.data.record.status === 'accepted');

      // She sees the whole conversation, and new customer messages live.
      expect((await martha.api('GET', `/api/v1/conversations/${id}`)).status).toBe(200);
      expect((await martha.api('GET', `/api/v1/conversations/${id}/messages`)).body.items.some((m: any) => m.body === 'Does the X200 fit my car?')).toBe(true);
      const smith = (await admin.api('GET', `/api/v1/conversations/${id}`)).body;
      await customerWrites(t, adminToken, { externalId: (await t.server.services.store.db.selectFrom('contact_identities').select('external_id').where('contact_id', '=', smith.contact.id).executeTakeFirstOrThrow()).external_id, body: 'It is a 2019 model', queueId: sales });
      await marthaStream.next((f) => f.type === 'message.created' && f.data.message.body === 'It is a 2019 model');

      // Every customer-facing action is refused for her.
      const refusals = await Promise.all([
        martha.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Hi Smith, Martha here' }),
        martha.api('POST', `/api/v1/conversations/${id}/resolve`, {}),
        martha.api('POST', `/api/v1/conversations/${id}/close`, {}),
        martha.api('POST', `/api/v1/conversations/${id}/end-chat`, {}),
        martha.api('POST', `/api/v1/conversations/${id}/transfer-to-agent`, { userId: martha.id }),
        martha.api('POST', `/api/v1/conversations/${id}/transfer-to-queue`, { queueId: support }),
        martha.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: martha.id }),
        martha.api('POST', `/api/v1/conversations/${id}/typing`, { typing: true }),
        martha.api('POST', `/api/v1/conversations/${id}/assign-requests`, { recipientId: nina.id, recipientType: 'user' }),
      ]);
      for (const r of refusals) expect([r.status, r.body?.error?.code]).toEqual([403, 'consultant_cannot_message_customer']);
      expect((await lines(id)).some((b) => b.includes('Martha here'))).toBe(false);

      // They talk privately.
      const q = await martha.api('POST', `/api/v1/discussions/${requestId}/messages`, { body: 'Which year is the car?', clientId: 'c1' });
      expect(q.status).toBe(201);
      await markStream.next((f) => f.type === 'discussion.message' && f.data.message.body === 'Which year is the car?');
      expect((await mark.api('POST', `/api/v1/discussions/${requestId}/messages`, { body: '2019 — does it fit?' })).status).toBe(201);
      await marthaStream.next((f) => f.type === 'discussion.message' && f.data.message.body === '2019 — does it fit?');
      // A retry with the same client id stores nothing twice.
      expect((await martha.api('POST', `/api/v1/discussions/${requestId}/messages`, { body: 'Which year is the car?', clientId: 'c1' })).body.id).toBe(q.body.id);
      // The thread is not for anyone else of the queue; the supervisor reads it.
      expect((await nina.api('GET', `/api/v1/discussions/${requestId}/messages`)).status).toBe(404);
      expect((await sam.api('GET', `/api/v1/discussions/${requestId}/messages`)).body.items.map((m: any) => m.body)).toEqual(['Which year is the car?', '2019 — does it fit?']);
      expect((await sam.api('POST', `/api/v1/discussions/${requestId}/messages`, { body: 'me too' })).status).toBe(403);

      // The consultant cannot end it; the initiator cannot leave it.
      expect((await martha.api('POST', `/api/v1/discussions/${requestId}/end`, { resolved: true })).body.error.code).toBe('not_initiator');
      expect((await mark.api('POST', `/api/v1/discussions/${requestId}/leave`)).body.error.code).toBe('not_consultant');

      t.clock.advance(60_000);
      const ended = await mark.api('POST', `/api/v1/discussions/${requestId}/end`, { resolved: true });
      expect(ended.status).toBe(200);
      expect(ended.body).toMatchObject({ status: 'ended', resolved: true, endCause: 'ended_by_initiator', durationMs: 60_000 });
      expect(ended.body.steps.map((s: any) => [s.step, s.by?.name ?? null])).toEqual([
        ['requested', 'Mark Watney'],
        ['accepted', 'Martha Lee'],
        ['ended', 'Mark Watney'],
      ]);
      const [requestedAt, acceptedAt, endedAt] = ended.body.steps.map((s: any) => s.at);
      expect([acceptedAt - requestedAt, endedAt - acceptedAt]).toEqual([15_000, 60_000]);
      await marthaStream.next((f) => f.type === 'discussion.ended');
      await marthaStream.next((f) => f.type === 'conversation.revoked' && f.data.id === id);

      // She loses sight of the conversation and of the thread; Mark keeps the thread.
      expect((await martha.api('GET', `/api/v1/conversations/${id}`)).status).toBe(404);
      expect((await martha.api('GET', `/api/v1/discussions/${requestId}/messages`)).status).toBe(404);
      expect((await mark.api('GET', `/api/v1/discussions/${requestId}/messages`)).body.items).toHaveLength(2);
      expect((await martha.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'now?' })).status).toBe(404);

      // One system line per step in the thread, for the agents.
      const history = await lines(id);
      expect(history).toEqual(expect.arrayContaining([
        'Mark Watney requested to discuss with Martha Lee',
        'Martha Lee accepted the discuss request',
        'Mark Watney ended the discussion with Martha Lee (issue resolved: yes)',
      ]));
      // The conversation's Tracking section.
      const tracking = (await mark.api('GET', `/api/v1/conversations/${id}/requests`)).body.items;
      expect(tracking.map((r: any) => r.status)).toEqual(['ended']);
    } finally {
      marthaStream.close();
      markStream.close();
    }
  });

  it('takes files uploaded to the conversation, within the web chat limits, and nothing else', async () => {
    const id = await smithsConversation();
    const other = await smithsConversation();
    const r = (await discuss(mark, id, martha)).body;
    await martha.api('POST', `/api/v1/discuss-requests/${r.id}/accept`, {});
    const file = (conversation: number, size: number, contentType = 'image/png') => ({ name: 'photo.png', contentType, size, url: `/api/v1/conversations/${conversation}/attachments/abc123` });
    const elsewhere = await martha.api('POST', `/api/v1/discussions/${r.id}/messages`, { body: 'look', attachments: [file(other, 1000)] });
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([422, 'attachment_not_in_conversation']);
    const huge = await martha.api('POST', `/api/v1/discussions/${r.id}/messages`, { body: 'look', attachments: [file(id, 500 * 1024 * 1024)] });
    expect([huge.status, huge.body.error.code]).toEqual([422, 'attachment_too_large']);
    const ok = await martha.api('POST', `/api/v1/discussions/${r.id}/messages`, { body: '', attachments: [file(id, 1000)] });
    expect(ok.status).toBe(201);
    expect(ok.body.attachments).toHaveLength(1);
    expect((await martha.api('POST', `/api/v1/discussions/${r.id}/messages`, { body: '  ' })).status).toBe(400);
    await mark.api('POST', `/api/v1/discussions/${r.id}/end`, { resolved: true });
  });

  it('lets the consultant leave, which ends it at once', async () => {
    const id = await smithsConversation();
    const r = (await discuss(mark, id, martha)).body;
    await martha.api('POST', `/api/v1/discuss-requests/${r.id}/accept`, {});
    const left = await martha.api('POST', `/api/v1/discussions/${r.id}/leave`);
    expect(left.body).toMatchObject({ status: 'left', endCause: 'left_by_consultant', resolved: null });
    expect((await martha.api('GET', `/api/v1/conversations/${id}`)).status).toBe(404);
    expect((await mark.api('POST', `/api/v1/discussions/${r.id}/messages`, { body: 'still there?' })).body.error.code).toBe('discussion_not_active');
    expect(await lines(id)).toContain('Martha Lee left the discussion');
  });
});

describe('the stream on replay (resumable like the rest, for the same audience)', () => {
  it('a reconnecting recipient gets the request she cannot see the conversation of; an agent of the queue never gets the discussion', async () => {
    const id = await smithsConversation();
    const before = t.server.services.dispatcher.lastSeq;
    const d = (await discuss(mark, id, martha)).body;
    await martha.api('POST', `/api/v1/discuss-requests/${d.id}/accept`, {});
    await martha.api('POST', `/api/v1/discussions/${d.id}/messages`, { body: 'REPLAYED-SECRET' });
    await mark.api('POST', `/api/v1/discussions/${d.id}/end`, { resolved: false });
    // Now the conversation waits unassigned in Sales: every agent of Sales may see it.
    expect((await mark.api('POST', `/api/v1/conversations/${id}/transfer-to-queue`, { queueId: sales })).status).toBe(200);
    const other = await signIn(t, await createUser(t, 'agent', 'Paul Peer', [sales]));
    const replays = { martha: await openStream(t, martha, before), mark: await openStream(t, mark, before), other: await openStream(t, other, before) };
    try {
      const types = (f: any[]) => f.map((x) => x.type).filter((x) => /^(request|discussion)\./.test(x));
      // Martha's discussion has ended: its steps stay hers, its messages do not (REST refuses them too).
      expect(types(replays.martha.frames)).toEqual(['request.created', 'request.answered', 'discussion.ended']);
      expect(types(replays.mark.frames)).toEqual(['request.created', 'request.answered', 'discussion.message', 'discussion.ended']);
      expect(types(replays.other.frames)).toEqual([]);
      expect(JSON.stringify(replays.other.frames)).not.toContain('REPLAYED-SECRET');
    } finally {
      Object.values(replays).forEach((r) => r.close());
    }
  });
});

describe('replay judges by who may read the discussion now, as REST does', () => {
  it('a former consultant resuming from lastSeq 0 gets no message of the ended discussion', async () => {
    const id = await smithsConversation();
    const d = (await discuss(mark, id, martha)).body;
    await martha.api('POST', `/api/v1/discuss-requests/${d.id}/accept`, {});
    await mark.api('POST', `/api/v1/discussions/${d.id}/messages`, { body: 'FORMER-CONSULT-SECRET' });
    // Typing in the panel is an ephemeral signal (issue 17 item 6): live for Mark, never an event row.
    const db = t.server.services.store.db;
    const typingRows = async () => Number((await db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', 'discussion.typing').executeTakeFirst())?.n);
    const live = await openStream(t, mark);
    try {
      expect((await martha.api('POST', `/api/v1/discussions/${d.id}/typing`, { typing: true })).status).toBe(200);
      await live.next((f) => f.type === 'discussion.typing' && f.data.requestId === d.id && f.data.typing === true);
    } finally {
      live.close();
    }
    expect(await typingRows()).toBe(0);
    await martha.api('POST', `/api/v1/discussions/${d.id}/leave`, {});
    expect((await martha.api('GET', `/api/v1/discussions/${d.id}/messages`)).status).toBe(404);
    const replays = { martha: await openStream(t, martha, 0), mark: await openStream(t, mark, 0) };
    try {
      const ofIt = (f: any[]) => f.filter((x) => /^(request|discussion)\./.test(x.type) && (x.data.record?.id ?? x.data.message?.requestId ?? x.data.requestId) === d.id).map((x) => x.type);
      expect(ofIt(replays.martha.frames)).toEqual(['request.created', 'request.answered', 'discussion.ended']);
      expect(JSON.stringify(replays.martha.frames)).not.toContain('FORMER-CONSULT-SECRET');
      // The initiator keeps the discussion, on replay as over REST.
      expect(ofIt(replays.mark.frames)).toEqual(['request.created', 'request.answered', 'discussion.message', 'discussion.ended']);
    } finally {
      Object.values(replays).forEach((r) => r.close());
    }
  });
});

describe('answering and withdrawing', () => {
  it('a rejection needs a reason and records it; only the recipient answers', async () => {
    const id = await smithsConversation();
    const r = (await discuss(mark, id, martha)).body;
    expect((await mark.api('POST', `/api/v1/discuss-requests/${r.id}/reject`, { reason: 'no' })).body.error.code).toBe('not_recipient');
    expect((await mark.api('POST', `/api/v1/discuss-requests/${r.id}/accept`, {})).body.error.code).toBe('not_recipient');
    expect((await nina.api('POST', `/api/v1/discuss-requests/${r.id}/accept`, {})).status).toBe(404);
    const blank = await martha.api('POST', `/api/v1/discuss-requests/${r.id}/reject`, { reason: '  ' });
    expect([blank.status, blank.body.error.code]).toEqual([422, 'reason_required']);
    const rejected = await martha.api('POST', `/api/v1/discuss-requests/${r.id}/reject`, { reason: 'Busy with another case' });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: 'Busy with another case' });
    expect((await martha.api('GET', `/api/v1/conversations/${id}`)).status).toBe(404);
    expect((await martha.api('POST', `/api/v1/discuss-requests/${r.id}/accept`, {})).body.error.code).toBe('request_not_pending');
    expect(await lines(id)).toContain('Martha Lee rejected the discuss request: Busy with another case');
  });

  it('a withdrawal needs a reason, is only the initiator’s, and only while pending', async () => {
    const id = await smithsConversation();
    const r = (await discuss(mark, id, martha)).body;
    const stream = await openStream(t, martha);
    try {
      expect((await martha.api('POST', `/api/v1/discuss-requests/${r.id}/withdraw`, { reason: 'x' })).body.error.code).toBe('not_initiator');
      expect((await mark.api('POST', `/api/v1/discuss-requests/${r.id}/withdraw`, { reason: '' })).body.error.code).toBe('reason_required');
      const w = await mark.api('POST', `/api/v1/discuss-requests/${r.id}/withdraw`, { reason: 'Issue resolved' });
      expect(w.body).toMatchObject({ status: 'withdrawn', withdrawReason: 'Issue resolved' });
      await stream.next((f) => f.type === 'request.withdrawn' && f.data.record.id === r.id);
    } finally {
      stream.close();
    }
    const again = (await discuss(mark, id, martha)).body;
    await martha.api('POST', `/api/v1/discuss-requests/${again.id}/accept`, {});
    expect((await mark.api('POST', `/api/v1/discuss-requests/${again.id}/withdraw`, { reason: 'too late' })).body.error.code).toBe('request_not_pending');
    await mark.api('POST', `/api/v1/discussions/${again.id}/end`, { resolved: false });
  });
});

describe('who may be asked, and how often', () => {
  it('refuses oneself, the other user type, someone outside the queue, and a second open discussion with the same colleague', async () => {
    const id = await smithsConversation();
    const codes = async (r: Promise<{ status: number; body: any }>) => {
      const x = await r;
      return [x.status, x.body?.error?.code];
    };
    expect(await codes(discuss(mark, id, mark))).toEqual([422, 'cannot_request_yourself']);
    expect(await codes(discuss(mark, id, sam, 'user'))).toEqual([422, 'recipient_type_mismatch']);
    expect(await codes(discuss(mark, id, martha, 'manager'))).toEqual([422, 'recipient_type_mismatch']);
    expect(await codes(discuss(mark, id, nina))).toEqual([422, 'recipient_not_in_queue']);
    expect(await codes(discuss(mark, id, sue, 'manager'))).toEqual([422, 'recipient_not_in_queue']);
    expect(await codes(discuss(martha, id, sam, 'manager'))).toEqual([404, 'not_found']); // she does not see it
    expect(await codes(discuss(sam, id, martha))).toEqual([403, 'forbidden']); // supervisors reassign instead
    const first = (await discuss(mark, id, martha)).body;
    expect(await codes(discuss(mark, id, martha))).toEqual([409, 'discussion_already_open']);
    await martha.api('POST', `/api/v1/discuss-requests/${first.id}/accept`, {});
    expect(await codes(discuss(mark, id, martha))).toEqual([409, 'discussion_already_open']);
    // A second consultant at the same time is fine.
    expect((await discuss(mark, id, sam, 'manager')).status).toBe(201);
    expect((await discuss(mark, id, admin, 'manager')).status).toBe(201);

    // The picker: the other colleagues of the queue, by type, with status and load; never Mark or a consultant.
    const users = (await mark.api('GET', `/api/v1/conversations/${id}/request-targets?type=user`)).body.items;
    expect(users.map((u: any) => u.userId)).not.toContain(mark.id);
    expect(users.map((u: any) => u.userId)).not.toContain(martha.id);
    expect(users.map((u: any) => u.userId)).not.toContain(nina.id);
    const other = await signIn(t, await createUser(t, 'agent', 'Olga Other', [sales]));
    const again = (await mark.api('GET', `/api/v1/conversations/${id}/request-targets?type=user`)).body.items;
    expect(again.find((u: any) => u.userId === other.id)).toMatchObject({ name: 'Olga Other', status: expect.any(String), load: 0 });
    const managers = (await mark.api('GET', `/api/v1/conversations/${id}/request-targets?type=manager`)).body.items.map((u: any) => u.userId);
    expect(managers).not.toContain(sue.id);
    expect(managers).not.toContain(sam.id); // asked already
  });

  it('allows one pending assign request per conversation', async () => {
    const id = await smithsConversation();
    const first = await assign(mark, id, martha);
    expect(first.status).toBe(201);
    const second = await assign(mark, id, sam, 'manager');
    expect([second.status, second.body.error.code]).toEqual([409, 'assign_request_pending']);
    await martha.api('POST', `/api/v1/assign-requests/${first.body.id}/reject`, { reason: 'At capacity' });
    expect((await assign(mark, id, sam, 'manager')).status).toBe(201);
    // The paths do not mix: an assign request is not answered on the discuss path.
    expect((await martha.api('POST', `/api/v1/discuss-requests/${first.body.id}/accept`, {})).status).toBe(404);
  });
});

describe('assign requests (seed 000: same as Assign)', () => {
  it('moves the conversation only on accept, like a reassignment; rejection leaves it where it was', async () => {
    const id = await smithsConversation();
    const r = (await assign(mark, id, martha)).body;
    expect((await admin.api('GET', `/api/v1/conversations/${id}`)).body.assigneeId).toBe(mark.id);
    const before = (await admin.api('GET', '/api/v1/routing/agents')).body.items.find((a: any) => a.userId === martha.id).load;
    const markStream = await openStream(t, mark);
    try {
      const ok = await martha.api('POST', `/api/v1/assign-requests/${r.id}/accept`, {});
      expect(ok.body).toMatchObject({ status: 'accepted' });
      await markStream.next((f) => f.type === 'conversation.revoked' && f.data.id === id);
    } finally {
      markStream.close();
    }
    const c = (await admin.api('GET', `/api/v1/conversations/${id}`)).body;
    expect(c.assigneeId).toBe(martha.id);
    expect((await mark.api('GET', `/api/v1/conversations/${id}`)).status).toBe(404);
    const after = (await admin.api('GET', '/api/v1/routing/agents')).body.items.find((a: any) => a.userId === martha.id).load;
    expect(after).toBe(before + 1);
    // Martha replies as the agent in charge now.
    expect((await martha.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Martha here, I will help you' })).status).toBe(201);
    expect(await lines(id)).toContain('Assigned to Martha Lee at the request of Mark Watney');
  });

  it('an accepted assign request ends the initiator’s active discussion, with the cause recorded', async () => {
    const id = await smithsConversation();
    const d = (await discuss(mark, id, sam, 'manager')).body;
    await sam.api('POST', `/api/v1/discuss-requests/${d.id}/accept`, {});
    const pendingDiscuss = (await discuss(mark, id, admin, 'manager')).body;
    const a = (await assign(mark, id, martha)).body;
    const adminStream = await openStream(t, admin);
    await martha.api('POST', `/api/v1/assign-requests/${a.id}/accept`, {});
    // The recipient of the pending one hears it was cancelled (frames checked against their schema, test/frames.ts).
    await adminStream.next((f) => f.type === 'request.cancelled' && f.data.record.id === pendingDiscuss.id);
    adminStream.close();
    const records = (await admin.api('GET', `/api/v1/conversations/${id}/requests`)).body.items;
    expect(records.find((r: any) => r.id === d.id)).toMatchObject({ status: 'ended', endCause: 'initiator_lost_conversation', resolved: null });
    expect(records.find((r: any) => r.id === pendingDiscuss.id)).toMatchObject({ status: 'cancelled', endCause: 'initiator_lost_conversation' });
    expect(await lines(id)).toContain('The discussion with Sam Boss ended: Mark Watney no longer has the conversation');
  });
});

describe('the initiator loses the conversation', () => {
  it('a reassignment or a transfer ends his discussion by itself, and the consultant loses sight', async () => {
    for (const move of ['reassign', 'transfer-to-agent', 'transfer-to-queue'] as const) {
      const id = await smithsConversation();
      const d = (await discuss(mark, id, martha)).body;
      await martha.api('POST', `/api/v1/discuss-requests/${d.id}/accept`, {});
      const body = move === 'reassign' ? { assigneeId: nina.id } : move === 'transfer-to-agent' ? { userId: nina.id } : { queueId: support };
      expect((await mark.api('POST', `/api/v1/conversations/${id}/${move}`, body)).status).toBe(200);
      const rec = (await mark.api('GET', `/api/v1/requests/${d.id}`)).body;
      expect([move, rec.status, rec.endCause]).toEqual([move, 'ended', 'initiator_lost_conversation']);
      expect((await martha.api('GET', `/api/v1/conversations/${id}`)).status).toBe(404);
    }
  });
});

describe('auto timeout (seed 000)', () => {
  it('a pending request times out after the configured duration, both sides told; only admins change it', async () => {
    expect((await mark.api('PUT', '/api/v1/settings/requests', { discussTimeoutMs: 30_000 })).status).toBe(403);
    expect((await admin.api('GET', '/api/v1/settings/requests')).body).toEqual({ discussTimeoutMs: 120_000, assignTimeoutMs: 120_000 });
    expect((await admin.api('PUT', '/api/v1/settings/requests', { discussTimeoutMs: 5 })).status).toBe(400);
    expect((await admin.api('PUT', '/api/v1/settings/requests', { discussTimeoutMs: 30_000 })).body).toEqual({ discussTimeoutMs: 30_000, assignTimeoutMs: 120_000 });
    const id = await smithsConversation();
    const d = (await discuss(mark, id, martha)).body;
    const a = (await assign(mark, id, sam, 'manager')).body;
    expect(d.expiresAt - d.requestedAt).toBe(30_000);
    expect(a.expiresAt - a.requestedAt).toBe(120_000);
    const streams = [await openStream(t, mark), await openStream(t, martha)];
    try {
      t.clock.advance(29_999);
      await runDueTimers(t.server.services.actions);
      expect((await mark.api('GET', `/api/v1/requests/${d.id}`)).body.status).toBe('pending');
      t.clock.advance(1);
      await runDueTimers(t.server.services.actions);
      for (const s of streams) await s.next((f) => f.type === 'request.timed_out' && f.data.record.id === d.id);
      expect((await mark.api('GET', `/api/v1/requests/${d.id}`)).body).toMatchObject({ status: 'timed_out', waitMs: 30_000 });
      expect((await martha.api('POST', `/api/v1/discuss-requests/${d.id}/accept`, {})).body.error.code).toBe('request_not_pending');
      expect((await mark.api('GET', `/api/v1/requests/${a.id}`)).body.status).toBe('pending');
      t.clock.advance(90_000);
      await runDueTimers(t.server.services.actions);
      expect((await mark.api('GET', `/api/v1/requests/${a.id}`)).body.status).toBe('timed_out');
      expect((await admin.api('GET', `/api/v1/conversations/${id}`)).body.assigneeId).toBe(mark.id);
      expect(await lines(id)).toContain('The discuss request to Martha Lee timed out');
    } finally {
      streams.forEach((s) => s.close());
      await admin.api('PUT', '/api/v1/settings/requests', { discussTimeoutMs: 120_000 });
    }
  });

  it('an answered request leaves no timer behind', async () => {
    const id = await smithsConversation();
    const d = (await discuss(mark, id, martha)).body;
    await martha.api('POST', `/api/v1/discuss-requests/${d.id}/reject`, { reason: 'Busy' });
    const timers = await t.server.services.store.db.selectFrom('timers').select('kind').where('conversation_id', '=', id).where('kind', 'in', ['discuss_request_timeout', 'assign_request_timeout']).execute();
    expect(timers).toEqual([]);
  });
});

describe('the tracking list (supervisors and admins)', () => {
  it('filters by type, status, user, queue and date, and exports CSV; agents and other queues see nothing', async () => {
    const from = t.clock.now() + 1;
    t.clock.advance(10);
    const id = await smithsConversation();
    const d = (await discuss(mark, id, martha)).body;
    await martha.api('POST', `/api/v1/discuss-requests/${d.id}/reject`, { reason: 'Busy, with "quotes", and commas' });
    const a = (await assign(mark, id, martha)).body;
    const until = t.clock.now();
    const list = async (who: Caller, q: string) => (await who.api('GET', `/api/v1/engagement-records?${q}`)).body;
    expect((await mark.api('GET', '/api/v1/engagement-records')).status).toBe(403);
    expect((await list(sue, `since=${from}`)).items).toEqual([]);
    expect((await list(sam, `since=${from}&until=${until}`)).items.map((r: any) => r.id)).toEqual([a.id, d.id]);
    expect((await list(sam, `since=${from}&type=discuss`)).items.map((r: any) => r.id)).toEqual([d.id]);
    expect((await list(admin, `since=${from}&status=pending`)).items.map((r: any) => r.id)).toEqual([a.id]);
    expect((await list(admin, `since=${from}&userId=${martha.id}`)).items).toHaveLength(2);
    expect((await list(admin, `since=${from}&userId=${nina.id}`)).items).toHaveLength(0);
    expect((await list(admin, `since=${from}&queueId=${support}`)).items).toHaveLength(0);
    expect((await list(admin, `since=${until + 1}`)).items).toHaveLength(0);
    const page1 = await list(admin, `since=${from}&limit=1`);
    expect(page1.items.map((r: any) => r.id)).toEqual([a.id]);
    expect((await list(admin, `since=${from}&limit=1&cursor=${page1.nextCursor}`)).items.map((r: any) => r.id)).toEqual([d.id]);

    const csv = await t.server.app.inject({ method: 'GET', url: `/api/v1/engagement-records.csv?since=${from}`, cookies: { sb_session: sam.cookie } });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const rows = csv.body.trim().split('\r\n');
    expect(rows[0]).toMatch(/^id,type,conversation,customer,queue,initiator,recipient,recipient type,status,reject reason/);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toContain('"Busy, with ""quotes"", and commas"');
    expect(rows[2]).toContain('Sales,Mark Watney,Martha Lee,user,rejected');
  });

  it('has no route that edits a record', async () => {
    const id = await smithsConversation();
    const d = (await discuss(mark, id, martha)).body;
    for (const method of ['PATCH', 'PUT', 'DELETE']) expect((await admin.api(method, `/api/v1/requests/${d.id}`, {})).status).toBe(404);
  });
});
