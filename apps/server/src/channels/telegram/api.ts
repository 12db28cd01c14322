import fsp from 'node:fs/promises';
import { callProvider, downloadFromProvider, ProviderError } from '../provider.ts';

/** The Telegram Bot API calls we make (https://core.telegram.org/bots/api). */
export const BOT_API = 'https://api.telegram.org';

export interface TelegramBot {
  base: string;
  token: string;
  signal?: AbortSignal;
}

export function botOf(inbox: { settings: string }, secrets: Record<string, string>, signal?: AbortSignal): TelegramBot {
  const s = JSON.parse(inbox.settings) as { apiBaseUrl?: string };
  return { base: (s.apiBaseUrl || BOT_API).replace(/\/+$/, ''), token: secrets.botToken ?? '', signal };
}

function needToken(b: TelegramBot) {
  if (!b.token) throw new ProviderError('the inbox has no bot token; set one under Admin → Inboxes', 'refused', null);
}

/** A Bot API method with JSON parameters; the `result`. */
export async function call<T = any>(b: TelegramBot, method: string, params: Record<string, unknown>): Promise<T> {
  needToken(b);
  const res = await callProvider<{ ok: boolean; result: T }>(`${b.base}/bot${b.token}/${method}`, { json: params, signal: b.signal });
  return res.result;
}

/** A Bot API method that uploads a file (multipart/form-data, the file under `field`). */
export async function upload<T = any>(b: TelegramBot, method: string, field: string, file: { path: string; name: string; contentType: string }, params: Record<string, string | undefined>): Promise<T> {
  needToken(b);
  const form = new FormData();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) form.append(k, v);
  form.append(field, new Blob([await fsp.readFile(file.path)], { type: file.contentType }), file.name);
  const res = await callProvider<{ ok: boolean; result: T }>(`${b.base}/bot${b.token}/${method}`, { form, signal: b.signal, timeoutMs: 60_000 });
  return res.result;
}

/** getFile, then the file's bytes from /file/bot<token>/<file_path>. */
export async function downloadFile(b: TelegramBot, fileId: string, maxBytes: number): Promise<{ data: Buffer; contentType: string | null }> {
  const f = await call<{ file_path?: string; file_size?: number }>(b, 'getFile', { file_id: fileId });
  if (!f?.file_path) throw new ProviderError('Telegram gave no file path (files over 20 MB cannot be downloaded by bots)', 'refused', 200);
  return downloadFromProvider(`${b.base}/file/bot${b.token}/${f.file_path}`, { signal: b.signal }, maxBytes);
}
