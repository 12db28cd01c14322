import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { StreamClient as ResumingStream } from '@switchboard/client';
import type { ServerFrame } from '@switchboard/protocol';
import { createQueue, createUser, customerWrites, openStream, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { CLOSE_ABUSE, CLOSE_SLOW, DEFAULT_STREAM_LIMITS, type StreamLimits } from '../src/realtime/backpressure.ts';
import { registry } from '../src/metrics.ts';
import { newVisitor, openVisitorStream } from './widgetHelpers.ts';

/**
 * Issue 10.6: what one stream socket may cost. A socket that asks for a long replay and never reads
 * holds at most one replay page and is closed; a flood of tiny frames is cut off; a client closed for
 * being slow resumes and gets every event once.
 */
const limits: StreamLimits = { ...DEFAULT_STREAM_LIMITS, stallMs: 1000 };
/** The largest frame these tests send (a 20,000-character draft, escaped, with its envelope). */
const MAX_FRAME = 64 * 1024;

let t: TestServer;
let mark: Caller;
let conversationId: number;

beforeAll(async () => {
  t = await startTestServer({ listen: true, config: { streamLimits: limits } });
  const support = await createQueue(t, 'Support');
  const admin = await createUser(t, 'admin', 'Ada Admin');
  const token = await tokenFor(t, admin.id);
  mark = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [support]));
  conversationId = (await customerWrites(t, token, { externalId: 'slow-1', body: 'hello', queueId: support })).body.conversationId;
});
afterAll(() => t.close());

const wsUrl = () => `${t.url.replace('http', 'ws')}/api/v1/stream`;
/** A draft body of 20,000 characters that says which one it is. */
const draftBody = (i: number) => `draft ${i} `.padEnd(20_000, 'x');
/** Saves drafts `from`…`from + count - 1`, `parallel` at a time (in order when 1). */
async function writeDrafts(from: number, count: number, parallel = 1): Promise<void> {
  for (let i = from; i < from + count; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, from + count - i) }, (_, k) => mark.api('PUT', `/api/v1/conversations/${conversationId}/draft`, { body: draftBody(i + k) }));
    for (const r of await Promise.all(batch)) expect(r.status).toBe(200);
  }
  await t.server.services.dispatcher.flush();
}
/** The server's side of every open stream socket. */
const serverSockets = () => [...t.server.app.websocketServer.clients];
async function counter(name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return m.filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val)).reduce((a, v) => a + v.value, 0);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a socket that asks for a long replay and never reads', () => {
  it('holds at most one replay page on the server and is closed', async () => {
    const start = await openStream(t, mark);
    const from = start.frames[0].seq as number;
    start.close();
    const drafts = 600; // about 12 MB of frames: more than the kernel's socket buffers take (about 4 MB here)
    await writeDrafts(0, drafts, 8);
    const stalledBefore = await counter('switchboard_stream_slow_closed_total', { reason: 'stalled' });

    const ws = new WebSocket(wsUrl(), { headers: { cookie: `sb_session=${mark.cookie}` } });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'hello', lastSeq: from }));
    ws.pause(); // never reads again
    let peak = 0;
    for (let i = 0; i < 2000; i++) {
      const mine = serverSockets();
      peak = Math.max(peak, ...mine.map((s) => s.bufferedAmount));
      if (mine.every((s) => s.readyState !== WebSocket.OPEN)) break;
      await sleep(5);
    }
    console.log(`long replay, never read: peak ${peak} bytes buffered for the socket (bound ${limits.pageBytes + MAX_FRAME})`);
    expect(serverSockets().every((s) => s.readyState !== WebSocket.OPEN)).toBe(true);
    expect(await counter('switchboard_stream_slow_closed_total', { reason: 'stalled' })).toBe(stalledBefore + 1);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(limits.pageBytes + MAX_FRAME);
    // ws's close timeout then drops the connection, which never answered the close.
    for (let i = 0; i < 200 && serverSockets().length; i++) await sleep(50);
    expect(serverSockets()).toEqual([]);
    expect(t.server.gateway.size).toBe(0);
    ws.terminate();
    // (Longer than the default: the setup writes 12 MB of drafts, half a minute on a busy PostgreSQL.)
  }, 90_000);
});

