import type { Conversation } from '../types.ts';

/** A row's second line: the draft, the last message or note, or the subject. */
export function preview(c: Conversation, meId: number): { prefix: string | null; text: string; kind: 'draft' | 'note' | 'normal' } {
  // A draft's text shows once the server has found nothing sensitive in it (the list may be on a shared screen).
  if (c.draft?.body) return { prefix: 'Draft:', text: c.draft.sensitive === false ? c.draft.body : c.draft.sensitive ? 'contains sensitive data' : '…', kind: 'draft' };
  const m = c.lastMessage;
  if (!m) return { prefix: null, text: c.subject ?? 'No messages yet', kind: 'normal' };
  const text = m.body || (m.attachments.length ? `📎 ${m.attachments.map((a) => a.name).join(', ')}` : '');
  if (m.internal) return { prefix: 'Note:', text, kind: 'note' };
  if (m.senderKind === 'agent') return { prefix: m.sender?.id === meId ? 'You:' : `${m.sender?.name ?? 'Agent'}:`, text, kind: 'normal' };
  return { prefix: null, text, kind: 'normal' };
}
