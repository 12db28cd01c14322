/**
 * The load generator, shared by every target: M agent WebSocket listeners that said hello, and N
 * customers each posting K messages over keep-alive HTTP (fetch), one at a time (the next after the
 * previous was acknowledged). Each body carries its send time; agents time the `message.created` frame.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { TargetReady } from './protocol.ts';

export interface LoadSizes {
  customers: number;
  messages: number;
}

export interface LoadResult {
  sent: number;
  errors: number;
  /** Messages every agent received. */
  delivered: number;
  /** Agent receipts that were not the first of their kind (should be 0). */
  duplicates: number;
  wallMs: number;
  /** Fully delivered messages per second of wall time. */
  rate: number;
  ack: Percentiles;
  /** Customer send → first agent got it. */
  first: Percentiles;
  /** Customer send → each agent got it (every receipt). */
  each: Percentiles;
  /** Customer send → the last agent got it too. */
  last: Percentiles;
}

export interface Percentiles {
  p50: number;
  p99: number;
}

function percentiles(values: Float64Array | number[], n = values.length): Percentiles {
  if (n === 0) return { p50: NaN, p99: NaN };
  const sorted = Float64Array.from(values.slice(0, n)).sort();
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

const MARK = /bench ([a-z]+) (\d+) (\d+) ([\d.]+)/;

interface Tracker {
  tag: string;
  customers: number;
  messages: number;
  sentAt: Float64Array;
  count: Uint16Array;
  firstAt: Float64Array;
  lastAt: Float64Array;
  each: Float64Array;
  eachN: number;
  full: number;
  lastFull: number;
  duplicates: number;
  /** Per agent, per message: received already (guards against duplicates). */
  seen: Uint8Array;
}

function tracker(tag: string, sizes: LoadSizes, agents: number): Tracker {
  const total = sizes.customers * sizes.messages;
  return {
    tag,
    customers: sizes.customers,
    messages: sizes.messages,
    sentAt: new Float64Array(total),
    count: new Uint16Array(total),
    firstAt: new Float64Array(total),
    lastAt: new Float64Array(total),
    each: new Float64Array(total * agents),
    eachN: 0,
    full: 0,
    lastFull: 0,
    duplicates: 0,
    seen: new Uint8Array(total * agents),
  };
}

/** One POST over a keep-alive node:http agent; resolves with the status and body text. */
function postHttp(agent: http.Agent, url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export class Agents {
  private sockets: WebSocket[] = [];
  private current: Tracker | null = null;
  private agentsN = 0;
  /** What agent 0 received: frames, characters, and (BENCH_DEBUG) frames by type. */
  frames0 = 0;
  bytes0 = 0;
  types0 = new Map<string, number>();

  /** Connects one listener per stream URL, says hello and waits for `ready` on each. */
  async connect(target: TargetReady, timeoutMs = 20_000): Promise<void> {
    this.agentsN = target.streamUrls.length;
    await Promise.all(
      target.streamUrls.map(
        (url, i) =>
          new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(url, { perMessageDeflate: false, headers: target.streamHeaders?.[i] ?? {} });
            this.sockets.push(ws);
            const timer = setTimeout(() => reject(new Error(`agent ${i}: no ready within ${timeoutMs} ms`)), timeoutMs);
            let ready = false;
            let hellos = 0;
            // The gateway may still be authenticating when the first hello arrives (it attaches its
            // message handler after an async lookup), so say hello again until `ready`, a few times.
            const hello = () => {
              if (ready || ws.readyState !== WebSocket.OPEN || hellos >= 20) return;
              hellos++;
              ws.send('{"type":"hello"}');
              setTimeout(hello, 250).unref();
            };
            ws.on('open', hello);
            ws.on('error', (err) => {
              clearTimeout(timer);
              reject(err);
            });
            ws.on('message', (raw) => {
              const text = raw.toString();
              if (!ready) {
                if (text.includes('"ready"')) {
                  ready = true;
                  clearTimeout(timer);
                  resolve();
                } else if (text.includes('"error"') || text.includes('"resync"')) reject(new Error(`agent ${i}: ${text}`));
                return;
              }
              if (i === 0) {
                this.frames0++;
                this.bytes0 += text.length;
                if (process.env.BENCH_DEBUG) {
                  const type = /"type":"([^"]+)"/.exec(text)?.[1] ?? '?';
                  this.types0.set(type, (this.types0.get(type) ?? 0) + 1);
                }
              }
              this.receive(i, text);
            });
          }),
      ),
    );
  }

  private receive(agent: number, text: string): void {
    const t = this.current;
    if (!t || !text.includes('"message.created"')) return;
    const now = performance.now();
    const m = MARK.exec(text);
    if (!m || m[1] !== t.tag) return;
    const idx = Number(m[2]) * t.messages + Number(m[3]);
    const slot = idx * this.agentsN + agent;
    if (t.seen[slot]) {
      t.duplicates++;
      return;
    }
    t.seen[slot] = 1;
    const latency = now - Number(m[4]);
    t.each[t.eachN++] = latency;
    const c = ++t.count[idx]!;
    if (c === 1) t.firstAt[idx] = now;
    if (c === this.agentsN) {
      t.lastAt[idx] = now;
      t.full++;
      t.lastFull = now;
    }
  }

  /** Runs one load phase: N customers × K messages, then waits (bounded) for every delivery. */
  async drive(target: TargetReady, tag: string, sizes: LoadSizes, opts: { settleMs?: number } = {}): Promise<LoadResult> {
    const t = tracker(tag, sizes, this.agentsN);
    this.current = t;
    const url = target.url + target.inboundPath;
    const useFetch = process.env.BENCH_CLIENT === 'fetch';
    const agent = new http.Agent({ keepAlive: true, maxSockets: sizes.customers });
    const acks: number[] = [];
    let errors = 0;
    let firstError = '';
    const start = performance.now();
    const customer = async (c: number) => {
      for (let k = 0; k < sizes.messages; k++) {
        if (errors > 20) return;
        const sentAt = performance.now();
        t.sentAt[c * sizes.messages + k] = sentAt;
        const payload = JSON.stringify({
          channel: 'api',
          externalId: `bench-${tag}-${c}`,
          contact: { name: `Customer ${tag} ${c}` },
          body: `bench ${tag} ${c} ${k} ${sentAt.toFixed(3)}`,
        });
        try {
          const res = useFetch ? await fetch(url, { method: 'POST', headers: target.headers, body: payload }) : null;
          const { status, text } = res ? { status: res.status, text: await res.text() } : await postHttp(agent, url, target.headers, payload);
          if (status !== 201) {
            errors++;
            firstError ||= `${status} ${text.slice(0, 200)}`;
          }
        } catch (err) {
          errors++;
          firstError ||= String(err);
        }
        acks.push(performance.now() - sentAt);
      }
    };
    await Promise.all(Array.from({ length: sizes.customers }, (_, c) => customer(c)));
    const total = sizes.customers * sizes.messages;
    const expected = total - errors;
    const deadline = performance.now() + (opts.settleMs ?? 20_000);
    while (t.full < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    this.current = null;
    agent.destroy();
    if (firstError) console.error(`  ! ${errors} failed posts; first: ${firstError}`);

    const lastLat = new Float64Array(t.full);
    const firstLat: number[] = [];
    let j = 0;
    for (let i = 0; i < total; i++) {
      if (t.count[i]! > 0) firstLat.push(t.firstAt[i]! - t.sentAt[i]!);
      if (t.count[i] === this.agentsN) lastLat[j++] = t.lastAt[i]! - t.sentAt[i]!;
    }
    if (process.env.BENCH_DEBUG) {
      const slow: string[] = [];
      for (let i = 0; i < total; i++) if (t.count[i]! > 0 && t.firstAt[i]! - t.sentAt[i]! > 1000) slow.push(`c${Math.floor(i / sizes.messages)}k${i % sizes.messages}@${(t.sentAt[i]! - start).toFixed(0)}:${(t.firstAt[i]! - t.sentAt[i]!).toFixed(0)}`);
      console.error(`  slow (>1s) ${tag}: ${slow.length}: ${slow.slice(0, 40).join(' ')}`);
    }
    if (process.env.BENCH_DEBUG) console.error(`  agent 0 got ${this.frames0} frames, ${(this.bytes0 / 1e6).toFixed(1)} MB: ${[...this.types0].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    const wallMs = (t.full ? t.lastFull : performance.now()) - start;
    return {
      sent: total,
      errors,
      delivered: t.full,
      duplicates: t.duplicates,
      wallMs,
      rate: (t.full / wallMs) * 1000,
      ack: percentiles(acks),
      first: percentiles(firstLat),
      each: percentiles(t.each, t.eachN),
      last: percentiles(lastLat, j),
    };
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets = [];
  }
}
