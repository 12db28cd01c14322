/**
 * What each channel accepts (seed 002's table), in one place. Web chat and the portal are ours, so
 * their limit is configurable (ATTACHMENT_WEB_MAX_MB, default 10 MB).
 */
export type AttachmentClass = 'image' | 'audio' | 'video' | 'file';
export type ChannelLimits = Record<AttachmentClass, number>;

const MB = 1024 * 1024;
const all = (mb: number): ChannelLimits => ({ image: mb * MB, audio: mb * MB, video: mb * MB, file: mb * MB });

export function attachmentLimits(env: Record<string, string | undefined> = process.env): Record<string, ChannelLimits> {
  const web = Number(env.ATTACHMENT_WEB_MAX_MB);
  const webMb = Number.isFinite(web) && web > 0 ? web : 10;
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
