import { AppError } from '../../errors.ts';
import { applyChannelStatus, applyChannelWatermark, receiveChannelMessage, sentMessageOf, type StagedFile } from '../../actions/channelMessages.ts';
import type { InboxRow } from '../inboxes.ts';
import type { ChannelDeps } from '../deps.ts';
import { fetchMedia, nameFor } from '../media.ts';
import { downloadFromProvider } from '../provider.ts';
import { pageOf, profileName } from './api.ts';

/** The parts of a Messenger/Instagram webhook we read (developers.facebook.com/docs/messenger-platform/webhooks). */
interface MsAttachment {
  type: string;
  payload?: { url?: string; title?: string; sticker_id?: number; coordinates?: { lat: number; long: number } };
  title?: string;
  url?: string;
}
interface MsEvent {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: { mid?: string; text?: string; is_echo?: boolean; attachments?: MsAttachment[]; reply_to?: { mid?: string }; quick_reply?: { payload?: string } };
  delivery?: { mids?: string[]; watermark?: number };
  read?: { watermark?: number };
  postback?: { title?: string; payload?: string; mid?: string };
}
export interface MsPayload {
  object?: string;
  entry?: Array<{ id?: string; time?: number; messaging?: MsEvent[] }>;
}

/** The page (or Instagram account) ids a webhook body is about. */
export function pageIdsOf(p: unknown): string[] {
  return [...new Set(((p as MsPayload)?.entry ?? []).map((e) => (e?.id != null ? String(e.id) : '')).filter(Boolean))];
}

const WORDS: Record<string, string> = { image: 'a photo', audio: 'an audio message', video: 'a video', file: 'a file' };
const TYPES: Record<string, string> = { image: 'image/jpeg', audio: 'audio/mpeg', video: 'video/mp4', file: 'application/octet-stream' };

/** One stored webhook body of a Messenger inbox: messages in (never our own echoes), delivery and read watermarks forward only. */
export async function processMessengerWebhook(deps: ChannelDeps, inbox: InboxRow, payload: unknown, final: boolean): Promise<void> {
  const p = payload as MsPayload;
  if (!p || typeof p !== 'object' || !Array.isArray(p.entry)) throw new AppError('malformed_payload', 'The Messenger webhook has no entry list.', 400);
  const instagram = p.object === 'instagram';
  let secrets: Record<string, string> = {};
  try {
    secrets = deps.secrets.open(inbox.secrets);
  } catch {
    secrets = {};
  }
  const page = pageOf(inbox, secrets, deps.stopping);
  const db = deps.actions.store.db;
  for (const entry of p.entry) {
    if (String(entry?.id) !== inbox.address) continue;
    for (const ev of entry.messaging ?? []) {
      const psid = ev?.sender?.id;
      if (ev.delivery) {
        for (const mid of ev.delivery.mids ?? []) {
          const id = await sentMessageOf(db, inbox.id, mid, null);
          if (id !== null) await applyChannelStatus(deps.actions, id, 'delivered');
        }
        // The customer is the recipient of a delivery report about our messages.
        if (typeof ev.delivery.watermark === 'number' && psid) await applyChannelWatermark(deps.actions, inbox.id, psid, 'messenger', ev.delivery.watermark, 'delivered');
        continue;
      }
      if (ev.read) {
        if (typeof ev.read.watermark === 'number' && psid) await applyChannelWatermark(deps.actions, inbox.id, psid, 'messenger', ev.read.watermark, 'read');
        continue;
      }
      const m = ev.message ?? (ev.postback ? { mid: ev.postback.mid ?? `postback:${ev.timestamp}:${psid}`, text: ev.postback.title ?? ev.postback.payload } : undefined);
      if (!m) continue;
      if ('is_echo' in m && m.is_echo) continue; // our own message, echoed back
      if (!psid || !m.mid) throw new AppError('malformed_payload', 'A Messenger message without sender or mid.', 400);
      const known = await db.selectFrom('contact_identities').select('contact_id').where('channel', '=', 'messenger').where('external_id', '=', psid).executeTakeFirst();
      const name = known ? null : await profileName(page, psid, instagram).catch(() => null);
      const notes: string[] = [];
      const files: StagedFile[] = [];
      const texts: string[] = m.text ? [m.text] : [];
      for (const a of ('attachments' in m ? m.attachments : undefined) ?? []) {
        const url = a.payload?.url;
        if (a.type === 'location' && a.payload?.coordinates) {
          texts.push(`📍 Location: ${a.payload.coordinates.lat}, ${a.payload.coordinates.long}`);
        } else if (a.type === 'fallback' || a.type === 'template') {
          texts.push([a.title ?? a.payload?.title, a.url ?? url].filter(Boolean).join(' '));
        } else if (url && TYPES[a.type]) {
          const what = a.payload?.sticker_id ? 'a sticker' : WORDS[a.type]!;
          const guess = a.payload?.sticker_id ? 'image/png' : TYPES[a.type]!;
          const base = url.split('?')[0]!.split('/').pop() || '';
          const name = /\.\w{2,5}$/.test(base) ? base : nameFor(a.type === 'file' ? 'file' : a.type, guess);
          const got = await fetchMedia(deps, { channel: 'messenger', what, name, contentType: guess, size: null }, (max) => downloadFromProvider(url, { signal: deps.stopping }, max), final);
          if (typeof got === 'string') notes.push(got);
          else files.push(got);
        } else {
          notes.push(`The customer sent a kind of attachment Switchboard does not show (${a.type}).`);
        }
      }
      await receiveChannelMessage(deps.actions, deps.dataDir, {
        channel: 'messenger',
        inbox,
        externalId: psid,
        name: name ?? (instagram ? 'Instagram user' : 'Messenger user'),
        providerMessageId: m.mid,
        body: texts.join('\n'),
        files,
        notes,
        replyToProviderId: 'reply_to' in m ? (m.reply_to?.mid ?? null) : null,
      });
    }
  }
}
