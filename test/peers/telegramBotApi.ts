import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Telegram Bot API on loopback: /bot<token>/<method> with the token checked, parameters as
 * JSON or multipart/form-data (files must be multipart, as the real one requires for uploads), the
 * documented limits (4096 characters of text, 1024 of caption), answers in the documented
 * `{ok, result}` / `{ok:false, error_code, description, parameters.retry_after}` shapes. Records calls.
 */
export interface BotCall {
  method: string;
  contentType: string;
  params: Record<string, any>;
  files: Record<string, { name: string; type: string; data: Buffer }>;
}

interface Fault {
  code: number;
  description: string;
  retryAfter?: number;
  times: number;
  match?: (c: BotCall) => boolean;
}

export interface TelegramBotApiPeer {
  url: string;
  calls: BotCall[];
  /** Calls that put a message in a chat. */
  sent(): BotCall[];
  files: Map<string, { path: string; data: Buffer }>;
  fail(code: number, description: string, opts?: { times?: number; retryAfter?: number; match?: (c: BotCall) => boolean }): void;
  close(): Promise<void>;
}

const SENDS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'sendVoice', 'sendAudio', 'sendVideo']);
const FILE_FIELD: Record<string, string> = { sendPhoto: 'photo', sendDocument: 'document', sendVoice: 'voice', sendAudio: 'audio', sendVideo: 'video' };

export async function startTelegramBotApi(opts: { token: string; botId: number; username?: string }): Promise<TelegramBotApiPeer> {
  const calls: BotCall[] = [];
  const faults: Fault[] = [];
  const files = new Map<string, { path: string; data: Buffer }>();
  let nextMessageId = 500;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const u = new URL(req.url!, 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const err = (code: number, description: string, extra: Record<string, unknown> = {}) => send(code, { ok: false, error_code: code, description, ...extra });
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(u.pathname);
    if (file) {
      if (file[1] !== opts.token) return err(401, 'Unauthorized');
      const f = [...files.values()].find((x) => x.path === file[2]);
      if (!f) return err(404, 'Not Found');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(f.data.length) });
      return res.end(f.data);
    }
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(u.pathname);
    if (!m) return err(404, 'Not Found');
    if (m[1] !== opts.token) return err(401, 'Unauthorized');
    const method = m[2]!;
    const ct = String(req.headers['content-type'] ?? '');
    const params: Record<string, any> = Object.fromEntries(u.searchParams);
    const upl: BotCall['files'] = {};
    if (ct.startsWith('application/json') && raw.length) {
      try {
        Object.assign(params, JSON.parse(raw.toString('utf8')));
      } catch {
        return err(400, "Bad Request: can't parse JSON object");
      }
    } else if (ct.startsWith('multipart/form-data')) {
      const fd = await new Response(raw, { headers: { 'content-type': ct } }).formData();
      for (const [k, v] of fd.entries()) {
        if (typeof v === 'string') params[k] = v;
        else upl[k] = { name: (v as File).name, type: v.type, data: Buffer.from(await v.arrayBuffer()) };
      }
      if (typeof params.reply_parameters === 'string') params.reply_parameters = JSON.parse(params.reply_parameters);
    }
    const call: BotCall = { method, contentType: ct, params, files: upl };
    calls.push(call);
    const f = faults.find((x) => x.times > 0 && (!x.match || x.match(call)));
    if (f) {
      f.times--;
      return err(f.code, f.description, f.retryAfter !== undefined ? { parameters: { retry_after: f.retryAfter } } : {});
    }
    if (method === 'getMe') return send(200, { ok: true, result: { id: opts.botId, is_bot: true, first_name: 'Acme Bot', username: opts.username ?? 'acme_bot' } });
    if (method === 'getFile') {
      const x = files.get(String(params.file_id));
      return x ? send(200, { ok: true, result: { file_id: params.file_id, file_unique_id: 'u' + params.file_id, file_size: x.data.length, file_path: x.path } }) : err(400, 'Bad Request: invalid file_id');
    }
    if (method === 'sendChatAction') return params.chat_id && params.action ? send(200, { ok: true, result: true }) : err(400, 'Bad Request: chat_id is empty');
    if (SENDS.has(method)) {
      if (!params.chat_id) return err(400, 'Bad Request: chat_id is empty');
      if (method === 'sendMessage') {
        if (!params.text) return err(400, 'Bad Request: message text is empty');
        if (String(params.text).length > 4096) return err(400, 'Bad Request: message is too long');
      } else {
        const field = FILE_FIELD[method]!;
        if (!upl[field] && typeof params[field] !== 'string') return err(400, `Bad Request: there is no ${field} in the request`);
        if (params.caption && String(params.caption).length > 1024) return err(400, 'Bad Request: message caption is too long');
      }
      const id = nextMessageId++;
      return send(200, { ok: true, result: { message_id: id, date: 1750000000, chat: { id: Number(params.chat_id), type: 'private' }, from: { id: opts.botId, is_bot: true, first_name: 'Acme Bot' }, ...(params.text ? { text: params.text } : {}) } });
    }
    return err(404, 'Not Found: method not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    calls,
    sent: () => calls.filter((c) => SENDS.has(c.method)),
    files,
    fail(code, description, o = {}) {
      faults.push({ code, description, retryAfter: o.retryAfter, times: o.times ?? 1, match: o.match });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
