/**
 * RFC 3834 and list etiquette: which mails were sent by a machine, so Switchboard never answers
 * them automatically (no loops between two auto-responders, no replies to bounces or newsletters).
 * Switchboard's own automatic mails carry `Auto-Submitted: auto-replied` (AUTO_REPLY_HEADERS).
 */
export type Automation = 'human' | 'auto_submitted' | 'bounce' | 'bulk' | 'list';

type HeaderGet = (name: string) => string | undefined;

export function automationOf(get: HeaderGet, envelopeFrom: string | null, contentType: string | undefined): Automation {
  const ct = (contentType ?? '').toLowerCase();
  if (envelopeFrom === '' || /multipart\/report/.test(ct) || /^(mailer-daemon|postmaster)@/i.test(get('from-address') ?? '')) {
    if (/report-type=["']?delivery-status/.test(ct) || envelopeFrom === '' || /^mailer-daemon@/i.test(get('from-address') ?? '')) return 'bounce';
  }
  const auto = (get('auto-submitted') ?? '').trim().toLowerCase();
  if (auto && auto !== 'no') return 'auto_submitted';
  if (/^(bulk|list|junk)$/i.test((get('precedence') ?? '').trim())) return 'bulk';
  if (get('list-id') || get('list-unsubscribe')) return 'list';
  if (get('x-auto-response-suppress') && /all|oof|autoreply/i.test(get('x-auto-response-suppress')!)) return 'auto_submitted';
  return 'human';
}

/** Only a person's mail may get an automatic answer (an away notice, an acknowledgement). */
export function mayAutoReply(a: Automation): boolean {
  return a === 'human';
}

export const AUTO_REPLY_HEADERS = { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } as const;
