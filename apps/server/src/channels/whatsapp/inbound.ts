import { AppError } from '../../errors.ts';
import { applyChannelStatus, receiveChannelMessage, sentMessageOf, type StagedFile } from '../../actions/channelMessages.ts';
import type { InboxRow } from '../inboxes.ts';
import type { ChannelDeps } from '../deps.ts';
import { fetchMedia, nameFor } from '../media.ts';
import { accountOf, downloadMedia } from './api.ts';

/** The parts of a Cloud API webhook we read (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components). */
interface WaMedia {
  id: string;
  mime_type?: string;
  caption?: string;
  filename?: string;
  voice?: boolean;
}
interface WaMessage {
  from: string;
  id: string;
  timestamp?: string;
  type: string;
  context?: { from?: string; id?: string };
  text?: { body?: string };
  image?: WaMedia;
  audio?: WaMedia;
  video?: WaMedia;
  document?: WaMedia;
  sticker?: WaMedia;
  location?: { latitude?: number; longitude?: number; name?: string; address?: string; url?: string };
  contacts?: Array<{ name?: { formatted_name?: string }; phones?: Array<{ phone?: string; type?: string }>; emails?: Array<{ email?: string }> }>;
  reaction?: { message_id?: string; emoji?: string };
  button?: { text?: string; payload?: string };
  interactive?: { type?: string; button_reply?: { title?: string }; list_reply?: { title?: string; description?: string } };
  errors?: Array<{ code?: number; title?: string; message?: string }>;
}
interface WaStatus {
  id: string;
  status: string;
  recipient_id?: string;
  biz_opaque_callback_data?: string;
  errors?: Array<{ code?: number; title?: string; message?: string; error_data?: { details?: string } }>;
}
interface WaValue {
  messaging_product?: string;
  metadata?: { phone_number_id?: string; display_phone_number?: string };
  contacts?: Array<{ wa_id?: string; profile?: { name?: string } }>;
  messages?: WaMessage[];
  statuses?: WaStatus[];
}
export interface WaPayload {
  object?: string;
  entry?: Array<{ id?: string; changes?: Array<{ field?: string; value?: WaValue }> }>;
}

/** The phone number ids a webhook body is about (it routes to the inbox with that address). */
export function phoneNumberIdsOf(p: unknown): string[] {
  const out = new Set<string>();
  for (const e of (p as WaPayload)?.entry ?? []) for (const ch of e?.changes ?? []) if (ch?.value?.metadata?.phone_number_id) out.add(String(ch.value.metadata.phone_number_id));
  return [...out];
}

const STATUSES: Record<string, 'sent' | 'delivered' | 'read' | 'failed' | undefined> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' };
const MEDIA_WORDS: Record<string, string> = { image: 'a photo', audio: 'an audio message', video: 'a video', document: 'a document', sticker: 'a sticker' };

/** The id we give each outgoing message (`biz_opaque_callback_data`), so a status maps even before we stored the wamid. */
export const opaqueOf = (messageId: number) => `sb:${messageId}`;
const ourIdOf = (opaque: string | undefined) => (opaque && /^sb:\d+$/.test(opaque) ? Number(opaque.slice(3)) : null);

/** Seed 002's ticks from WhatsApp's statuses; a failure says why, 131047 in words an agent can act on. */
export function failureReasonOf(s: WaStatus): string {
  const e = s.errors?.[0];
  if (e?.code === 131047) return 'WhatsApp did not deliver it: more than 24 hours have passed since the customer last wrote. Send an approved template instead.';
  const detail = e?.error_data?.details ?? e?.message ?? e?.title ?? 'no reason given';
  return `WhatsApp did not deliver it: ${detail}${e?.code ? ` (${e.code})` : ''}`;
}

