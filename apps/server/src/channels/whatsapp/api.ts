import fsp from 'node:fs/promises';
import { callProvider, downloadFromProvider, ProviderError } from '../provider.ts';

/** The WhatsApp Cloud API (Graph API) calls we make, with the types we rely on. */
export const GRAPH_API = 'https://graph.facebook.com/v21.0';

export interface WhatsappAccount {
  base: string;
  phoneNumberId: string;
  businessAccountId: string | null;
  token: string;
  signal?: AbortSignal;
}

export function accountOf(inbox: { address: string; settings: string }, secrets: Record<string, string>, signal?: AbortSignal): WhatsappAccount {
  const s = JSON.parse(inbox.settings) as { apiBaseUrl?: string; businessAccountId?: string };
  return { base: (s.apiBaseUrl || GRAPH_API).replace(/\/+$/, ''), phoneNumberId: inbox.address, businessAccountId: s.businessAccountId ?? null, token: secrets.accessToken ?? '', signal };
}

const auth = (a: WhatsappAccount) => ({ authorization: `Bearer ${a.token}` });

function needToken(a: WhatsappAccount) {
  if (!a.token) throw new ProviderError('the inbox has no access token; set one under Admin → Inboxes', 'refused', null);
}

/** POST /{phone-number-id}/messages; the wamid of the message. */
export async function postMessage(a: WhatsappAccount, body: Record<string, unknown>): Promise<string> {
  needToken(a);
  const res = await callProvider<{ messages?: Array<{ id: string }> }>(`${a.base}/${a.phoneNumberId}/messages`, { json: { messaging_product: 'whatsapp', recipient_type: 'individual', ...body }, headers: auth(a), signal: a.signal });
  const id = res?.messages?.[0]?.id;
  if (!id) throw new ProviderError('the answer named no message id', 'unknown', 200);
  return id;
}

/** POST /{phone-number-id}/media (multipart): the media id to send the file by. */
export async function uploadMedia(a: WhatsappAccount, file: { path: string; name: string; contentType: string }): Promise<string> {
  needToken(a);
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', file.contentType);
  form.append('file', new Blob([await fsp.readFile(file.path)], { type: file.contentType }), file.name);
  // An upload that got no answer is only an orphan file at Meta, never a message: safe to try again.
  try {
    const res = await callProvider<{ id?: string }>(`${a.base}/${a.phoneNumberId}/media`, { form, headers: auth(a), signal: a.signal, timeoutMs: 60_000 });
    if (!res?.id) throw new ProviderError('the upload answer named no media id', 'retry', 200);
    return res.id;
  } catch (err) {
    if (err instanceof ProviderError && err.kind === 'unknown') throw new ProviderError(`media upload: ${err.message}`, 'retry', err.status);
    throw err;
  }
}

/** GET /{media-id} → a short-lived URL, then its bytes, both with the bearer token. */
export async function downloadMedia(a: WhatsappAccount, mediaId: string, maxBytes: number): Promise<{ data: Buffer; contentType: string | null; size: number | null }> {
  needToken(a);
  const meta = await callProvider<{ url?: string; mime_type?: string; file_size?: number | string }>(`${a.base}/${encodeURIComponent(mediaId)}`, { headers: auth(a), signal: a.signal });
  if (!meta?.url) throw new ProviderError('the media has no download URL', 'refused', 200);
  const got = await downloadFromProvider(meta.url, { headers: auth(a), signal: a.signal }, maxBytes);
  return { ...got, contentType: meta.mime_type ?? got.contentType, size: meta.file_size != null ? Number(meta.file_size) : null };
}

export interface GraphTemplate {
  name: string;
  language: string;
  status: string;
  category?: string;
  components?: Array<{ type: string; text?: string; format?: string }>;
}

/** GET /{waba-id}/message_templates, every page. */
export async function listTemplates(a: WhatsappAccount): Promise<GraphTemplate[]> {
  needToken(a);
  if (!a.businessAccountId) throw new ProviderError('the inbox has no business account id; set it under Admin → Inboxes', 'refused', null);
  const out: GraphTemplate[] = [];
  let url: string | null = `${a.base}/${a.businessAccountId}/message_templates?fields=name,language,status,category,components&limit=100`;
  for (let page = 0; url && page < 50; page++) {
    const res: { data?: GraphTemplate[]; paging?: { next?: string } } = await callProvider(url, { headers: auth(a), signal: a.signal });
    out.push(...(res?.data ?? []));
    url = res?.paging?.next ?? null;
  }
  return out;
}

/** Marks a customer's message (and those before it) read: blue ticks on their phone. */
export async function markRead(a: WhatsappAccount, wamid: string): Promise<void> {
  needToken(a);
  await callProvider(`${a.base}/${a.phoneNumberId}/messages`, { json: { messaging_product: 'whatsapp', status: 'read', message_id: wamid }, headers: auth(a), signal: a.signal });
}

/** Test connection: the number as the Graph API knows it. */
export async function describeNumber(a: WhatsappAccount): Promise<string> {
  needToken(a);
  const res = await callProvider<{ display_phone_number?: string; verified_name?: string }>(`${a.base}/${a.phoneNumberId}?fields=display_phone_number,verified_name`, { headers: auth(a), signal: a.signal, timeoutMs: 10_000 });
  return [res?.verified_name, res?.display_phone_number].filter(Boolean).join(' · ') || a.phoneNumberId;
}
