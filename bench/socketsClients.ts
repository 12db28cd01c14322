/**
 * The client side of bench/sockets.ts: N stream sockets opened in batches (each says hello until
 * `ready`), and a fan-out probe: one customer message at a time, timed from its POST to the
 * `message.created` frame at every socket.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { TargetReady } from './protocol.ts';

export interface Spread {
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank p50 / p99 and the maximum of some latencies. */
export function spread(values: Float64Array): Spread {
  if (!values.length) return { p50: NaN, p99: NaN, max: NaN };
  const s = Float64Array.from(values).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1]! };
}

export interface FanOutResult {
  /** Messages every socket received. */
  complete: number;
  /** Receipts missing at the deadline (over all messages). */
  missing: number;
  /** The first message, per socket. */
  first: Spread;
  /** Every receipt of every message. */
  all: Spread;
  /** Per message, the slowest socket. */
  last: Spread;
  /** Per message, slowest − fastest socket: the fan-out itself, without the commit before it. */
  width: Spread;
}

const MARK = /sockets ([a-z]+)(\d+) ([\d.]+)/;

export class Streams {
  private sockets: WebSocket[] = [];
  /** Receipt times of the message in flight, by socket (0 = not yet). */
  private got = new Float64Array(0);
  private gotN = 0;
  private want = '';
  /** Called once the message in flight reached every socket. */
  private allIn: (() => void) | null = null;

  get size(): number {
    return this.sockets.length;
  }

  /** Opens every stream URL of the target, `batch` at a time, each waiting for `ready`. */
  async open(target: TargetReady, batch: number, timeoutMs = 30_000): Promise<void> {
    const n = target.streamUrls.length;
    this.got = new Float64Array(n);
    for (let from = 0; from < n; from += batch) {
      const idx = Array.from({ length: Math.min(batch, n - from) }, (_, j) => from + j);
      await Promise.all(idx.map((i) => this.openOne(target.streamUrls[i]!, target.streamHeaders?.[i] ?? {}, i, timeoutMs)));
    }
  }

  private openOne(url: string, headers: Record<string, string>, i: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true, headers });
      this.sockets[i] = ws;
      let ready = false;
      let hellos = 0;
      const timer = setTimeout(() => reject(new Error(`socket ${i}: no ready within ${timeoutMs} ms`)), timeoutMs);
      // As load.ts: say hello again until `ready`, in case the first one came before sign-in.
      const hello = () => {
        if (ready || ws.readyState !== WebSocket.OPEN || hellos++ >= 20) return;
        ws.send('{"type":"hello"}');
        setTimeout(hello, 1000).unref();
      };
      ws.on('open', hello);
      ws.on('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`socket ${i}: ${err.message}`));
      });
      ws.on('message', (raw) => {
        const text = raw.toString();
        if (ready) return this.receive(i, text);
        if (text.includes('"ready"')) {
          ready = true;
          clearTimeout(timer);
          resolve();
        } else if (text.includes('"error"') || text.includes('"resync"')) reject(new Error(`socket ${i}: ${text}`));
      });
    });
  }

  /** Frames received after `ready` (any type), and the types socket 0 got. */
  frames = 0;
  types0 = new Map<string, number>();

  private receive(i: number, text: string): void {
    this.frames++;
    if (i === 0) {
      const type = /"type":"([^"]+)"/.exec(text)?.[1] ?? '?';
      this.types0.set(type, (this.types0.get(type) ?? 0) + 1);
    }
    if (!this.want || !text.includes('"message.created"')) return;
    const now = performance.now();
    const m = MARK.exec(text);
    if (!m || `${m[1]}${m[2]}` !== this.want || this.got[i]) return;
    this.got[i] = now - Number(m[3]);
    if (++this.gotN === this.sockets.length) this.allIn?.();
  }

  /**
   * Posts `count` customer messages (one customer, so one conversation) one after another, each once
   * the previous reached every socket (or `settleMs` passed); `tag` keeps runs apart.
   */
  async fanOut(target: TargetReady, tag: string, count: number, settleMs = 10_000): Promise<FanOutResult> {
    const n = this.sockets.length;
    const all = new Float64Array(n * count);
    const last: number[] = [];
    const width: number[] = [];
    let first = new Float64Array(0);
    let allN = 0;
    let missing = 0;
    for (let k = 0; k < count; k++) {
      this.got.fill(0);
      this.gotN = 0;
      this.want = `${tag}${k}`;
      const sentAt = await this.post(target, tag, k);
      if (this.gotN < n) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          this.allIn = resolve;
          timer = setTimeout(resolve, Math.max(0, sentAt + settleMs - performance.now()));
        });
        clearTimeout(timer);
        this.allIn = null;
      }
      this.want = '';
      const got = this.got.filter((v) => v > 0);
      missing += n - got.length;
      if (got.length === n) {
        last.push(got.reduce((a, b) => Math.max(a, b), 0));
        width.push(last[last.length - 1]! - got.reduce((a, b) => Math.min(a, b), Infinity));
      }
      if (k === 0) first = got;
      all.set(got, allN);
      allN += got.length;
    }
    return { complete: last.length, missing, first: spread(first), all: spread(all.subarray(0, allN)), last: spread(Float64Array.from(last)), width: spread(Float64Array.from(width)) };
  }

  /** Load shedding met (503 `overloaded`) and why, from the target's /metrics. */
  shed = 0;
  shedWhy = '';

  /**
   * One customer message; a 503 is retried after its Retry-After, as providers do (the time is taken
   * from the accepted attempt). Returns when it was sent.
   */
  private async post(target: TargetReady, tag: string, k: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const sentAt = performance.now();
      const body = JSON.stringify({ channel: 'api', externalId: `sockets-${tag}`, contact: { name: `Sockets ${tag}` }, body: `sockets ${tag}${k} ${sentAt.toFixed(3)}` });
      const res = await fetch(target.url + target.inboundPath, { method: 'POST', headers: target.headers, body });
      const text = await res.text();
      if (res.status === 201) return sentAt;
      if (res.status !== 503 || attempt >= 10) throw new Error(`inbound POST answered ${res.status}: ${text.slice(0, 200)}`);
      this.shed++;
      const metrics = await fetch(`${target.url}/metrics`).then((r) => (r.ok ? r.text() : ''), () => '');
      this.shedWhy = metrics.split('\n').filter((l) => l.startsWith('switchboard_load_shed_total{')).map((l) => l.replace('switchboard_load_shed_total', '')).join(' ');
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
    }
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets = [];
  }
}
