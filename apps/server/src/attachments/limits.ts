import { ChannelAttachmentLimits, LIMIT_CHANNELS, type ChannelSettings, type UpdateChannelSettingsRequest } from '@switchboard/protocol';
import type { ActionContext } from '../actions/context.ts';
import type { Db, Tx } from '../store/db.ts';

/**
 * What each channel accepts. The defaults are seed 002's table; web chat and the portal are ours,
 * so their default comes from ATTACHMENT_WEB_MAX_MB (10 MB). Administrators change any channel
 * (`PUT /settings/channels`); a stored channel replaces its defaults whole. Uploads are rare, so the
 * stored values are read on every upload: every node sees a change at once, nothing is cached.
 */
export type AttachmentClass = 'image' | 'audio' | 'video' | 'file';
export type ChannelLimits = Record<AttachmentClass, number>;
export type LimitChannel = (typeof LIMIT_CHANNELS)[number];

const MB = 1024 * 1024;
const all = (mb: number): ChannelLimits => ({ image: mb * MB, audio: mb * MB, video: mb * MB, file: mb * MB });

/** Bytes per kind and channel when nothing is stored. */
export function attachmentLimits(env: Record<string, string | undefined> = process.env): Record<LimitChannel, ChannelLimits> {
  const web = Number(env.ATTACHMENT_WEB_MAX_MB);
  const webMb = Number.isFinite(web) && web > 0 ? Math.min(web, 100) : 10;
  return {
    messenger: { image: 8 * MB, audio: 25 * MB, video: 25 * MB, file: 25 * MB }, // Facebook and Instagram
    whatsapp: { image: 5 * MB, audio: 16 * MB, video: 16 * MB, file: 100 * MB },
    telegram: { image: 10 * MB, audio: 50 * MB, video: 50 * MB, file: 50 * MB },
    web: all(webMb),
    portal: all(webMb),
    email: all(25),
    api: all(25),
  };
}

/** The stored settings live in the key/value `composer_settings` table (migration 004) under this key. */
const KEY = 'channels';

function defaults(): ChannelSettings['channels'] {
  const d = attachmentLimits();
  return Object.fromEntries(
    LIMIT_CHANNELS.map((c) => [c, Object.fromEntries(Object.entries(d[c]).map(([k, maxBytes]) => [k, { allowed: true, maxBytes }]))]),
  ) as ChannelSettings['channels'];
}

/** Every channel's limits: the stored ones, defaults for the rest (and for a stored one that no longer parses). */
export async function loadChannelSettings(db: Db | Tx): Promise<ChannelSettings> {
  const row = await db.selectFrom('composer_settings').select('value').where('key', '=', KEY).executeTakeFirst();
  const channels = defaults();
  let stored: Record<string, unknown> = {};
  try {
    stored = row ? JSON.parse(row.value) : {};
  } catch {
    stored = {};
  }
  for (const c of LIMIT_CHANNELS) {
    const parsed = ChannelAttachmentLimits.safeParse(stored[c]);
    if (parsed.success) channels[c] = parsed.data;
  }
  return { channels };
}

/** Stores the channels sent (each whole); the others keep what they had, stored or default. */
export async function saveChannelSettings(ctx: ActionContext, patch: UpdateChannelSettingsRequest): Promise<ChannelSettings> {
  const now = ctx.clock.now();
  await ctx.store.transaction(async (tx) => {
    const row = await tx.selectFrom('composer_settings').select('value').where('key', '=', KEY).executeTakeFirst();
    let stored: Record<string, unknown> = {};
    try {
      stored = row ? JSON.parse(row.value) : {};
    } catch {
      stored = {};
    }
    const value = JSON.stringify({ ...stored, ...patch.channels });
    await tx
      .insertInto('composer_settings')
      .values({ key: KEY, value, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
      .execute();
  });
  return loadChannelSettings(ctx.store.db);
}

/** A channel's limits for uploads: the channel's own, else the API channel's. */
export async function limitsFor(db: Db | Tx, channel: string): Promise<ChannelAttachmentLimits> {
  const { channels } = await loadChannelSettings(db);
  return channels[channel as LimitChannel] ?? channels.api;
}

export function classOf(contentType: string): AttachmentClass {
  if (contentType.startsWith('image/')) return 'image';
  if (contentType.startsWith('audio/')) return 'audio';
  if (contentType.startsWith('video/')) return 'video';
  return 'file';
}

export const CLASS_NAMES: Record<AttachmentClass, string> = { image: 'Images', audio: 'Audio files', video: 'Videos', file: 'Files' };
export const CHANNEL_NAMES: Record<string, string> = { messenger: 'Facebook and Instagram', whatsapp: 'WhatsApp Business', telegram: 'Telegram', web: 'web chat', portal: 'the portal', email: 'email', api: 'this channel' };

/** Raster images a browser may show inline; anything else (SVG, HTML, PDF…) is served as a download. */
export const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

/** 1.5 MB, 300 KB: how messages name a size. */
export const sizeText = (n: number) => (n >= MB ? `${Math.round((n / MB) * 10) / 10} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
