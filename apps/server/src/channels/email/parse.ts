import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { MailParser, type AddressObject, type AttachmentStream, type Headers, type MessageText } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import type { ChannelAttachmentLimits } from '@switchboard/protocol';
import { sniffContentType } from '../../attachments/sniff.ts';
import { CLASS_NAMES, classOf, sizeText } from '../../attachments/limits.ts';
import { messageIdsOf, normaliseMessageId } from './addresses.ts';
import { automationOf, type Automation } from './loops.ts';

/** At most this many parts of one email become attachments; the rest are named in a note. */
export const MAX_EMAIL_ATTACHMENTS = 20;
const MAX_HTML = 2 * 1024 * 1024;

export interface StagedAttachment {
  key: string;
  file: string;
  name: string;
  contentType: string;
  size: number;
  contentId: string | null;
}

export interface ParsedEmail {
  messageId: string;
  inReplyTo: string[];
  references: string[];
  subject: string | null;
  from: { address: string; name: string } | null;
  to: string[];
  cc: string[];
  text: string;
  /** Sanitized on ingest: no scripts, styles, handlers or frames; cid: images point at our files. */
  html: string | null;
  attachments: StagedAttachment[];
  /** Parts not kept (too big, not allowed, too many), named for the agent. */
  notes: string[];
  automation: Automation;
  /** For a delivery report (bounce): what failed, and the Message-ID of the mail it is about. */
  dsn: { originalMessageId: string | null; action: string | null; status: string | null; diagnostic: string | null } | null;
}

