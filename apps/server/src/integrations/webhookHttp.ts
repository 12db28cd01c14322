import http from 'node:http';
import https from 'node:https';
import { lookupFor, resolveTarget, TargetRefused, type TargetPolicy } from './webhookTarget.ts';

export interface Attempt {
  ok: boolean;
  /** The receiver's status; null when none came. */
  status: number | null;
  durationMs: number;
  /** Why it failed, for the delivery log. */
  error: string | null;
}

/**
 * One POST of a webhook delivery: to the address the guard checked, no redirects followed (a 3xx is
 * a failure: the receiver must give its final URL), the whole exchange bounded by `timeoutMs`. Only
 * 2xx counts as delivered. The response body is read up to 4 KiB and dropped. Never throws.
 */
export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { policy: TargetPolicy; timeoutMs: number; signal?: AbortSignal },
): Promise<Attempt> {
  // Real elapsed time (the server's clock may be a test's manual one).
  const started = performance.now();
  const done = (status: number | null, error: string | null): Attempt => ({ ok: error === null, status, durationMs: Math.round(performance.now() - started), error });
  let target;
  const u = new URL(url);
  try {
    target = await resolveTarget(u, opts.policy);
  } catch (err) {
    return done(null, err instanceof TargetRefused ? `Refused: ${err.message}` : String(err));
  }
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    const finish = (a: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(a);
    };
    const req = lib.request(
      u,
      {
        method: 'POST',
        lookup: lookupFor(target),
        headers: { 'content-type': 'application/json', 'user-agent': 'Switchboard-Webhooks/1', 'content-length': Buffer.byteLength(body), ...headers },
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 4096) res.destroy();
        });
        const end = () => finish(status >= 200 && status < 300 ? done(status, null) : done(status, status >= 300 && status < 400 ? `Answered ${status} (redirects are not followed)` : `Answered ${status}`));
        res.on('end', end);
        res.on('close', end);
        res.on('error', end);
      },
    );
    const timer = setTimeout(() => {
      finish(done(null, `Timed out after ${opts.timeoutMs} ms`));
      req.destroy();
    }, opts.timeoutMs);
    const onAbort = () => {
      finish(done(null, 'Stopped: the server was shutting down'));
      req.destroy();
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err: NodeJS.ErrnoException) => finish(done(null, `Could not deliver: ${err.code ?? err.message}`)));
    req.end(body);
  });
}
