import fsp from 'node:fs/promises';
import { callProvider, ProviderError } from '../provider.ts';
import { GRAPH_API } from '../whatsapp/api.ts';

/** The Messenger Platform calls we make (Send API, User Profile API), authenticated by the page token. */
export interface MessengerPage {
  base: string;
  pageId: string;
  token: string;
  signal?: AbortSignal;
}

export function pageOf(inbox: { address: string; settings: string }, secrets: Record<string, string>, signal?: AbortSignal): MessengerPage {
  const s = JSON.parse(inbox.settings) as { apiBaseUrl?: string };
  return { base: (s.apiBaseUrl || GRAPH_API).replace(/\/+$/, ''), pageId: inbox.address, token: secrets.pageToken ?? '', signal };
}

function needToken(p: MessengerPage) {
  if (!p.token) throw new ProviderError('the inbox has no page token; set one under Admin → Inboxes', 'refused', null);
}
const q = (p: MessengerPage) => `access_token=${encodeURIComponent(p.token)}`;

/** POST /me/messages (JSON); the message id. */
export async function sendApi(p: MessengerPage, body: Record<string, unknown>): Promise<string> {
  needToken(p);
  const res = await callProvider<{ message_id?: string; recipient_id?: string }>(`${p.base}/me/messages?${q(p)}`, { json: body, signal: p.signal });
  if (!res?.message_id && !('sender_action' in body)) throw new ProviderError('the answer named no message id', 'unknown', 200);
  return res?.message_id ?? '';
}

/** POST /me/messages with the file as `filedata` (multipart). */
export async function sendFile(p: MessengerPage, fields: Record<string, unknown>, file: { path: string; name: string; contentType: string }): Promise<string> {
  needToken(p);
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  form.append('filedata', new Blob([await fsp.readFile(file.path)], { type: file.contentType }), file.name);
  const res = await callProvider<{ message_id?: string }>(`${p.base}/me/messages?${q(p)}`, { form, signal: p.signal, timeoutMs: 60_000 });
  if (!res?.message_id) throw new ProviderError('the answer named no message id', 'unknown', 200);
  return res.message_id;
}

/** The customer's name as Facebook gives it (seed 001), or null when the profile is not available. */
export async function profileName(p: MessengerPage, psid: string, instagram: boolean): Promise<string | null> {
  needToken(p);
  const fields = instagram ? 'name,username' : 'first_name,last_name';
  try {
    const r = await callProvider<{ first_name?: string; last_name?: string; name?: string; username?: string }>(`${p.base}/${encodeURIComponent(psid)}?fields=${fields}&${q(p)}`, { signal: p.signal, timeoutMs: 10_000 });
    return [r?.first_name, r?.last_name].filter(Boolean).join(' ') || r?.name || (r?.username ? `@${r.username}` : null);
  } catch (err) {
    if (err instanceof ProviderError && err.kind === 'refused') return null; // no permission for profiles: the message still counts
    throw err;
  }
}

export async function describePage(p: MessengerPage): Promise<string> {
  needToken(p);
  const r = await callProvider<{ name?: string; id?: string }>(`${p.base}/me?fields=name&${q(p)}`, { signal: p.signal, timeoutMs: 10_000 });
  return r?.name ?? r?.id ?? p.pageId;
}
