import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Graph API (WhatsApp Cloud API and Messenger Send API) on loopback. It checks requests the
 * way the real one does — the bearer token (WhatsApp) or access_token (Messenger), JSON bodies of the
 * documented shape, multipart for media uploads — answers in the documented shapes, and records
 * every call. `fail` and `hang` make it answer like a provider having a bad day.
 */
export interface GraphCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  json: any;
  form: Record<string, string | { name: string; type: string; data: Buffer }> | null;
}

interface Fault {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  times: number;
  match?: (c: GraphCall) => boolean;
}

const graphError = (message: string, code: number, type = 'OAuthException') => ({ error: { message, type, code, fbtrace_id: 'AbCdEf' } });
const WA_TYPES = new Set(['text', 'image', 'audio', 'video', 'document', 'sticker', 'template', 'location', 'contacts', 'interactive', 'reaction']);

export interface GraphApiPeer {
  url: string;
  /** The base URL an inbox's apiBaseUrl setting takes. */
  base: string;
  calls: GraphCall[];
  /** Calls that sent a message (POST …/messages that are not read receipts). */
  sent(): GraphCall[];
  media: Map<string, { data: Buffer; type: string }>;
  templates: any[];
  profiles: Map<string, { first_name: string; last_name: string }>;
  fail(status: number, opts?: { times?: number; body?: unknown; headers?: Record<string, string>; match?: (c: GraphCall) => boolean }): void;
  /** The next matching calls get no answer until `release()` (or the client gives up). */
  hang(match?: (c: GraphCall) => boolean): void;
  release(): void;
  close(): Promise<void>;
}