function textOf(m: WaMessage): string | null {
  switch (m.type) {
    case 'text':
      return m.text?.body ?? '';
    case 'location': {
      const l = m.location ?? {};
      const where = [l.name, l.address].filter(Boolean).join(', ');
      const at = `${l.latitude}, ${l.longitude}`;
      return `📍 Location: ${where ? `${where} (${at})` : at}\nhttps://maps.google.com/?q=${l.latitude},${l.longitude}`;
    }
    case 'contacts':
      return (m.contacts ?? [])
        .map((c) => ['👤 Contact: ' + (c.name?.formatted_name ?? 'unnamed'), ...(c.phones ?? []).map((p) => `Phone: ${p.phone}${p.type ? ` (${p.type.toLowerCase()})` : ''}`), ...(c.emails ?? []).map((e) => `Email: ${e.email}`)].join('\n'))
        .join('\n\n');
    case 'button':
      return m.button?.text ?? m.button?.payload ?? '';
    case 'interactive':
      return m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title ?? '';
    case 'reaction':
      return m.reaction?.emoji ? `Reacted ${m.reaction.emoji}` : 'Removed a reaction';
    default:
      return null;
  }
}

/**
 * One stored webhook body of a WhatsApp inbox: each message becomes a customer message (media
 * downloaded through the Graph API), each status moves our message's ticks forward. Idempotent by
 * wamid; a status about a message we do not know is logged and skipped.
 */
export async function processWhatsappWebhook(deps: ChannelDeps, inbox: InboxRow, payload: unknown, final: boolean): Promise<void> {
  const p = payload as WaPayload;
  if (!p || typeof p !== 'object' || !Array.isArray(p.entry)) throw new AppError('malformed_payload', 'The WhatsApp webhook has no entry list.', 400);
  let secrets: Record<string, string> = {};
  try {
    secrets = deps.secrets.open(inbox.secrets);
  } catch {
    secrets = {};
  }
  const account = accountOf(inbox, secrets, deps.stopping);
  for (const entry of p.entry) {
    for (const change of entry?.changes ?? []) {
      const v = change?.value;
      if (!v || change.field !== 'messages' || String(v.metadata?.phone_number_id) !== inbox.address) continue;
      const names = new Map((v.contacts ?? []).map((c) => [String(c.wa_id), c.profile?.name ?? null]));
      for (const m of v.messages ?? []) {
        if (!m?.id || !m.from || typeof m.type !== 'string') throw new AppError('malformed_payload', 'A WhatsApp message without id, sender or type.', 400);
        const notes: string[] = [];
        const files: StagedFile[] = [];
        let body = textOf(m);
        const media = (m as unknown as Record<string, WaMedia | undefined>)[m.type];
        if (body === null && MEDIA_WORDS[m.type] && media?.id) {
          const contentType = media.mime_type?.split(';')[0]?.trim() || 'application/octet-stream';
          const what = m.type === 'audio' && media.voice ? 'a voice message' : MEDIA_WORDS[m.type]!;
          const got = await fetchMedia(deps, { channel: 'whatsapp', what, name: media.filename || nameFor(m.type === 'audio' && media.voice ? 'voice' : m.type, contentType), contentType, size: null }, (max) => downloadMedia(account, media.id, max), final);
          if (typeof got === 'string') notes.push(got);
          else files.push(got);
          body = media.caption ?? '';
        } else if (body === null) {
          const e = m.errors?.[0];
          notes.push(`The customer sent a kind of message Switchboard does not show (${m.type}${e?.title ? `: ${e.title}` : ''}).`);
          body = '';
        }
        await receiveChannelMessage(deps.actions, deps.dataDir, {
          channel: 'whatsapp',
          inbox,
          externalId: m.from,
          name: names.get(m.from) ?? null,
          phone: `+${m.from}`,
          providerMessageId: m.id,
          body,
          files,
          notes,
          replyToProviderId: m.type === 'reaction' ? m.reaction?.message_id : m.context?.id,
        });
      }
      for (const s of v.statuses ?? []) {
        if (!s?.id || typeof s.status !== 'string') throw new AppError('malformed_payload', 'A WhatsApp status without id or status.', 400);
        const status = STATUSES[s.status];
        if (!status) continue; // "deleted", "warning": nothing to show
        const messageId = await sentMessageOf(deps.actions.store.db, inbox.id, s.id, ourIdOf(s.biz_opaque_callback_data));
        if (messageId === null) {
          deps.log.info({ inboxId: inbox.id, wamid: s.id, status: s.status }, 'WhatsApp status about a message we did not send; ignored');
          continue;
        }
        await applyChannelStatus(deps.actions, messageId, status, status === 'failed' ? failureReasonOf(s) : undefined);
      }
    }
  }
}
