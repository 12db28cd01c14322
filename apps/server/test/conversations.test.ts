import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ENGINE, bearer, createQueue, createUser, customerWrites, openStream, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { unreadSummaryQuery } from '../../server/src/store/unread.ts';

let t: TestServer;
let admin: Caller;
let adminToken: string;
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

let seq = 0;
/** A customer writes in and the conversation is given to `agent`. */
async function conversationFor(agent: Caller, body = 'Hello, I need help') {
  const ext = `cust-${++seq}`;
  const r = await customerWrites(t, adminToken, { externalId: ext, name: `Customer ${seq}`, body, queueId: support });
  expect(r.status).toBe(201);
  const id = r.body.conversationId as number;
  const assign = await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: agent.id });
  expect(assign.status).toBe(200);
  return { id, ext };
}

describe('messages', () => {
  it('accepts a 2000-character reply and refuses 2001 characters with a clear error', async () => {
    const { id } = await conversationFor(mark);
    const ok = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'x'.repeat(2000) });
    expect(ok.status).toBe(201);
    const tooLong = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'x'.repeat(2001) });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error.code).toBe('message_too_long');
    expect(tooLong.body.error.message).toMatch(/2000/);
    const history = await mark.api('GET', `/api/v1/conversations/${id}/messages`);
    expect(history.body.items.filter((m: any) => m.senderKind === 'agent')).toHaveLength(1);
  });

  it('refuses an empty message', async () => {
    const { id } = await conversationFor(mark);
    const r = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: '   ' });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('message_empty');
  });

  it('stores a retried send once when the client id repeats', async () => {
    const { id } = await conversationFor(mark);
    const first = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Once only', clientId: 'c-1' });
    const again = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Once only', clientId: 'c-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const history = await mark.api('GET', `/api/v1/conversations/${id}/messages`);
    expect(history.body.items.filter((m: any) => m.body === 'Once only')).toHaveLength(1);
  });

  it('keeps a redelivered inbound webhook as one message', async () => {
    const a = await customerWrites(t, adminToken, { externalId: 'dup-1', body: 'Where is my parcel?', queueId: support, messageId: 'wamid.1' });
    const b = await customerWrites(t, adminToken, { externalId: 'dup-1', body: 'Where is my parcel?', queueId: support, messageId: 'wamid.1' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.message.id).toBe(a.body.message.id);
    const history = await admin.api('GET', `/api/v1/conversations/${a.body.conversationId}/messages`);
    expect(history.body.items).toHaveLength(1);
  });

  it('labels internal notes and lets an agent quote a specific customer message', async () => {
    const { id } = await conversationFor(mark, 'My order 4411 is late');
    const history = await mark.api('GET', `/api/v1/conversations/${id}/messages`);
    const customerMsg = history.body.items[0];
    const note = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Customer called earlier, promised callback', internal: true });
    expect(note.body.internal).toBe(true);
    const quote = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Checking 4411 now', replyToId: customerMsg.id });
    expect(quote.body.replyToId).toBe(customerMsg.id);
    const foreign = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'x', replyToId: 999999 });
    expect(foreign.body.error.code).toBe('reply_to_not_found');
  });

  it("refuses a public reply from an agent who is not in charge (seed 002), but lets them add a note", async () => {
    const { id } = await conversationFor(mark);
    const supervisorLike = await signIn(t, await createUser(t, 'supervisor', 'Sue Visor', [support]));
    const reply = await supervisorLike.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Hi' });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('not_assignee');
    const note = await supervisorLike.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'FYI', internal: true });
    expect(note.status).toBe(201);
  });

  it('moves delivery status forward only and shows a failure reason', async () => {
    const r = await customerWrites(t, adminToken, { externalId: 'wa-status', body: 'Hi', queueId: support });
    const id = r.body.conversationId;
    await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: mark.id });
    const sent = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Hello there' });
    const deliver = (status: string, failureReason?: string) =>
      admin.api('POST', `/api/v1/messages/${sent.body.id}/delivery`, { status, ...(failureReason ? { failureReason } : {}) });
    expect((await deliver('read')).body.status).toBe('read');
    expect((await deliver('delivered')).body.status).toBe('read');
    const fail = await deliver('failed', 'Outside the 24-hour window');
    expect(fail.status).toBe(409);
    const second = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Second' });
    const failed = await admin.api('POST', `/api/v1/messages/${second.body.id}/delivery`, { status: 'failed', failureReason: 'Outside the 24-hour window' });
    expect(failed.body).toMatchObject({ status: 'failed', failureReason: 'Outside the 24-hour window' });
  });
});

