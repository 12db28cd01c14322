import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, customerWrites, openStream, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';

/** Issue 5.9: offers, assignments, queue counts and presence go out on the stream, to the right people. */
let t: TestServer;
let mark: Caller;
let nina: Caller;
let supervisor: Caller;
let outsider: Caller;
let token: string;
let q: number;

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  q = await createQueue(t, 'Live');
  const a = await createUser(t, 'admin', 'Root');
  token = await tokenFor(t, a.id);
  mark = await signIn(t, await createUser(t, 'agent', 'Mark', [q]));
  nina = await signIn(t, await createUser(t, 'agent', 'Nina', [q]));
  supervisor = await signIn(t, await createUser(t, 'supervisor', 'Sam', [q]));
  outsider = await signIn(t, await createUser(t, 'agent', 'Olga', [await createQueue(t, 'Elsewhere')]));
  await nina.api('PUT', '/api/v1/routing/me/status', { status: 'busy' });
});
afterAll(() => t.close());

describe('routing on the stream', () => {
  it('sends the offer only to the offered agent, and presence, counts and the assignment to those who may see them', async () => {
    const [markS, ninaS, samS, olgaS] = await Promise.all([mark, nina, supervisor, outsider].map((c) => openStream(t, c)));
    await mark.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
    const presence = await samS.next((f) => f.type === 'presence.updated' && f.data.userId === mark.id && f.data.status === 'available');
    expect(presence.data).toMatchObject({ load: 0, servingQueueIds: [q] });
    await olgaS.next((f) => f.type === 'presence.updated' && f.data.userId === mark.id);

    const id = (await customerWrites(t, token, { externalId: 'live-1', body: 'Hi', queueId: q })).body.conversationId;
    const offer = await markS.next((f) => f.type === 'offer.created');
    expect(offer.data.conversation.id).toBe(id);
    const counts = await samS.next((f) => f.type === 'queue.counts' && f.data.offered === 1);
    expect(counts.data).toMatchObject({ queueId: q, waiting: 1, agentsAvailable: 1 });

    await mark.api('POST', `/api/v1/routing/offers/${offer.data.offer.id}/accept`);
    await markS.next((f) => f.type === 'offer.withdrawn' && f.data.reason === 'accepted');
    await samS.next((f) => f.type === 'conversation.updated' && f.data.id === id && f.data.assigneeId === mark.id);
    await samS.next((f) => f.type === 'presence.updated' && f.data.userId === mark.id && f.data.load === 1);

    // Flush: one more event everybody gets, then check what never arrived.
    await nina.api('PUT', '/api/v1/routing/me/status', { status: 'away' });
    for (const s of [ninaS, samS, olgaS]) await s.next((f) => f.type === 'presence.updated' && f.data.userId === nina.id && f.data.status === 'away');
    for (const s of [ninaS, samS, olgaS]) expect(s.frames.filter((f) => f.type.startsWith('offer.'))).toEqual([]);
    expect(olgaS.frames.filter((f) => f.type === 'queue.counts' || f.type === 'conversation.updated')).toEqual([]);
    for (const s of [markS, ninaS, samS, olgaS]) s.close();
  });

  it('takes a waiting conversation out of the queue’s other agents’ lists the moment a colleague accepts it (issue 14, seen 4)', async () => {
    const [markS, ninaS, samS] = await Promise.all([mark, nina, supervisor].map((c) => openStream(t, c)));
    await mark.api('PUT', '/api/v1/routing/me/status', { status: 'available' });
    const id = (await customerWrites(t, token, { externalId: 'live-2', body: 'Anyone there?', queueId: q })).body.conversationId;
    await ninaS.next((f) => f.type === 'message.created' && f.data.message.conversationId === id);
    const offer = await markS.next((f) => f.type === 'offer.created' && f.data.conversation.id === id);
    expect((await mark.api('POST', `/api/v1/routing/offers/${offer.data.offer.id}/accept`)).status).toBe(200);

    const revoked = await ninaS.next((f) => f.type === 'conversation.revoked' && f.data.id === id);
    expect(revoked.data).toEqual({ id });
    expect((await nina.api('GET', `/api/v1/conversations/${id}`)).status).toBe(404);
    // The supervisor still sees it, and the one who took it keeps it: neither is told to drop it.
    await samS.next((f) => f.type === 'conversation.updated' && f.data.id === id && f.data.assigneeId === mark.id);
    await nina.api('PUT', '/api/v1/routing/me/status', { status: 'busy' });
    for (const s of [markS, samS]) await s.next((f) => f.type === 'presence.updated' && f.data.userId === nina.id && f.data.status === 'busy');
    for (const s of [markS, samS]) expect(s.frames.filter((f) => f.type === 'conversation.revoked')).toEqual([]);
    for (const s of [markS, ninaS, samS]) s.close();
  });

  it('announces a burst of arrivals in a queue with a count or two, the last one right (issue 18)', async () => {
    const burst = await createQueue(t, 'Burst');
    const samS = await openStream(t, supervisor);
    const admin = await signIn(t, await createUser(t, 'admin', 'Burst Admin'));
    const adminS = await openStream(t, admin);
    await Promise.all(Array.from({ length: 12 }, (_, i) => customerWrites(t, token, { externalId: `burst-${i}`, body: 'Hello?', queueId: burst })));
    const last = await adminS.next((f) => f.type === 'queue.counts' && f.data.queueId === burst && f.data.waiting === 12);
    expect(last.data).toMatchObject({ waiting: 12, offered: 0, inProgress: 0 });
    // Twelve transactions changed the counts; they were announced at most once per quarter second.
    const announced = await t.server.services.store.db.selectFrom('events').select('data').where('type', '=', 'queue.counts').where('queue_id', '=', burst).execute();
    expect(announced.length).toBeGreaterThanOrEqual(1);
    expect(announced.length).toBeLessThanOrEqual(3);
    // Sam supervises another queue only: not this one's counts.
    expect(samS.frames.filter((f) => f.type === 'queue.counts' && f.data.queueId === burst)).toEqual([]);
    samS.close();
    adminS.close();
  });
});