describe('a flood of tiny garbage frames', () => {
  it('is cut off with a policy close after a burst, and /healthz keeps answering', async () => {
    const { ws, frames } = await openStream(t, mark);
    const answered = () => frames.filter((f) => f.code === 'bad_frame').length;
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const health: number[] = [];
    for (let sent = 0; sent < 300_000; sent += 10_000) {
      for (let i = 0; i < 10_000; i++) ws.send('x');
      health.push((await fetch(`${t.url}/healthz`)).status);
    }
    expect(await closed).toBe(CLOSE_ABUSE);
    // The server handled one burst of them, then stopped reading the socket.
    expect(answered()).toBeGreaterThan(0);
    expect(answered()).toBeLessThanOrEqual(limits.frameBurst);
    expect(health.every((s) => s === 200)).toBe(true);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('on the customers\' stream too, where each typing frame would be work', async () => {
    const visitor = await newVisitor(t);
    const s = await openVisitorStream(t, visitor.token);
    const closed = new Promise<number>((resolve) => s.ws.once('close', (code) => resolve(code)));
    const frame = JSON.stringify({ type: 'typing', conversationId: 1, typing: false });
    for (let i = 0; i < 100_000; i++) s.ws.send(frame);
    expect(await closed).toBe(CLOSE_ABUSE);
    expect(s.frames.filter((f) => f.type === 'error').length).toBeLessThanOrEqual(limits.frameBurst);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('leaves a client that pings like the app does alone', async () => {
    const s = await openStream(t, mark);
    for (let i = 0; i < 20; i++) s.ws.send('{"type":"ping"}');
    await s.next(() => s.frames.filter((f) => f.type === 'pong').length === 20);
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    s.close();
  });
});

describe('a normal client that was closed for being slow', () => {
  it('reconnects, resumes from its last seq and gets every event once, in order', async () => {
    const sockets: WebSocket[] = [];
    const closes: number[] = [];
    const cookie = mark.cookie;
    class CookieSocket extends WebSocket {
      constructor(url: string) {
        super(url, { headers: { cookie: `sb_session=${cookie}` } });
        sockets.push(this);
        this.on('close', (code) => closes.push(code));
      }
    }
    const frames: ServerFrame[] = [];
    const stream = new ResumingStream({ url: wsUrl(), WebSocket: CookieSocket as unknown as typeof globalThis.WebSocket, onFrame: (f) => frames.push(f), onResync: () => undefined, minDelay: 50, maxDelay: 200 });
    stream.start();
    for (let i = 0; i < 200 && stream.status !== 'live'; i++) await sleep(25);
    expect(stream.status).toBe('live');
    const behindBefore = await counter('switchboard_stream_slow_closed_total', { reason: 'behind' });

    // The client stops reading while large events are written, until the server closes it for being
    // past the high-water mark; then it reads again (what was sent, then the close) and reconnects,
    // while more events are written.
    sockets[0]!.pause();
    const first = 10_000;
    let written = 0;
    let peak = 0;
    while ((await counter('switchboard_stream_slow_closed_total', { reason: 'behind' })) === behindBefore && written < 1000) {
      await writeDrafts(first + written, 20);
      written += 20;
      peak = Math.max(peak, ...serverSockets().map((s) => s.bufferedAmount));
    }
    sockets[0]!.resume();
    await writeDrafts(first + written, 100);
    const drafts = written + 100;

    await t.server.services.dispatcher.flush();
    const head = t.server.services.dispatcher.lastSeq;
    for (let i = 0; i < 400 && stream.lastSeq !== head; i++) await sleep(25);
    stream.stop();
    console.log(`slow live client: closed after ${written} drafts, peak ${peak} bytes buffered (bound ${limits.highWaterBytes + MAX_FRAME}), ${sockets.length} connections`);
    expect(peak).toBeLessThanOrEqual(limits.highWaterBytes + MAX_FRAME);
    expect(closes[0]).toBe(CLOSE_SLOW);
    expect(sockets.length).toBeGreaterThan(1);
    const got = frames.flatMap((f) => (f.type === 'draft.updated' ? [Number(/^draft (\d+)/.exec((f.data as { draft: { body: string } }).draft.body)![1])] : []));
    expect(got).toEqual(Array.from({ length: drafts }, (_, i) => first + i));
    const seqs = frames.flatMap((f) => ('seq' in f && f.type !== 'ready' && f.type !== 'resync' ? [f.seq] : []));
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});