describe('closing, reopening and resolving', () => {
  it('reopens a closed conversation when the customer writes (seed 002)', async () => {
    const { id, ext } = await conversationFor(mark);
    const closed = await mark.api('POST', `/api/v1/conversations/${id}/close`);
    expect(closed.body.status).toBe('closed');
    await customerWrites(t, adminToken, { externalId: ext, body: 'One more thing' });
    const after = await mark.api('GET', `/api/v1/conversations/${id}`);
    expect(after.body.status).toBe('active');
    const history = await mark.api('GET', `/api/v1/conversations/${id}/messages`);
    const kinds = history.body.items.map((m: any) => m.systemEvent?.kind ?? m.senderKind);
    expect(kinds).toEqual(['customer', 'assigned', 'closed', 'reopened', 'customer']);
  });

  it('reopens a closed conversation when the agent writes (seed 002)', async () => {
    const { id } = await conversationFor(mark);
    await mark.api('POST', `/api/v1/conversations/${id}/close`);
    const r = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Following up on your question' });
    expect(r.status).toBe(201);
    expect((await mark.api('GET', `/api/v1/conversations/${id}`)).body.status).toBe('pending');
  });

  it('starts a new linked conversation when the customer writes after resolution (seed 004)', async () => {
    const { id, ext } = await conversationFor(mark);
    const resolved = await mark.api('POST', `/api/v1/conversations/${id}/resolve`, { note: 'Refund processed' });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolutionNote: 'Refund processed' });
    const again = await customerWrites(t, adminToken, { externalId: ext, body: 'The refund has not arrived' });
    expect(again.body.conversationId).not.toBe(id);
    const fresh = await admin.api('GET', `/api/v1/conversations/${again.body.conversationId}`);
    expect(fresh.body).toMatchObject({ status: 'queued', previousConversationId: id, assigneeId: null });
    expect((await admin.api('GET', `/api/v1/conversations/${id}`)).body.status).toBe('resolved');
  });

  it('ends a chat into wrap-up and closes the wrap-up as handled (seed 001)', async () => {
    const { id } = await conversationFor(mark);
    const ended = await mark.api('POST', `/api/v1/conversations/${id}/end-chat`);
    expect(ended.body.status).toBe('wrap_up');
    const reply = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'late reply' });
    expect(reply.body.error.code).toBe('conversation_in_wrap_up');
    const closed = await mark.api('POST', `/api/v1/conversations/${id}/close-wrap-up`);
    expect(closed.body.status).toBe('resolved');
  });

  it('refuses to close a conversation twice with a stable code', async () => {
    const { id } = await conversationFor(mark);
    await mark.api('POST', `/api/v1/conversations/${id}/close`);
    const again = await mark.api('POST', `/api/v1/conversations/${id}/close`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_closed');
  });
});

