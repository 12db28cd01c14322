import crypto from 'node:crypto';
import type { SecretBox } from '../secrets.ts';

/**
 * Switchboard's own email addressing: reply tokens and Message-IDs. A reply to one of our emails
 * goes to `<local>+<token>@<domain>` (our Reply-To), where the token names the conversation and is
 * signed, so a guessed or altered token is ignored rather than dropping mail into a stranger's thread.
 */
const TOKEN = /^c(\d{1,12})-([a-z0-9]{12})$/;

function signature(box: SecretBox, conversationId: number): string {
  // Base-36 of the MAC: local parts are often lower-cased on the way, so the token must survive that.
  return BigInt('0x' + box.mac('email reply token', String(conversationId)).subarray(0, 8).toString('hex')).toString(36).padStart(12, '0').slice(-12);
}

export function replyToken(box: SecretBox, conversationId: number): string {
  return `c${conversationId}-${signature(box, conversationId)}`;
}

/** The conversation a token names, or null when it is malformed or its signature is wrong. */
export function conversationOfToken(box: SecretBox, token: string): number | null {
  const m = TOKEN.exec(token.toLowerCase());
  if (!m) return null;
  const id = Number(m[1]);
  const expected = signature(box, id);
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(m[2]!)) ? id : null;
}

export function splitAddress(address: string): { local: string; domain: string } | null {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return null;
  return { local: address.slice(0, at), domain: address.slice(at + 1).toLowerCase() };
}

/** `support+c12-abc@acme.test` → the inbox address `support@acme.test` and the tag `c12-abc`. */
export function parseRecipient(address: string): { base: string; tag: string | null } | null {
  const parts = splitAddress(address.trim().replace(/^<|>$/g, ''));
  if (!parts) return null;
  const plus = parts.local.indexOf('+');
  const local = plus < 0 ? parts.local : parts.local.slice(0, plus);
  const tag = plus < 0 ? null : parts.local.slice(plus + 1);
  return { base: `${local.toLowerCase()}@${parts.domain}`, tag: tag || null };
}

export function replyAddress(box: SecretBox, inboxAddress: string, conversationId: number): string {
  const p = splitAddress(inboxAddress)!;
  return `${p.local}+${replyToken(box, conversationId)}@${p.domain}`;
}

/**
 * One Message-ID per outgoing message, the same on every attempt (so a retry after a lost answer
 * is recognised by the receiving side as the same mail), unguessable across installations.
 */
export function outboundMessageId(box: SecretBox, inboxAddress: string, messageId: number): string {
  const domain = splitAddress(inboxAddress)?.domain ?? 'switchboard.invalid';
  const tag = box.mac('email message id', String(messageId)).subarray(0, 6).toString('hex');
  return `<sb.${messageId}.${tag}@${domain}>`;
}

/** Message-IDs as stored: with angle brackets, trimmed. */
export function normaliseMessageId(id: string): string {
  const t = id.trim();
  return t.startsWith('<') ? t : `<${t}>`;
}

/** Every `<…>` in a References / In-Reply-To value (mailparser gives a string or an array). */
export function messageIdsOf(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const found = text.match(/<[^<>\s]{1,250}>/g);
  if (found) return found;
  return text.split(/\s+/).filter((x) => x.includes('@')).map(normaliseMessageId);
}

/** `Re: <subject>` once, whatever the thread's earlier replies did. */
export function replySubject(subject: string | null): string {
  const s = (subject ?? '').trim();
  if (!s) return 'Re: your message';
  return /^re:/i.test(s) ? s : `Re: ${s}`;
}