export async function startGraphApi(opts: { token: string; pageToken?: string }): Promise<GraphApiPeer> {
  const calls: GraphCall[] = [];
  const faults: Fault[] = [];
  const media = new Map<string, { data: Buffer; type: string }>();
  const templates: any[] = [];
  const profiles = new Map<string, { first_name: string; last_name: string }>();
  let hanging: { match: (c: GraphCall) => boolean } | null = null;
  const held: http.ServerResponse[] = [];
  let base = '';

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const u = new URL(req.url!, 'http://x');
    const path = u.pathname.replace(/^\/v\d+\.\d+/, '');
    const query = Object.fromEntries(u.searchParams);
    const ct = String(req.headers['content-type'] ?? '');
    let json: any = null;
    let form: GraphCall['form'] = null;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (raw.length && ct.startsWith('application/json')) {
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        return send(400, graphError('Invalid JSON', 100, 'GraphMethodException'));
      }
    } else if (raw.length && ct.startsWith('multipart/form-data')) {
      const fd = await new Response(raw, { headers: { 'content-type': ct } }).formData();
      form = {};
      for (const [k, v] of fd.entries()) form[k] = typeof v === 'string' ? v : { name: (v as File).name, type: v.type, data: Buffer.from(await v.arrayBuffer()) };
    } else if (raw.length && req.method === 'POST') {
      return send(400, graphError('Unsupported content type', 100, 'GraphMethodException'));
    }
    const call: GraphCall = { method: req.method!, path, query, headers: req.headers, json, form };
    calls.push(call);

    if (hanging && hanging.match(call)) {
      held.push(res);
      return;
    }
    const f = faults.find((x) => x.times > 0 && (!x.match || x.match(call)));
    if (f) {
      f.times--;
      return send(f.status, f.body, f.headers);
    }

    // Messenger Send API and profiles authenticate with access_token; WhatsApp with a bearer token.
    const messenger = path.startsWith('/me/') || query.access_token !== undefined;
    if (messenger) {
      if (query.access_token !== opts.pageToken) return send(400, graphError('Invalid OAuth access token - Cannot parse access token', 190));
      if (req.method === 'POST' && /^\/(me|\d+)\/messages$/.test(path)) {
        const b: any = json ?? (form ? { recipient: JSON.parse(String(form.recipient)), message: form.message ? JSON.parse(String(form.message)) : undefined, messaging_type: form.messaging_type, tag: form.tag, sender_action: form.sender_action } : null);
        if (!b?.recipient?.id) return send(400, graphError('(#100) The parameter recipient is required', 100));
        if (b.sender_action) return send(200, { recipient_id: b.recipient.id });
        if (!['RESPONSE', 'UPDATE', 'MESSAGE_TAG'].includes(b.messaging_type)) return send(400, graphError('(#100) messaging_type is required', 100));
        if (b.messaging_type === 'MESSAGE_TAG' && !['HUMAN_AGENT', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE'].includes(b.tag)) return send(400, graphError('(#100) Invalid tag', 100));
        const m = b.message;
        if (!m || (!m.text && !m.attachment)) return send(400, graphError('(#100) Must send either message or sender_action', 100));
        if (m.text && m.text.length > 2000) return send(400, graphError('(#100) Length of param message[text] must be less than or equal to 2000', 100));
        if (m.attachment && !form?.filedata && !m.attachment.payload?.url && !m.attachment.payload?.attachment_id) return send(400, graphError('(#100) Attachment payload is missing', 100));
        return send(200, { recipient_id: b.recipient.id, message_id: `m_${crypto.randomBytes(12).toString('base64url')}` });
      }
      const prof = /^\/(\d+)$/.exec(path);
      if (req.method === 'GET' && prof) {
        const p = profiles.get(prof[1]!);
        return p ? send(200, { ...p, id: prof[1] }) : send(400, graphError('(#100) Unsupported get request', 100, 'GraphMethodException'));
      }
      if (req.method === 'GET' && path === '/me') return send(200, { id: 'page', name: 'Acme Page' });
      return send(404, graphError('Unknown path', 803));
    }

    if (req.headers.authorization !== `Bearer ${opts.token}`) return send(401, graphError('Invalid OAuth access token.', 190));
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && (m = /^\/(\d+)\/messages$/.exec(path))) {
      if (!json) return send(400, graphError('(#100) Param messaging_product is required', 100));
      if (json.messaging_product !== 'whatsapp') return send(400, graphError('(#100) Param messaging_product must be whatsapp', 100));
      if (json.status === 'read') return json.message_id ? send(200, { success: true }) : send(400, graphError('(#100) Param message_id is required', 100));
      if (!json.to) return send(400, graphError('(#100) Param to is required', 100));
      if (!WA_TYPES.has(json.type) || typeof json[json.type] !== 'object') return send(400, graphError(`(#100) Param ${json.type} must be a JSON object`, 100));
      if (json.type === 'text' && (!json.text.body || json.text.body.length > 4096)) return send(400, graphError('(#100) Param text[body] is invalid', 100));
      if (['image', 'audio', 'video', 'document', 'sticker'].includes(json.type)) {
        const id = json[json.type].id;
        if (!id || !media.has(id)) return send(400, graphError('(#131053) Media upload error', 131053));
        if (json.type === 'audio' && json.audio.caption) return send(400, graphError('(#100) Param audio[caption] is not supported', 100));
      }
      if (json.type === 'template') {
        const t = json.template;
        const known = templates.find((x) => x.name === t?.name && x.language === t?.language?.code);
        if (!known) return send(404, graphError(`(#132001) Template name does not exist in the translation`, 132001));
      }
      return send(200, { messaging_product: 'whatsapp', contacts: [{ input: json.to, wa_id: json.to }], messages: [{ id: `wamid.${crypto.randomBytes(18).toString('base64url')}` }] });
    }
    if (req.method === 'POST' && /^\/(\d+)\/media$/.test(path)) {
      const file = form?.file;
      if (!form || form.messaging_product !== 'whatsapp' || typeof file !== 'object' || !form.type) return send(400, graphError('(#100) Param file, type and messaging_product are required (multipart)', 100));
      const id = String(1_000_000_000 + media.size + 1);
      media.set(id, { data: file.data, type: String(form.type) });
      return send(200, { id });
    }
    if (req.method === 'GET' && (m = /^\/download\/(\d+)$/.exec(path))) {
      const f = media.get(m[1]!);
      if (!f) return send(404, graphError('Not found', 100));
      res.writeHead(200, { 'content-type': f.type, 'content-length': String(f.data.length) });
      return res.end(f.data);
    }
    if (req.method === 'GET' && (m = /^\/(\d+)\/message_templates$/.exec(path))) return send(200, { data: templates, paging: { cursors: { before: 'a', after: 'b' } } });
    if (req.method === 'GET' && (m = /^\/(\d+)$/.exec(path))) {
      const f = media.get(m[1]!);
      if (f) return send(200, { messaging_product: 'whatsapp', url: `${base}/download/${m[1]}`, mime_type: f.type, sha256: crypto.createHash('sha256').update(f.data).digest('hex'), file_size: String(f.data.length), id: m[1] });
      if (query.fields) return send(200, { display_phone_number: '+1 555-078-3881', verified_name: 'Acme Support', id: m[1] });
      return send(400, graphError(`(#100) Unsupported get request. Object with ID '${m[1]}' does not exist`, 100, 'GraphMethodException'));
    }
    return send(404, graphError('Unknown path', 803));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = url;
  return {
    url,
    base: `${url}/v21.0`,
    calls,
    sent: () => calls.filter((c) => c.method === 'POST' && /\/messages$/.test(c.path) && c.json?.status !== 'read' && !c.json?.sender_action && !c.form?.sender_action),
    media,
    templates,
    profiles,
    fail(status, o = {}) {
      faults.push({ status, body: o.body ?? graphError(status === 429 ? '(#4) Application request limit reached' : 'An unexpected error has occurred. Please retry your request later.', status === 429 ? 4 : 2, status === 429 ? 'OAuthException' : 'GraphMethodException'), headers: o.headers, times: o.times ?? 1, match: o.match });
    },
    hang(match = () => true) {
      hanging = { match };
    },
    release() {
      hanging = null;
      for (const r of held.splice(0)) r.destroy();
    },
    async close() {
      for (const r of held.splice(0)) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
