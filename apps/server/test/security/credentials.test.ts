import { Writable } from 'node:stream';
import pino from 'pino';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectStream, createQueue, createUser, openStream, signIn, startTestServer, tokenFor, type TestServer } from '../../../../test/harness.ts';
import { newVisitor, openVisitorStream } from '../widgetHelpers.ts';

/**
 * Issue 9 items 3 and 4: every end of a credential closes the sockets resting on it, and sockets
 * authenticate without a lasting secret in the URL (a one-time ticket); logs never keep a token.
 */
let t: TestServer;
const logLines: string[] = [];
let mark: { id: number; email: string };
let support: number;

beforeAll(async () => {
  const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  t = await startTestServer({ listen: true, logger: pino({ level: 'info' }, sink) });
  support = await createQueue(t, 'Support');
  mark = await createUser(t, 'agent', 'Mark Watney', [support]);
});
afterAll(() => t.close());

const wsUrl = (path: string) => `${t.url.replace('http', 'ws')}${path}`;

/** Resolves with the close code once the server closes the socket (or 0 if it stays open). */
function closedWithin(ws: WebSocket, ms = 3000): Promise<number> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve(-1);
    const timer = setTimeout(() => resolve(0), ms);
    ws.once('close', (code) => (clearTimeout(timer), resolve(code)));
  });
}

async function ticketWith(headers: Record<string, string>): Promise<string> {
  const r = await t.server.app.inject({ method: 'POST', url: '/api/v1/stream/ticket', headers });
  expect(r.statusCode).toBe(201);
  return r.json().ticket;
}

async function refused(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  const ws = new WebSocket(url, options);
  return closedWithin(ws);
}

describe('a credential that ends takes its sockets with it', () => {
  it('signing out closes the streams opened on that session, and only those', async () => {
    const first = await signIn(t, mark);
    const second = await signIn(t, mark);
    const s1 = await openStream(t, first);
    const s2 = await openStream(t, second);
    const closed = closedWithin(s1.ws);
    expect((await first.api('POST', '/api/v1/auth/logout')).status).toBe(200);
    expect(await closed).toBe(4401);
    expect(s1.frames.some((f) => f.type === 'error' && f.code === 'unauthorized')).toBe(true);
    // The other browser is still signed in and still streaming.
    s2.ws.send('{"type":"ping"}');
    await s2.next((f) => f.type === 'pong');
    s2.close();
  });

  it('revoking an API token closes the streams opened with it', async () => {
    const caller = await signIn(t, mark);
    const created = await caller.api('POST', '/api/v1/me/tokens', { name: 'integration' });
    const token = created.body.token as string;
    const viaHeader = await connectStream(wsUrl('/api/v1/stream'), { headers: { authorization: `Bearer ${token}` } }, undefined, ['ready']);
    const viaTicket = await connectStream(wsUrl(`/api/v1/stream?ticket=${await ticketWith({ authorization: `Bearer ${token}` })}`), {}, undefined, ['ready']);
    const closes = [closedWithin(viaHeader.ws), closedWithin(viaTicket.ws)];
    expect((await caller.api('DELETE', `/api/v1/me/tokens/${created.body.id}`)).status).toBe(200);
    expect(await Promise.all(closes)).toEqual([4401, 4401]);
  });
});

describe('a session that ends for being idle', () => {
  it('closes the streams opened on it, and takes an agent with no other session offline, as signing out does', async () => {
    const idle = await startTestServer({ listen: true, config: { sessionIdleMs: 30 * 60_000 } });
    try {
      const q = await createQueue(idle, 'Night shift');
      const amy = await createUser(idle, 'agent', 'Amy Pond', [q]);
      const session = await signIn(idle, amy);
      expect((await session.api('PUT', '/api/v1/routing/me/status', { status: 'available' })).status).toBe(200);
      const stream = await openStream(idle, session);
      const closed = closedWithin(stream.ws);
      idle.clock.advance(31 * 60_000);
      expect((await session.api('GET', '/api/v1/me')).status).toBe(401);
      expect(await closed).toBe(4401);
      const row = await idle.server.services.store.db.selectFrom('users').select('status').where('id', '=', amy.id).executeTakeFirstOrThrow();
      expect(row.status).toBe('offline');
    } finally {
      await idle.close();
    }
  });
});

describe('sockets authenticate without a lasting secret in the URL', () => {
  it('does not take an API token in the query string', async () => {
    const token = await tokenFor(t, mark.id);
    expect(await refused(wsUrl(`/api/v1/stream?access_token=${token}`))).toBe(4401);
  });

  it('takes a ticket once, and not after 30 seconds', async () => {
    const caller = await signIn(t, mark);
    const headers = { cookie: `sb_session=${caller.cookie}`, 'x-csrf-token': caller.csrf };
    const ticket = await ticketWith(headers);
    const ok = await connectStream(wsUrl(`/api/v1/stream?ticket=${ticket}`), {}, undefined, ['ready']);
    ok.close();
    expect(await refused(wsUrl(`/api/v1/stream?ticket=${ticket}`))).toBe(4401);
    const late = await ticketWith(headers);
    t.clock.advance(31_000);
    expect(await refused(wsUrl(`/api/v1/stream?ticket=${late}`))).toBe(4401);
  });

  it('gives no ticket to a caller who is not signed in', async () => {
    const r = await t.server.app.inject({ method: 'POST', url: '/api/v1/stream/ticket' });
    expect(r.statusCode).toBe(401);
  });

  it('the customer stream takes a ticket, not the visitor token', async () => {
    const { token } = await newVisitor(t);
    expect(await refused(wsUrl(`/api/v1/widget/stream?token=${encodeURIComponent(token)}`))).toBe(4401);
    const s = await openVisitorStream(t, token);
    expect(s.frames.some((f) => f.type === 'ready')).toBe(true);
    s.close();
  });

  it('request logs show no token-looking query parameter', async () => {
    const secret = 'sbt_THISMUSTNOTBELOGGED123';
    await t.server.app.inject({ method: 'GET', url: `/api/v1/me?access_token=${secret}&view=all` });
    await t.server.app.inject({ method: 'GET', url: `/healthz?ticket=${secret}` });
    await refused(wsUrl(`/api/v1/stream?ticket=${secret}`));
    const text = logLines.join('');
    expect(text).toContain('/api/v1/me?access_token=[redacted]&view=all');
    expect(text).not.toContain(secret);
  });
});
