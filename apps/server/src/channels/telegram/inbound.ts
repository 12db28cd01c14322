import { AppError } from '../../errors.ts';
import { customerBlockedBot, receiveChannelMessage, type StagedFile } from '../../actions/channelMessages.ts';
import type { InboxRow } from '../inboxes.ts';
import type { ChannelDeps } from '../deps.ts';
import { fetchMedia, nameFor } from '../media.ts';
import { botOf, downloadFile } from './api.ts';

/** The parts of a Telegram Update we read (https://core.telegram.org/bots/api#update). */
interface TgFile {
  file_id: string;
  file_size?: number;
  mime_type?: string;
  file_name?: string;
}
interface TgUser {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
}
interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: { id: number; type?: string; first_name?: string; last_name?: string; username?: string };
  text?: string;
  caption?: string;
  reply_to_message?: { message_id: number };
  photo?: Array<TgFile & { width?: number; height?: number }>;
  document?: TgFile;
  voice?: TgFile & { duration?: number };
  audio?: TgFile & { title?: string };
  video?: TgFile;
  video_note?: TgFile;
  animation?: TgFile;
  sticker?: TgFile & { emoji?: string; is_animated?: boolean; is_video?: boolean };
  location?: { latitude: number; longitude: number };
  venue?: { location: { latitude: number; longitude: number }; title?: string; address?: string };
  contact?: { phone_number: string; first_name?: string; last_name?: string };
}
export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  my_chat_member?: { chat: { id: number }; from: TgUser; new_chat_member: { status: string }; old_chat_member?: { status: string } };
}

/** Our id for a Telegram message: message ids are per chat. */
export const tgMessageId = (chatId: number | string, messageId: number | string) => `${chatId}:${messageId}`;

function nameOf(m: TgMessage): string | null {
  const u = m.from ?? m.chat;
  const full = [u.first_name, u.last_name].filter(Boolean).join(' ');
  return full || (u.username ? `@${u.username}` : null);
}

/** The file a message carries, as what the customer sent in words, with a name and a type. */
function fileOf(m: TgMessage): { file: TgFile; what: string; name: string; contentType: string } | null {
  if (m.photo?.length) {
    const biggest = m.photo[m.photo.length - 1]!;
    return { file: biggest, what: 'a photo', name: 'photo.jpg', contentType: 'image/jpeg' };
  }
  if (m.document) return { file: m.document, what: 'a document', name: m.document.file_name ?? nameFor('document', m.document.mime_type ?? ''), contentType: m.document.mime_type ?? 'application/octet-stream' };
  if (m.voice) return { file: m.voice, what: 'a voice message', name: 'voice.ogg', contentType: m.voice.mime_type ?? 'audio/ogg' };
  if (m.audio) return { file: m.audio, what: 'an audio file', name: m.audio.file_name ?? nameFor('audio', m.audio.mime_type ?? 'audio/mpeg'), contentType: m.audio.mime_type ?? 'audio/mpeg' };
  if (m.video) return { file: m.video, what: 'a video', name: m.video.file_name ?? 'video.mp4', contentType: m.video.mime_type ?? 'video/mp4' };
  if (m.video_note) return { file: m.video_note, what: 'a video message', name: 'video-note.mp4', contentType: 'video/mp4' };
  if (m.animation) return { file: m.animation, what: 'an animation', name: m.animation.file_name ?? 'animation.mp4', contentType: m.animation.mime_type ?? 'video/mp4' };
  if (m.sticker) {
    const type = m.sticker.is_animated ? 'application/x-tgsticker' : m.sticker.is_video ? 'video/webm' : 'image/webp';
    return { file: m.sticker, what: `a sticker${m.sticker.emoji ? ` ${m.sticker.emoji}` : ''}`, name: nameFor('sticker', type), contentType: type };
  }
  return null;
}

function textOf(m: TgMessage): string {
  if (m.text !== undefined) return m.text;
  if (m.venue) return `📍 ${[m.venue.title, m.venue.address].filter(Boolean).join(', ')} (${m.venue.location.latitude}, ${m.venue.location.longitude})\nhttps://maps.google.com/?q=${m.venue.location.latitude},${m.venue.location.longitude}`;
  if (m.location) return `📍 Location: ${m.location.latitude}, ${m.location.longitude}\nhttps://maps.google.com/?q=${m.location.latitude},${m.location.longitude}`;
  if (m.contact) return `👤 Contact: ${[m.contact.first_name, m.contact.last_name].filter(Boolean).join(' ') || 'unnamed'}\nPhone: ${m.contact.phone_number}`;
  return m.caption ?? '';
}

/** One stored Update of a Telegram inbox: a private message becomes a customer message; a block is said in the conversation. */
export async function processTelegramUpdate(deps: ChannelDeps, inbox: InboxRow, payload: unknown, final: boolean): Promise<void> {
  const u = payload as TgUpdate;
  if (!u || typeof u !== 'object' || typeof u.update_id !== 'number') throw new AppError('malformed_payload', 'The Telegram update has no update_id.', 400);
  if (u.my_chat_member) {
    const status = u.my_chat_member.new_chat_member?.status;
    if (status === 'kicked') await customerBlockedBot(deps.actions, inbox.id, 'telegram', String(u.my_chat_member.chat.id), true);
    else if (status === 'member' && u.my_chat_member.old_chat_member?.status === 'kicked') await customerBlockedBot(deps.actions, inbox.id, 'telegram', String(u.my_chat_member.chat.id), false);
    return;
  }
  const m = u.message;
  if (!m) return; // edited messages, channel posts, callbacks: nothing to show yet
  if (typeof m.message_id !== 'number' || typeof m.chat?.id !== 'number') throw new AppError('malformed_payload', 'A Telegram message without message_id or chat.', 400);
  if (m.chat.type && m.chat.type !== 'private') return; // a group the bot was added to is not a customer
  let secrets: Record<string, string> = {};
  try {
    secrets = deps.secrets.open(inbox.secrets);
  } catch {
    secrets = {};
  }
  const bot = botOf(inbox, secrets, deps.stopping);
  const notes: string[] = [];
  const files: StagedFile[] = [];
  const f = fileOf(m);
  if (f) {
    const got = await fetchMedia(deps, { channel: 'telegram', what: f.what, name: f.name, contentType: f.contentType, size: f.file.file_size ?? null }, (max) => downloadFile(bot, f.file.file_id, max), final);
    if (typeof got === 'string') notes.push(got);
    else files.push(got);
  }
  const body = textOf(m);
  if (!f && !body) notes.push('The customer sent a kind of message Switchboard does not show.');
  await receiveChannelMessage(deps.actions, deps.dataDir, {
    channel: 'telegram',
    inbox,
    externalId: String(m.chat.id),
    name: nameOf(m),
    providerMessageId: tgMessageId(m.chat.id, m.message_id),
    body,
    files,
    notes,
    replyToProviderId: m.reply_to_message ? tgMessageId(m.chat.id, m.reply_to_message.message_id) : null,
  });
}