describe('reassignment (seed 002)', () => {
  it('lets only an admin or the agent in charge reassign', async () => {
    const { id } = await conversationFor(mark);
    const byOther = await martha.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: martha.id });
    expect(byOther.status).toBe(404); // Martha cannot even see Mark's conversation
    const byOwner = await mark.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: martha.id, note: 'Customer needs Spanish support' });
    expect(byOwner.status).toBe(200);
    expect((await martha.api('GET', `/api/v1/conversations/${id}`)).body.assigneeId).toBe(martha.id);
  });

  it('takes the history away from the previous agent and stops them writing', async () => {
    const { id } = await conversationFor(mark);
    await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: martha.id });
    expect((await mark.api('GET', `/api/v1/conversations/${id}`)).status).toBe(404);
    expect((await mark.api('GET', `/api/v1/conversations/${id}/messages`)).status).toBe(404);
    expect((await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'hi' })).status).toBe(404);
    const history = await martha.api('GET', `/api/v1/conversations/${id}/messages`);
    expect(history.body.items.at(-1).body).toBe('Reassigned to Martha Jones by Ada Admin');
  });

  it('drops a reassigned conversation from the previous agent’s list and search, though he is still in its queue', async () => {
    const { id } = await conversationFor(mark, 'My parcel never arrived');
    const listed = async (who: Caller, q = '') => (await who.api('GET', `/api/v1/conversations?limit=200${q && `&q=${encodeURIComponent(q)}`}`)).body.items.map((c: any) => c.id);
    expect(await listed(mark)).toContain(id);
    await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: martha.id });
    for (const q of ['', 'parcel never arrived', `#${id}`]) {
      expect(await listed(mark, q)).not.toContain(id);
      expect(await listed(martha, q)).toContain(id);
    }
  });

  it('leaves a closed conversation closed when it is reassigned', async () => {
    const { id } = await conversationFor(mark);
    await mark.api('POST', `/api/v1/conversations/${id}/close`);
    await mark.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: martha.id });
    const c = await martha.api('GET', `/api/v1/conversations/${id}`);
    expect(c.body).toMatchObject({ status: 'closed', assigneeId: martha.id });
  });
});

