import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '@switchboard/protocol';
import { StreamClient } from './stream.ts';

class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  // test side
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const event = (seq: number) => ({ seq, type: 'message.created', at: 0, data: {} });

describe('StreamClient', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  function start() {
    const frames: ServerFrame[] = [];
    const onResync = vi.fn();
    const statuses: string[] = [];
    const client = new StreamClient({
      url: 'ws://test/api/v1/stream',
      WebSocket: FakeSocket as unknown as typeof WebSocket,
      onFrame: (f) => frames.push(f),
      onResync,
      onStatus: (s) => statuses.push(s),
      minDelay: 100,
    });
    client.start();
    return { client, frames, onResync, statuses };
  }

  it('says hello, then resumes from the last seq it saw after the socket drops', () => {
    const { client, frames } = start();
    const first = FakeSocket.all[0]!;
    first.open();
    expect(first.sent).toEqual([{ type: 'hello' }]);
    first.receive({ type: 'ready', seq: 10 });
    first.receive(event(11));
    first.receive(event(12));
    expect(client.lastSeq).toBe(12);
    expect(client.status).toBe('live');

    first.drop();
    expect(client.status).toBe('offline');
    vi.advanceTimersByTime(200);
    const second = FakeSocket.all[1]!;
    second.open();
    expect(second.sent).toEqual([{ type: 'hello', lastSeq: 12 }]);
    second.receive(event(12)); // a duplicate is dropped
    second.receive(event(13));
    second.receive({ type: 'ready', seq: 13 });
    expect(frames.filter((f) => 'seq' in f && f.type === 'message.created').map((f) => (f as { seq: number }).seq)).toEqual([11, 12, 13]);
  });

  it('asks the app to refetch on resync', () => {
    const { onResync } = start();
    const s = FakeSocket.all[0]!;
    s.open();
    s.receive({ type: 'resync', seq: 500 });
    expect(onResync).toHaveBeenCalledTimes(1);
  });

  it('stops reconnecting when the session is gone', () => {
    const { client, statuses } = start();
    const s = FakeSocket.all[0]!;
    s.open();
    s.receive({ type: 'error', code: 'unauthorized', message: 'Sign in first.' });
    s.drop(4401);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(client.status).toBe('unauthorized');
    expect(statuses.at(-1)).toBe('unauthorized');
  });

  it('backs off between attempts and stops for good on stop()', () => {
    const { client } = start();
    FakeSocket.all[0]!.drop();
    vi.advanceTimersByTime(200);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.drop();
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(2); // the second wait is longer
    vi.advanceTimersByTime(200);
    expect(FakeSocket.all).toHaveLength(3);
    client.stop();
    FakeSocket.all[2]!.drop();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('makes a new URL for each connection (a one-time ticket), and retries when making one fails', async () => {
    let n = 0;
    const url = vi.fn(async () => {
      n += 1;
      if (n === 2) throw new Error('ticket refused');
      return `ws://test/api/v1/widget/stream?ticket=t${n}`;
    });
    const client = new StreamClient({ url, WebSocket: FakeSocket as unknown as typeof WebSocket, onFrame: () => {}, onResync: () => {}, minDelay: 100 });
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.all.map((s) => s.url)).toEqual(['ws://test/api/v1/widget/stream?ticket=t1']);
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.receive({ type: 'ready', seq: 4 });
    expect(client.send({ type: 'typing', conversationId: 1, typing: true })).toBe(true);
    expect(FakeSocket.all[0]!.sent).toContainEqual({ type: 'typing', conversationId: 1, typing: true });

    FakeSocket.all[0]!.drop();
    expect(client.send({ type: 'typing', conversationId: 1, typing: false })).toBe(false);
    await vi.advanceTimersByTimeAsync(1000); // the second ticket fails: another try later
    await vi.advanceTimersByTimeAsync(1000);
    expect(url).toHaveBeenCalledTimes(3);
    expect(FakeSocket.all.map((s) => s.url)).toEqual(['ws://test/api/v1/widget/stream?ticket=t1', 'ws://test/api/v1/widget/stream?ticket=t3']);
    FakeSocket.all[1]!.open();
    expect(FakeSocket.all[1]!.sent[0]).toEqual({ type: 'hello', lastSeq: 4 });
    client.stop();
  });
});
