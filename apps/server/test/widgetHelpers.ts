import WebSocket from 'ws';
import { connectStream, type TestServer } from '../../../test/harness.ts';

export interface VisitorCaller {
  token: string;
  body: any;
  api<T = any>(method: string, path: string, payload?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
}

// A random start: with Redis the limits outlive one run, and a rerun within the minute must not inherit them.
let ip = 1 + Math.floor(Math.random() * 15_000_000);
/** A fresh client address per visitor, so the per-IP limits of one test do not starve the next. */
export const nextIp = () => `10.${Math.floor(ip / 62500) % 250}.${Math.floor(ip / 250) % 250}.${(ip++ % 250) + 1}`;

export async function widgetCall(t: TestServer, method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const r = await t.server.app.inject({ method: method as 'GET', url, headers: { 'x-forwarded-for': nextIp(), ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: r.statusCode, body: r.body ? (r.headers['content-type']?.toString().includes('json') ? r.json() : r.body) : undefined };
}

/** A visitor with a session token, calling the widget API through the real HTTP stack. */
export async function newVisitor(t: TestServer, session: Record<string, unknown> = {}): Promise<VisitorCaller> {
  const r = await widgetCall(t, 'POST', '/api/v1/widget/sessions', session);
  if (r.status !== 201) throw new Error(`session failed: ${r.status} ${JSON.stringify(r.body)}`);
  const token = r.body.token as string;
  const addr = nextIp();
  return {
    token,
    body: r.body,
    api: (method, path, payload, headers = {}) => widgetCall(t, method, path, payload, { 'x-visitor-token': token, 'x-forwarded-for': addr, ...headers }) as never,
  };
}

export interface VisitorStream {
  frames: any[];
  ws: WebSocket;
  next(pred: (f: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

/** Trades the visitor token for a one-time stream ticket, as the widget does, and opens the stream. */
export async function openVisitorStream(t: TestServer, token: string, lastSeq?: number): Promise<VisitorStream> {
  const r = await t.server.app.inject({ method: 'POST', url: '/api/v1/widget/stream-ticket', headers: { 'x-visitor-token': token } });
  const ticket = r.statusCode === 201 ? (r.json().ticket as string) : 'none';
  return connectStream(`${t.url.replace('http', 'ws')}/api/v1/widget/stream?ticket=${encodeURIComponent(ticket)}`, {}, lastSeq, ['ready', 'resync', 'error']);
}