function addresses(v: AddressObject | AddressObject[] | undefined): Array<{ address: string; name: string }> {
  const list = Array.isArray(v) ? v : v ? [v] : [];
  return list.flatMap((a) => a.value).flatMap(function flat(x): Array<{ address: string; name: string }> {
    if (x.group) return x.group.flatMap(flat);
    return x.address ? [{ address: x.address.toLowerCase(), name: x.name ?? '' }] : [];
  });
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what a file name may not carry
const safeName = (name: string) => name.replace(/[\u0000-\u001f\u007f"\\/]/g, '_').slice(0, 200) || 'attachment';

/** What an email's HTML may keep: text formatting, tables, links and images (remote ones are blocked at display). */
export function sanitizeEmailHtml(html: string, cidUrl: (cid: string) => string | null): string {
  return sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.concat(['img', 'font', 'center', 'span']),
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt', 'width', 'height', 'title'],
      td: ['colspan', 'rowspan', 'align', 'valign'],
      th: ['colspan', 'rowspan', 'align', 'valign'],
      table: ['width', 'border', 'cellpadding', 'cellspacing'],
      font: ['color'],
      '*': ['dir', 'lang'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https', 'cid'] },
    transformTags: {
      a: (tag, attribs) => ({ tagName: 'a', attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
      img: (tag, attribs) => {
        const src = attribs.src ?? '';
        if (src.toLowerCase().startsWith('cid:')) {
          const url = cidUrl(src.slice(4).replace(/^<|>$/g, ''));
          return url ? { tagName: 'img', attribs: { ...attribs, src: url } } : { tagName: 'span', attribs: {}, text: attribs.alt ?? '' };
        }
        return { tagName: 'img', attribs };
      },
    },
  });
}

/** A stream sink that keeps the first `max` bytes in a file, counts the rest, and never stalls the parser. */
class CappedFile extends Writable {
  size = 0;
  head: Buffer[] = [];
  headBytes = 0;
  private fd: number | null;
  constructor(
    readonly file: string,
    readonly max: number,
  ) {
    super();
    this.fd = fs.openSync(file, 'w', 0o600);
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void) {
    this.size += chunk.length;
    if (this.headBytes < 4100) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
    }
    if (this.fd !== null && this.size <= this.max) fs.write(this.fd, chunk, (err) => cb(err));
    else {
      this.closeFile();
      cb();
    }
  }
  override _final(cb: (e?: Error | null) => void) {
    if (this.fd !== null) fs.close(this.fd, (e) => cb(e));
    else cb();
    this.fd = null;
  }
  closeFile() {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }
}

/**
 * Stream-parses one raw message from disk: headers, text, HTML (sanitized), and attachments
 * written to `stagingDir` as they stream by, each held to the channel's limits. Nothing is read
 * into memory whole, so a 20 MB message does not stall the event loop.
 */
export async function parseEmail(rawFile: string, stagingDir: string, limits: ChannelAttachmentLimits, envelopeFrom: string | null): Promise<ParsedEmail> {
  await fsp.mkdir(stagingDir, { recursive: true });
  const parser = new MailParser({ keepDeliveryStatus: true, maxHtmlLengthToParse: MAX_HTML, skipImageLinks: true, skipTextLinks: true });
  const kept: Array<StagedAttachment | undefined> = [];
  let slots = 0;
  const notes: string[] = [];
  let headers: Headers = new Map();
  let text: MessageText | null = null;
  let dsnText = '';
  let skipped = 0;
  const most = Math.max(...Object.values(limits).map((l) => (l.allowed ? l.maxBytes : 0)));

  parser.on('headers', (h: Headers) => (headers = h));
  parser.on('data', (data: AttachmentStream | MessageText) => {
    if (data.type === 'text') {
      text = data;
      return;
    }
    const a = data;
    const ct = (a.contentType ?? '').toLowerCase();
    if (ct === 'message/delivery-status' || ct === 'message/global-delivery-status') {
      a.content.on('data', (c: Buffer) => {
        if (dsnText.length < 64 * 1024) dsnText += c.toString('utf8');
      });
      a.content.on('end', () => a.release?.());
      return;
    }
    const name = safeName(a.filename ?? (ct.startsWith('image/') ? `image.${ct.slice(6)}` : 'attachment'));
    if (slots >= MAX_EMAIL_ATTACHMENTS) {
      skipped++;
      a.content.resume();
      a.content.on('end', () => a.release?.());
      return;
    }
    const key = crypto.randomBytes(16).toString('hex');
    // Parts keep the order they had in the email, though each is checked when it has streamed by.
    const slot = slots++;
    const sink = new CappedFile(path.join(stagingDir, key), most);
    a.content.pipe(sink);
    sink.on('finish', async () => {
      try {
        // A bounce quotes the mail it is about: its headers name our Message-ID.
        if (ct === 'message/rfc822' || ct === 'text/rfc822-headers') dsnText += '\n' + Buffer.concat(sink.head).toString('utf8');
        const contentType = await sniffContentType(Buffer.concat(sink.head));
        const kind = classOf(contentType);
        const lim = limits[kind];
        if (!lim.allowed) notes.push(`${name} was not kept: ${CLASS_NAMES[kind].toLowerCase()} are not allowed on email.`);
        else if (sink.size > lim.maxBytes) notes.push(`${name} (${sizeText(sink.size)}) was not kept: ${CLASS_NAMES[kind].toLowerCase()} on email can be at most ${sizeText(lim.maxBytes)}.`);
        else if (sink.size === 0) notes.push(`${name} was empty.`);
        else {
          kept[slot] = { key, file: sink.file, name, contentType, size: sink.size, contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : null };
          return;
        }
        await fsp.rm(sink.file, { force: true });
      } finally {
        a.release?.();
      }
    });
  });

  // Malformed MIME is read as far as it goes: the parser's error ends the parse, the parts read stay.
  let parseError: Error | null = null;
  await pipeline(fs.createReadStream(rawFile), parser, new Writable({ objectMode: true, write: (_c, _e, cb) => cb() })).catch((e: Error) => {
    parseError = e;
  });
  const attachments = kept.filter((a): a is StagedAttachment => a !== undefined);
  if (skipped) notes.push(`${skipped} more attachment${skipped === 1 ? ' was' : 's were'} not kept (an email keeps at most ${MAX_EMAIL_ATTACHMENTS}).`);
  if (parseError) notes.push('Part of this email could not be read (malformed MIME); the original is kept.');

  const get = (n: string): string | undefined => {
    const v = headers.get(n);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'object' && 'value' in (v as object)) return String((v as { value: unknown }).value);
    return String(v);
  };
  const from = addresses(headers.get('from') as AddressObject | undefined)[0] ?? null;
  const rawMessageId = get('message-id');
  const cidMap = new Map(attachments.filter((a) => a.contentId).map((a) => [a.contentId!, a]));
  const t = text as MessageText | null;
  const htmlBody = t?.html ? sanitizeEmailHtml(t.html, (cid) => (cidMap.has(cid) ? `/__cid__/${cidMap.get(cid)!.key}` : null)) : null;
  const automation = automationOf((n) => (n === 'from-address' ? from?.address : get(n)), envelopeFrom, get('content-type') ?? ((headers.get('content-type') as { value?: string } | undefined)?.value));
  return {
    messageId: rawMessageId ? normaliseMessageId(rawMessageId) : await fallbackId(rawFile),
    inReplyTo: messageIdsOf(get('in-reply-to')),
    references: messageIdsOf(headers.get('references') as string | string[] | undefined),
    subject: (get('subject') ?? '').replace(/\s+/g, ' ').trim().slice(0, 300) || null,
    from,
    to: addresses(headers.get('to') as AddressObject | undefined).map((a) => a.address),
    cc: addresses(headers.get('cc') as AddressObject | undefined).map((a) => a.address),
    text: (t?.text ?? '').replace(/\r\n/g, '\n'),
    html: htmlBody,
    attachments,
    notes,
    automation,
    dsn: automation === 'bounce' ? parseDsn(dsnText, t?.text ?? '') : null,
  };
}

/** A message without a Message-ID gets one from its bytes: the same mail delivered twice is still one. */
async function fallbackId(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), h);
  return `<${h.digest('hex').slice(0, 40)}@no-message-id.switchboard.invalid>`;
}

/** RFC 3464 fields of a delivery report; falls back to the human-readable part for the Message-ID. */
function parseDsn(report: string, humanText: string): ParsedEmail['dsn'] {
  const field = (n: string) => new RegExp(`^${n}:\\s*(.+)$`, 'im').exec(report)?.[1]?.trim() ?? null;
  const original = /^Message-ID:\s*(<[^>]+>)/im.exec(report)?.[1] ?? /^Original-Message-ID:\s*(<[^>]+>)/im.exec(report)?.[1] ?? /Message-ID:\s*(<[^>]+>)/i.exec(humanText)?.[1] ?? null;
  return { originalMessageId: original, action: field('Action'), status: field('Status'), diagnostic: field('Diagnostic-Code') };
}
