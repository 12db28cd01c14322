import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, openStream, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import WebSocket from 'ws';
import { verifyFrame } from '../../../test/frames.ts';

let t: TestServer;
let adminToken: string;
let admin: Caller;
let mark: Caller;
let martha: Caller;
let outsider: Caller;
let support: number;

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  support = await createQueue(t, 'Support');
  const sales = await createQueue(t, 'Sales');
  const a = await createUser(t, 'admin', 'Ada Admin');
  admin = await signIn(t, a);
  adminToken = await tokenFor(t, a.id);
  mark = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [support]));
  martha = await signIn(t, await createUser(t, 'agent', 'Martha Jones', [support]));
  outsider = await signIn(t, await createUser(t, 'agent', 'Sally Sales', [sales]));
});
afterAll(() => t.close());

const bodyOf = (f: any) => f.data?.message?.body;

describe('the stream', () => {
  it('pushes a new customer message to agents of the queue, and not to others', async () => {
    const markStream = await openStream(t, mark);
    const outsiderStream = await openStream(t, outsider);
    await customerWrites(t, adminToken, { externalId: 'live-1', body: 'Is anyone there?', queueId: support });
    const frame = await markStream.next((f) => f.type === 'message.created' && bodyOf(f) === 'Is anyone there?');
    expect(frame.seq).toBeGreaterThan(0);
    expect(frame.data.conversation.status).toBe('queued');
    // Something Sally may see, sent after, arrives: so the earlier one was really withheld.
    await customerWrites(t, adminToken, { externalId: 'live-2', body: 'Sales question', queueId: (await admin.api('GET', '/api/v1/queues')).body.items.find((q: any) => q.name === 'Sales').id });
    await outsiderStream.next((f) => f.type === 'message.created' && bodyOf(f) === 'Sales question');
    expect(outsiderStream.frames.some((f) => bodyOf(f) === 'Is anyone there?')).toBe(false);
    markStream.close();
    outsiderStream.close();
  });

  it('stops sending a queue’s conversations to an agent as soon as an admin takes them off the queue', async () => {
    const desk = (await admin.api('POST', '/api/v1/queues', { name: 'Desk', routingMode: 'auto_assign', memberIds: [] })).body.id as number;
    const rory = await signIn(t, await createUser(t, 'agent', 'Rory Williams', [desk]));
    const stream = await openStream(t, rory);
    await customerWrites(t, adminToken, { externalId: 'desk-1', body: 'Desk question one', queueId: desk });
    await stream.next((f) => f.type === 'message.created' && bodyOf(f) === 'Desk question one');
    expect((await admin.api('PUT', `/api/v1/queues/${desk}/members`, { memberIds: [] })).status).toBe(200);
    await stream.next((f) => f.type === 'membership.changed' && f.data.queueId === desk);
    await customerWrites(t, adminToken, { externalId: 'desk-2', body: 'Desk question two', queueId: desk });
    // Something Rory may see, sent after, arrives: so the Desk message was really withheld.
    await admin.api('PUT', `/api/v1/queues/${support}/members`, { memberIds: [mark.id, martha.id, rory.id] });
    await customerWrites(t, adminToken, { externalId: 'desk-4', body: 'Support again', queueId: support });
    await stream.next((f) => f.type === 'message.created' && bodyOf(f) === 'Support again');
    expect(stream.frames.some((f) => bodyOf(f) === 'Desk question two')).toBe(false);
    stream.close();
  });

  it('replays what was missed after a reconnect, in order, without duplicates', async () => {
    const first = await openStream(t, mark);
    await customerWrites(t, adminToken, { externalId: 'replay-1', body: 'one', queueId: support });
    const seen = await first.next((f) => bodyOf(f) === 'one');
    first.close();
    await customerWrites(t, adminToken, { externalId: 'replay-1', body: 'two' });
    await customerWrites(t, adminToken, { externalId: 'replay-1', body: 'three' });
    await t.server.services.dispatcher.flush();
    const again = await openStream(t, mark, seen.seq);
    await customerWrites(t, adminToken, { externalId: 'replay-1', body: 'four' });
    await again.next((f) => bodyOf(f) === 'four');
    const bodies = again.frames.filter((f) => f.type === 'message.created').map(bodyOf);
    expect(bodies).toEqual(['two', 'three', 'four']);
    const seqs = again.frames.filter((f) => typeof f.seq === 'number' && f.type !== 'ready').map((f) => f.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
    again.close();
  });

  it('tells a client that is too far behind to refetch (resync)', async () => {
    await customerWrites(t, adminToken, { externalId: 'old-1', body: 'to be pruned', queueId: support });
    await t.server.services.dispatcher.flush();
    await t.server.services.store.db.deleteFrom('events').where('seq', '<=', t.server.services.dispatcher.lastSeq - 1).execute();
    const s = await openStream(t, mark, 1);
    expect(s.frames[0].type).toBe('resync');
    s.close();
  });

  it('tells a client whose lastSeq is ahead of the server (a restored database) to refetch, then streams to it', async () => {
    await t.server.services.dispatcher.flush();
    const head = t.server.services.dispatcher.lastSeq;
    const s = await openStream(t, mark, head + 1000);
    expect(s.frames[0]).toEqual({ type: 'resync', seq: head });
    // Its cursor is the server's head now, so the next event reaches it rather than being skipped.
    await customerWrites(t, adminToken, { externalId: 'ahead-1', body: 'after the restore', queueId: support });
    await s.next((f) => bodyOf(f) === 'after the restore');
    s.close();
  });

  it('stops sending a reassigned conversation to its previous agent, and tells them it is gone', async () => {
    const r = await customerWrites(t, adminToken, { externalId: 'reassign-1', body: 'help', queueId: support });
    const id = r.body.conversationId;
    await admin.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: mark.id });
    const markStream = await openStream(t, mark);
    const marthaStream = await openStream(t, martha);
    await mark.api('POST', `/api/v1/conversations/${id}/reassign`, { assigneeId: martha.id });
    await markStream.next((f) => f.type === 'conversation.revoked' && f.data.id === id);
    await customerWrites(t, adminToken, { externalId: 'reassign-1', body: 'after the handover' });
    await marthaStream.next((f) => bodyOf(f) === 'after the handover');
    await t.server.services.dispatcher.flush();
    expect(markStream.frames.some((f) => bodyOf(f) === 'after the handover')).toBe(false);
    markStream.close();
    marthaStream.close();
  });

  it('sends unread and draft changes only to the user they belong to', async () => {
    const r = await customerWrites(t, adminToken, { externalId: 'private-1', body: 'hi', queueId: support });
    const id = r.body.conversationId;
    const markStream = await openStream(t, mark);
    const marthaStream = await openStream(t, martha);
    await mark.api('PUT', `/api/v1/conversations/${id}/draft`, { body: 'secret draft' });
    await mark.api('POST', `/api/v1/conversations/${id}/unread`);
    await markStream.next((f) => f.type === 'draft.updated' && f.data.draft?.body === 'secret draft');
    await markStream.next((f) => f.type === 'unread.updated' && f.data.markedUnread === true);
    await martha.api('POST', `/api/v1/conversations/${id}/read`);
    await marthaStream.next((f) => f.type === 'unread.updated' && f.data.conversationId === id);
    expect(marthaStream.frames.some((f) => f.type === 'draft.updated')).toBe(false);
    expect(marthaStream.frames.filter((f) => f.type === 'unread.updated').every((f) => f.data.markedUnread === false)).toBe(true);
    markStream.close();
    marthaStream.close();
  });

  it('refuses a socket without a session', async () => {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/api/v1/stream`);
    const closed = await new Promise<{ code: number; frame: any }>((resolve) => {
      let frame: any = null;
      ws.on('message', (raw) => {
        frame = JSON.parse(String(raw));
        verifyFrame('agent', frame);
      });
      ws.on('close', (code) => resolve({ code, frame }));
    });
    expect(closed.code).toBe(4401);
    expect(closed.frame.code).toBe('unauthorized');
  });

  it('answers a malformed frame with an error frame and keeps the socket open', async () => {
    const s = await openStream(t, mark);
    s.ws.send('not json');
    await s.next((f) => f.type === 'error' && f.code === 'bad_frame');
    s.ws.send(JSON.stringify({ type: 'ping' }));
    await s.next((f) => f.type === 'pong');
    s.close();
  });
});
