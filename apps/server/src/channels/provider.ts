/**
 * Calling a provider's HTTP API (Graph API, Telegram Bot API) with `fetch`, bounded in time, and
 * sorting what went wrong into what the caller must do about it:
 * - `retry`: the provider did not take the request (429, 5xx, connection refused); try again later,
 *   after `retryAfterMs` when the provider said how long (429 retry_after / Retry-After).
 * - `refused`: the provider answered that this request cannot succeed (4xx); do not try again.
 * - `unknown`: the request left and no answer came (timeout, reset, we were stopping): the provider
 *   may have acted on it, so an outgoing message is not sent again.
 */
export type ProviderFailure = 'retry' | 'refused' | 'unknown';

export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: ProviderFailure,
    readonly status: number | null,
    readonly retryAfterMs: number | null = null,
    /** The provider's own error code (Graph `error.code`, WhatsApp `errors[].code`, Telegram `error_code`). */
    readonly code: number | null = null,
  ) {
    super(message);
  }
}

export interface ProviderCall {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  json?: unknown;
  form?: FormData;
  timeoutMs?: number;
  /** Aborted when the server stops: a call in flight then ends as `unknown`. */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 15_000;

function retryAfterOf(res: Response, body: any): number | null {
  const tg = body?.parameters?.retry_after;
  if (typeof tg === 'number' && tg >= 0) return tg * 1000;
  const h = res.headers.get('retry-after');
  if (h && /^\d+$/.test(h.trim())) return Number(h) * 1000;
  return null;
}

/** What the provider said went wrong, short enough to show an administrator. */
function describe(body: any, status: number): { text: string; code: number | null } {
  const g = body?.error;
  if (g && typeof g === 'object') return { text: String(g.error_user_msg ?? g.message ?? `HTTP ${status}`), code: typeof g.code === 'number' ? g.code : null };
  if (body && typeof body.description === 'string') return { text: body.description, code: typeof body.error_code === 'number' ? body.error_code : null };
  return { text: `HTTP ${status}`, code: null };
}

async function send(url: string, call: ProviderCall): Promise<Response> {
  const timeout = AbortSignal.timeout(call.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
  const headers: Record<string, string> = { ...call.headers };
  let body: string | FormData | undefined;
  if (call.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(call.json);
  } else if (call.form) body = call.form;
  try {
    return await fetch(url, { method: call.method ?? (body ? 'POST' : 'GET'), headers, body, signal, redirect: 'follow' });
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    // Refused or unresolvable before anything was sent: safe to try again.
    if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(e.cause?.code ?? '')) {
      throw new ProviderError(`the provider cannot be reached (${e.cause!.code})`, 'retry', null);
    }
    const why = e.name === 'TimeoutError' ? 'the provider did not answer in time' : e.name === 'AbortError' ? 'the call was cut short' : 'the connection to the provider broke';
    throw new ProviderError(why, 'unknown', null);
  }
}

/** A JSON call; resolves with the parsed body of a 2xx answer, else throws a ProviderError. */
export async function callProvider<T = any>(url: string, call: ProviderCall = {}): Promise<T> {
  const res = await send(url, call);
  const text = await res.text().catch(() => '');
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.ok && !(body && body.ok === false)) return body as T;
  const { text: what, code } = describe(body, res.status);
  const kind: ProviderFailure = res.status === 429 || res.status >= 500 ? 'retry' : 'refused';
  throw new ProviderError(`${what} (HTTP ${res.status})`, kind, res.status, retryAfterOf(res, body), code);
}

/** Bytes of a file the provider serves, refused past `maxBytes` without reading the rest. */
export async function downloadFromProvider(url: string, call: ProviderCall, maxBytes: number): Promise<{ data: Buffer; contentType: string | null }> {
  const res = await send(url, { ...call, timeoutMs: call.timeoutMs ?? 60_000 });
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new ProviderError(`the provider did not serve the file (HTTP ${res.status})`, res.status === 429 || res.status >= 500 ? 'retry' : 'refused', res.status, retryAfterOf(res, null));
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new TooLarge(declared);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > maxBytes) throw new TooLarge(size);
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof TooLarge) throw err;
    throw new ProviderError('the download from the provider broke off', 'retry', null);
  }
  return { data: Buffer.concat(chunks), contentType: res.headers.get('content-type') };
}

export class TooLarge extends Error {
  constructor(readonly size: number) {
    super(`the file is larger than allowed (${size} bytes)`);
  }
}
