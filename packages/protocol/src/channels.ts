import { z } from 'zod';

/**
 * Per-channel attachment limits (seed 002's table), stored by administrators. Every channel has a
 * largest size per kind of file and whether that kind may be sent at all.
 */
export const LIMIT_CHANNELS = ['messenger', 'whatsapp', 'telegram', 'web', 'portal', 'email', 'api'] as const;
export const ATTACHMENT_CLASSES = ['image', 'audio', 'video', 'file'] as const;
export const MIN_ATTACHMENT_BYTES = 1024;
export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;

export const AttachmentClassLimit = z
  .object({
    allowed: z.boolean().describe('Whether this kind of file may be sent on the channel at all'),
    maxBytes: z
      .number()
      .int('maxBytes must be a whole number of bytes')
      .min(MIN_ATTACHMENT_BYTES, 'maxBytes must be at least 1 KB (1024)')
      .max(MAX_ATTACHMENT_BYTES, 'maxBytes must be at most 100 MB (104857600)'),
  })
  .strict()
  .meta({ id: 'AttachmentClassLimit' });
export type AttachmentClassLimit = z.infer<typeof AttachmentClassLimit>;

export const ChannelAttachmentLimits = z
  .object({ image: AttachmentClassLimit, audio: AttachmentClassLimit, video: AttachmentClassLimit, file: AttachmentClassLimit })
  .strict()
  .meta({ id: 'ChannelAttachmentLimits' });
export type ChannelAttachmentLimits = z.infer<typeof ChannelAttachmentLimits>;

export const ChannelSettings = z
  .object({
    channels: z.object(Object.fromEntries(LIMIT_CHANNELS.map((c) => [c, ChannelAttachmentLimits])) as Record<(typeof LIMIT_CHANNELS)[number], typeof ChannelAttachmentLimits>),
  })
  .meta({ id: 'ChannelSettings' });
export type ChannelSettings = z.infer<typeof ChannelSettings>;

/** Only the channels sent change; a channel is sent whole (all four kinds). */
export const UpdateChannelSettingsRequest = z
  .object({ channels: z.partialRecord(z.enum(LIMIT_CHANNELS), ChannelAttachmentLimits) })
  .strict()
  .meta({ id: 'UpdateChannelSettingsRequest' });
export type UpdateChannelSettingsRequest = z.infer<typeof UpdateChannelSettingsRequest>;

/** What the composer reads to refuse early: bytes per kind; a kind that may not be sent is left out. */
export const AttachmentLimitsView = z.record(
  z.string(),
  z.object({ image: z.number().optional(), audio: z.number().optional(), video: z.number().optional(), file: z.number().optional() }),
);
