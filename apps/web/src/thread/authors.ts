import type { Conversation, Message } from '../types.ts';

/** Who wrote a message, as the history names them. */
export function authorOf(m: Message, c: Conversation): string {
  return m.senderKind === 'customer' ? (c.contact?.name ?? 'Customer') : (m.sender?.name ?? (m.senderKind === 'bot' ? 'Bot' : m.senderKind === 'system' ? 'System' : 'Agent'));
}

/** The start of a message for a quote: one line, at most 140 characters. */
export function excerptOf(m: Message): string {
  const text = m.body.replace(/\s+/g, ' ').trim();
  if (!text) return m.attachments.length ? `📎 ${m.attachments.map((a) => a.name).join(', ')}` : '…';
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}