describe('blocking and unpinning customers (seed 002)', () => {
  it('refuses messages both ways while a customer is blocked', async () => {
    const { id, ext } = await conversationFor(mark);
    const conv = await mark.api('GET', `/api/v1/conversations/${id}`);
    const contactId = conv.body.contact.id;
    expect((await mark.api('POST', `/api/v1/contacts/${contactId}/block`)).body.blocked).toBe(true);
    const out = await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Hello?' });
    expect(out.status).toBe(403);
    expect(out.body.error.code).toBe('customer_blocked');
    const inbound = await customerWrites(t, adminToken, { externalId: ext, body: 'spam spam' });
    expect(inbound.status).toBe(403);
    expect(inbound.body.error.code).toBe('customer_blocked');
    await mark.api('POST', `/api/v1/contacts/${contactId}/unblock`);
    expect((await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Hello again' })).status).toBe(201);
  });

  it('unpins the customer from the conversation but keeps the customer', async () => {
    const { id } = await conversationFor(mark);
    const contactId = (await mark.api('GET', `/api/v1/conversations/${id}`)).body.contact.id;
    const r = await mark.api('POST', `/api/v1/conversations/${id}/unpin-customer`);
    expect(r.body.contact).toBeNull();
    // The customer stays in the system (an admin finds them); Mark reached them only through this conversation (issue 9).
    expect((await bearer(t, adminToken, 'GET', `/api/v1/contacts/${contactId}`)).status).toBe(200);
    expect((await mark.api('GET', `/api/v1/contacts/${contactId}`)).status).toBe(404);
  });
});

describe('unread and drafts (seed 002)', () => {
  it('counts unread customer messages and clears them when read', async () => {
    const { id, ext } = await conversationFor(mark, 'first');
    await customerWrites(t, adminToken, { externalId: ext, body: 'second' });
    let c = await mark.api('GET', `/api/v1/conversations/${id}`);
    expect(c.body.unreadCount).toBe(2);
    await mark.api('POST', `/api/v1/conversations/${id}/read`);
    c = await mark.api('GET', `/api/v1/conversations/${id}`);
    expect(c.body.unreadCount).toBe(0);
  });

  it('marks a conversation unread only for the user who did it', async () => {
    const { id } = await conversationFor(mark);
    const sup = await signIn(t, await createUser(t, 'supervisor', 'Sam Supervisor', [support]));
    await mark.api('POST', `/api/v1/conversations/${id}/read`);
    await sup.api('POST', `/api/v1/conversations/${id}/read`);
    await mark.api('POST', `/api/v1/conversations/${id}/unread`);
    expect((await mark.api('GET', `/api/v1/conversations/${id}`)).body.markedUnread).toBe(true);
    expect((await sup.api('GET', `/api/v1/conversations/${id}`)).body.markedUnread).toBe(false);
    const unread = await mark.api('GET', '/api/v1/conversations/unread');
    expect(unread.body.conversations).toBeGreaterThanOrEqual(1);
    await mark.api('POST', `/api/v1/conversations/${id}/read`);
    expect((await mark.api('GET', `/api/v1/conversations/${id}`)).body.markedUnread).toBe(false);
  });

  it('keeps a draft per user and shows it in that user’s list only', async () => {
    const { id } = await conversationFor(mark);
    await mark.api('PUT', `/api/v1/conversations/${id}/draft`, { body: 'Let me check with the warehouse' });
    const mine = await mark.api('GET', '/api/v1/conversations?view=mine&limit=200');
    expect(mine.body.items.find((c: any) => c.id === id).draft.body).toBe('Let me check with the warehouse');
    const adminView = await admin.api('GET', `/api/v1/conversations/${id}`);
    expect(adminView.body.draft).toBeNull();
    await mark.api('PUT', `/api/v1/conversations/${id}/draft`, { body: '' });
    expect((await mark.api('GET', `/api/v1/conversations/${id}`)).body.draft).toBeNull();
  });

  it('counts the header total over the agent’s own inbox', async () => {
    const fresh = await signIn(t, await createUser(t, 'agent', 'Fresh Agent', []));
    const before = await fresh.api('GET', '/api/v1/conversations/unread');
    expect(before.body).toEqual({ conversations: 0, messages: 0 });
    const { ext } = await conversationFor(fresh, 'one');
    await customerWrites(t, adminToken, { externalId: ext, body: 'two' });
    const after = await fresh.api('GET', '/api/v1/conversations/unread');
    expect(after.body).toEqual({ conversations: 1, messages: 2 });
  });

  it('counts in the header the customers waiting unassigned in the agent’s queues', async () => {
    const q = await createQueue(t, 'Header count queue');
    const member = await signIn(t, await createUser(t, 'agent', 'Queue Member', [q]));
    expect((await member.api('GET', '/api/v1/conversations/unread')).body).toEqual({ conversations: 0, messages: 0 });
    const r = await customerWrites(t, adminToken, { externalId: `waiting-${++seq}`, body: 'Anyone there?', queueId: q });
    expect((await admin.api('GET', `/api/v1/conversations/${r.body.conversationId}`)).body).toMatchObject({ assigneeId: null, queueId: q });
    expect((await member.api('GET', '/api/v1/conversations/unread')).body).toEqual({ conversations: 1, messages: 1 });
  });
});

describe('the header’s unread figure (issue 14, seen 9)', () => {
  it('counts every unresolved conversation the user can see: an administrator in no queue counts the unassigned ones', async () => {
    const elsewhere = await createQueue(t, 'Elsewhere');
    const boss = await signIn(t, await createUser(t, 'admin', 'Bea Boss', []));
    const outsider = await signIn(t, await createUser(t, 'agent', 'Olly Outsider', []));
    const before = (await boss.api('GET', '/api/v1/conversations/unread')).body;
    const one = (await customerWrites(t, adminToken, { externalId: 'hdr-1', name: 'Header One', body: 'first', queueId: elsewhere })).body.conversationId;
    await customerWrites(t, adminToken, { externalId: 'hdr-1', body: 'second' });
    await customerWrites(t, adminToken, { externalId: 'hdr-2', name: 'Header Two', body: 'hello', queueId: elsewhere });
    const after = (await boss.api('GET', '/api/v1/conversations/unread')).body;
    expect(after).toEqual({ conversations: before.conversations + 2, messages: before.messages + 3 });
    await boss.api('POST', `/api/v1/conversations/${one}/read`);
    expect((await boss.api('GET', '/api/v1/conversations/unread')).body).toEqual({ conversations: before.conversations + 1, messages: before.messages + 1 });
    // An agent counts only what they can see: nothing of a queue they are not in.
    expect((await outsider.api('GET', '/api/v1/conversations/unread')).body).toEqual({ conversations: 0, messages: 0 });
  });

  it('reads conversations and messages through indexes on both engines, never a scan of either table', async () => {
    const db = t.server.services.store.db;
    const viewers = [
      { id: admin.id, role: 'admin' as const, queueIds: new Set<number>() },
      { id: mark.id, role: 'agent' as const, queueIds: new Set([support]) },
      { id: mark.id, role: 'supervisor' as const, queueIds: new Set([support]) },
    ];
    for (const viewer of viewers) {
      const q = unreadSummaryQuery(db, viewer).compile();
      if (ENGINE === 'sqlite') {
        const plan = (await db.executeQuery<{ detail: string }>({ ...q, sql: `explain query plan ${q.sql}` })).rows.map((r) => r.detail).join('\n');
        expect(plan).toContain('conversations_status');
        expect(plan).toContain('messages_customer');
        expect(plan).not.toMatch(/\bSCAN (c|m|r|conversations|messages)\b/);
      } else {
        // A tiny table has no statistics to pick indexes by: with sequential scans priced out, a plan
        // that still needs one would show it.
        const plan = await db.transaction().execute(async (tx) => {
          await sql`set local enable_seqscan = off`.execute(tx);
          return (await tx.executeQuery<{ 'QUERY PLAN': string }>({ ...q, sql: `explain ${q.sql}` })).rows.map((r) => r['QUERY PLAN']).join('\n');
        });
        expect(plan).not.toMatch(/Seq Scan on (conversations|messages)/);
      }
    }
  });
});

describe('the conversation list', () => {
  it('filters by customer tags with AND, by no tags and by pinned tags', async () => {
    const vip = (await admin.api('POST', '/api/v1/tags', { kind: 'customer', name: 'VIP', color: '#eab308' })).body.id;
    const eu = (await admin.api('POST', '/api/v1/tags', { kind: 'customer', name: 'EU', color: '#3b82f6' })).body.id;
    const both = await conversationFor(mark);
    const onlyVip = await conversationFor(mark);
    const none = await conversationFor(mark);
    const contactOf = async (id: number) => (await mark.api('GET', `/api/v1/conversations/${id}`)).body.contact.id;
    await mark.api('PUT', `/api/v1/contacts/${await contactOf(both.id)}/tags`, { tagId: vip, pinned: true });
    await mark.api('PUT', `/api/v1/contacts/${await contactOf(both.id)}/tags`, { tagId: eu });
    await mark.api('PUT', `/api/v1/contacts/${await contactOf(onlyVip.id)}/tags`, { tagId: vip });
    const ids = async (qs: string) => (await mark.api('GET', `/api/v1/conversations?limit=200&${qs}`)).body.items.map((c: any) => c.id);
    expect(await ids(`customerTagId=${vip},${eu}`)).toEqual([both.id]);
    expect(new Set(await ids(`customerTagId=${vip}`))).toEqual(new Set([both.id, onlyVip.id]));
    expect(await ids('noCustomerTags=true')).toContain(none.id);
    expect(await ids('noCustomerTags=true')).not.toContain(both.id);
    expect(await ids(`customerTagId=${vip}&pinnedCustomerTags=true`)).toEqual([both.id]);
  });

  it('filters by conversation tags and labels', async () => {
    const billing = (await admin.api('POST', '/api/v1/tags', { kind: 'conversation', name: 'Billing Issue' })).body.id;
    const labels = (await admin.api('GET', '/api/v1/labels')).body.items;
    const escalated = labels.find((l: any) => l.name === 'Escalated').id;
    const a = await conversationFor(mark);
    const b = await conversationFor(mark);
    const patched = await mark.api('PATCH', `/api/v1/conversations/${a.id}`, { tagIds: [billing], labelIds: [escalated], priority: 'high' });
    expect(patched.body.labels.map((l: any) => l.name)).toEqual(['Escalated']);
    expect(patched.body.priority).toBe('high');
    const ids = async (qs: string) => (await mark.api('GET', `/api/v1/conversations?limit=200&${qs}`)).body.items.map((c: any) => c.id);
    expect(await ids(`tagId=${billing}`)).toEqual([a.id]);
    expect(await ids(`labelId=${escalated}`)).toEqual([a.id]);
    expect(await ids(`labelId=${escalated}`)).not.toContain(b.id);
  });

  it('searches by name, email, phone, message content and conversation id', async () => {
    const r = await customerWrites(t, adminToken, { externalId: 'search-1', name: 'Zebulon Quartz', body: 'My toaster emits purple smoke', queueId: support });
    const id = r.body.conversationId;
    const contact = (await admin.api('GET', `/api/v1/conversations/${id}`)).body.contact.id;
    await admin.api('PATCH', `/api/v1/contacts/${contact}`, { email: 'zeb@quartz.example', phone: '+44 20 7946 0991' });
    const find = async (q: string) => (await admin.api('GET', `/api/v1/conversations?limit=200&q=${encodeURIComponent(q)}`)).body.items.map((c: any) => c.id);
    expect(await find('zebulon')).toEqual([id]);
    expect(await find('ZEB@QUARTZ')).toEqual([id]);
    expect(await find('7946')).toEqual([id]);
    expect(await find('2079460991')).toEqual([id]);
    const contacts = await admin.api('GET', '/api/v1/contacts?q=(20) 7946-0991');
    expect(contacts.body.items.map((c: any) => c.name)).toEqual(['Zebulon Quartz']);
    expect(await find('purple smoke')).toEqual([id]);
    expect(await find(`#${id}`)).toContain(id);
    expect(await find('100%_wild')).toEqual([]);
  });

  it('pages with a cursor, newest activity first, without repeats', async () => {
    const pageIds: number[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await admin.api('GET', `/api/v1/conversations?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      pageIds.push(...r.body.items.map((c: any) => c.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    const all = (await admin.api('GET', '/api/v1/conversations?limit=200')).body.items.map((c: any) => c.id);
    expect(pageIds).toEqual(all);
    expect(new Set(pageIds).size).toBe(pageIds.length);
  });

  it('answers a bad filter with a validation error, not a stack trace', async () => {
    const r = await admin.api('GET', '/api/v1/conversations?status=sleeping');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('deleting conversations (seed 002)', () => {
  it('deletes several at once for an admin and refuses agents', async () => {
    const a = await conversationFor(mark);
    const b = await conversationFor(mark);
    const refused = await mark.api('POST', '/api/v1/conversations/delete', { ids: [a.id] });
    expect(refused.status).toBe(403);
    const marks = await openStream(t, mark);
    const r = await admin.api('POST', '/api/v1/conversations/delete', { ids: [a.id, b.id] });
    expect(r.body.deleted).toBe(2);
    expect((await admin.api('GET', `/api/v1/conversations/${a.id}`)).status).toBe(404);
    // Mark's workspace drops them (each frame is checked against its schema, test/frames.ts).
    for (const id of [a.id, b.id]) await marks.next((f) => f.type === 'conversation.deleted' && f.data.id === id);
    marks.close();
  });
});
