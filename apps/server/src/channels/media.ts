import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { limitsFor, classOf, CHANNEL_NAMES, CLASS_NAMES, sizeText } from '../attachments/limits.ts';
import type { StagedFile } from '../actions/channelMessages.ts';
import { ProviderError, TooLarge } from './provider.ts';
import type { ChannelDeps } from './deps.ts';

export interface MediaWanted {
  channel: 'whatsapp' | 'telegram' | 'messenger';
  /** What the customer sent, in words ("a photo", "a voice message"), for the note when it is not kept. */
  what: string;
  name: string;
  contentType: string;
  /** The size the provider announced, when it does: refused before downloading. */
  size: number | null;
}

const SINGULAR: Record<string, string> = { image: 'images', audio: 'audio files', video: 'videos', file: 'files' };

/**
 * A customer's file from the provider (issue 13 item 3), under the channel's limits (seed 002's
 * table, changed under Admin → Channels): too large or not allowed → a note saying what was not
 * kept, never a silent drop. A provider that refuses the file → a note; one that fails for now →
 * thrown (the webhook is processed again later), or a note on the last attempt.
 */
export async function fetchMedia(deps: ChannelDeps, want: MediaWanted, download: (maxBytes: number) => Promise<{ data: Buffer; contentType: string | null }>, final: boolean): Promise<StagedFile | string> {
  const limits = await limitsFor(deps.actions.store.db, want.channel);
  const cls = classOf(want.contentType);
  const limit = limits[cls];
  const channelName = CHANNEL_NAMES[want.channel] ?? want.channel;
  if (!limit.allowed) return `${capital(want.what)} (${want.name}) was not kept: ${CLASS_NAMES[cls]} are not accepted on ${channelName}.`;
  if (want.size !== null && want.size > limit.maxBytes) return tooLarge(want, want.size, limit.maxBytes, channelName, cls);
  try {
    const got = await download(limit.maxBytes);
    const dir = path.resolve(deps.dataDir, 'channels', 'staging');
    await fsp.mkdir(dir, { recursive: true });
    const file = path.join(dir, crypto.randomBytes(16).toString('hex'));
    await fsp.writeFile(file, got.data);
    return { file, name: want.name, contentType: want.contentType, size: got.data.length };
  } catch (err) {
    if (err instanceof TooLarge) return tooLarge(want, err.size, limit.maxBytes, channelName, cls);
    if (err instanceof ProviderError && (err.kind === 'refused' || final)) return `${capital(want.what)} (${want.name}) could not be downloaded: ${err.message}.`;
    throw err;
  }
}

function tooLarge(want: MediaWanted, size: number, max: number, channelName: string, cls: string): string {
  return `${capital(want.what)} (${want.name}, ${sizeText(size)}) was not kept: ${SINGULAR[cls]} on ${channelName} may be at most ${sizeText(max)}.`;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A file name for media the provider sends without one: "photo.jpg", "voice.ogg". */
export function nameFor(base: string, contentType: string): string {
  const ext: Record<string, string> = {
    'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'audio/ogg': 'ogg', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/aac': 'aac', 'audio/amr': 'amr',
    'video/mp4': 'mp4', 'video/3gpp': '3gp', 'application/pdf': 'pdf', 'application/x-tgsticker': 'tgs', 'video/webm': 'webm',
  };
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return `${base}.${ext[type] ?? 'bin'}`;
}
