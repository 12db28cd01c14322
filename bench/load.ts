/**
 * The agents' side of the load, shared by every target: M WebSocket listeners that said hello. Each
 * message body carries a mark (tag, customer, index, due time); a listener times its
 * `message.created` frame against it and counts who got what (bench/openLoop.ts posts them).
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { TargetReady } from './protocol.ts';

export interface LoadSizes {
  customers: number;
  messages: number;
}

export interface Percentiles {
  p50: number;
  p99: number;
}

export function percentiles(values: Float64Array | number[], n = values.length): Percentiles {
  if (n === 0) return { p50: NaN, p99: NaN };
  const sorted = Float64Array.from(values.slice(0, n)).sort();
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

const MARK = /bench ([a-z0-9]+) (\d+) (\d+) /;

export interface Tracker {
  tag: string;
  customers: number;
  messages: number;
  sentAt: Float64Array;
  count: Uint16Array;
  lastAt: Float64Array;
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
    lastAt: new Float64Array(total),
    full: 0,
    lastFull: 0,
    duplicates: 0,
    seen: new Uint8Array(total * agents),
  };
}

export class Agents {
  private sockets: WebSocket[] = [];
  private current: Tracker | null = null;
  private agentsN = 0;
  /** What agent 0 received: frames, characters, and (BENCH_DEBUG) frames by type. */
  frames0 = 0;
  bytes0 = 0;
  types0 = new Map<string, number>();

  /** Listeners connected. */
  get size(): number {
    return this.agentsN;
  }

  /** Starts counting receipts of messages marked with `tag` (one phase at a time). */
  track(tag: string, sizes: LoadSizes): Tracker {
    this.current = tracker(tag, sizes, this.agentsN);
    return this.current;
  }

  untrack(): void {
    this.current = null;
  }

  /** Connects one listener per stream URL, says hello and waits for `ready` on each. */
  async connect(target: TargetReady, timeoutMs = 20_000): Promise<void> {
    this.agentsN = target.streamUrls.length;
    await Promise.all(
      target.streamUrls.map(
        (url, i) =>
          new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true, headers: target.streamHeaders?.[i] ?? {} });
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
    const c = ++t.count[idx]!;
    if (c === this.agentsN) {
      t.lastAt[idx] = now;
      t.full++;
      t.lastFull = now;
    }
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets = [];
  }
}
