import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What the receiver does with one request: answer a status, or hold it (never answer until released). */
export type Behaviour = number | 'hold';

export interface Received {
  id: string;
  timestamp: string;
  /** Verified with the `standardwebhooks` package against the webhook's secret. */
  verified: boolean;
  type: string;
  body: string;
  data: any;
}

/**
 * A webhook receiver on loopback, as an integrator would write one: it verifies each request with
 * the `standardwebhooks` package and drops repeats by webhook-id (`unique`). `next` says how the
 * coming requests are answered (then 200).
 */
export async function startReceiver() {
  const all: Received[] = [];
  const next: Behaviour[] = [];
  const held: http.ServerResponse[] = [];
  let secret = '';
  let arrived: (() => void) | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = false;
      try {
        new Webhook(secret).verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      const parsed = JSON.parse(body);
      all.push({ id: String(req.headers['webhook-id']), timestamp: String(req.headers['webhook-timestamp']), verified, type: parsed.type, body, data: parsed.data });
      arrived?.();
      const b = next.shift() ?? 200;
      if (b === 'hold') held.push(res);
      else if (b >= 300 && b < 400) res.writeHead(b, { location: '/elsewhere' }).end();
      else res.writeHead(b).end(b === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    all,
    next,
    setSecret(s: string) {
      secret = s;
    },
    /** Requests with an id not seen before, as a receiver that drops repeats keeps them. */
    get unique(): Received[] {
      const seen = new Set<string>();
      return all.filter((r) => !seen.has(r.id) && seen.add(r.id));
    },
    /** Resolves when a request has arrived (now or later). */
    waitFor(n: number): Promise<void> {
      if (all.length >= n) return Promise.resolve();
      return new Promise((resolve) => {
        arrived = () => {
          if (all.length >= n) resolve();
        };
      });
    },
    async close() {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
