import type { ChannelSender, OutgoingPart } from '../outbound.ts';
import { windowClosed } from '../outbound.ts';
import type { ProviderError } from '../provider.ts';
import { accountOf, markRead, postMessage, uploadMedia } from './api.ts';
import { opaqueOf } from './inbound.ts';
import { classOf } from '../../attachments/limits.ts';
import type { OutgoingFile } from '../outbound.ts';

export const WHATSAPP_TEXT_MAX = 4096;
export const WHATSAPP_CAPTION_MAX = 1024;

/** A template as stored with the agent's message (actions/whatsappTemplates.ts). */
export interface TemplatePayload {
  name: string;
  language: string;
  parameters: string[];
}

function mediaBody(id: string, file: OutgoingFile, caption: string | undefined): Record<string, unknown> {
  const cls = classOf(file.contentType);
  // Stickers, audio: no caption. Images and videos: a caption. Everything else is a document with its file name.
  if (file.contentType === 'image/webp') return { type: 'sticker', sticker: { id } };
  if (cls === 'image' && /^image\/(jpeg|png)$/.test(file.contentType)) return { type: 'image', image: { id, ...(caption ? { caption } : {}) } };
  if (cls === 'video' && /^video\/(mp4|3gpp)$/.test(file.contentType)) return { type: 'video', video: { id, ...(caption ? { caption } : {}) } };
  if (cls === 'audio') return { type: 'audio', audio: { id } };
  return { type: 'document', document: { id, filename: file.name, ...(caption ? { caption } : {}) } };
}

export function whatsappSender(): ChannelSender {
  return {
    channel: 'whatsapp',
    consumer: 'whatsapp.outbound',
    provider: 'WhatsApp',
    plan(ctx) {
      const t = ctx.payload as TemplatePayload | null;
      if (t) {
        const components = t.parameters.length ? [{ type: 'body', parameters: t.parameters.map((text) => ({ type: 'text', text })) }] : [];
        return [{ kind: 'template', template: { name: t.name, language: { code: t.language }, components } }];
      }
      if (windowClosed(ctx)) return 'Not sent: more than 24 hours have passed since the customer last wrote, so WhatsApp only takes an approved template.';
      const body = ctx.message.body;
      if (body.length > WHATSAPP_TEXT_MAX) return `Not sent: WhatsApp takes at most ${WHATSAPP_TEXT_MAX} characters in a message.`;
      const list = ctx.files;
      const parts: OutgoingPart[] = [];
      // The text rides as the first file's caption when it fits one and the file can carry it.
      const captionFits = list.length > 0 && body.length > 0 && body.length <= WHATSAPP_CAPTION_MAX && classOf(list[0]!.contentType) !== 'audio' && list[0]!.contentType !== 'image/webp';
      if (body && !captionFits) parts.push({ kind: 'text', text: body });
      list.forEach((file, i) => parts.push({ kind: 'file', file, ...(i === 0 && captionFits ? { caption: body } : {}) }));
      return parts;
    },
    async sendPart(ctx, part) {
      const a = accountOf(ctx.inbox, ctx.secrets, ctx.signal);
      const common = { to: ctx.recipient, biz_opaque_callback_data: opaqueOf(ctx.message.id), ...(ctx.replyToProviderId ? { context: { message_id: ctx.replyToProviderId } } : {}) };
      if (part.kind === 'text') return postMessage(a, { ...common, type: 'text', text: { preview_url: false, body: part.text } });
      if (part.kind === 'template') return postMessage(a, { to: ctx.recipient, biz_opaque_callback_data: opaqueOf(ctx.message.id), type: 'template', template: part.template });
      const id = await uploadMedia(a, part.file);
      return postMessage(a, { ...common, ...mediaBody(id, part.file, part.caption) });
    },
    reasonFor(err: ProviderError) {
      if (err.code === 131047) return 'WhatsApp refused it: more than 24 hours have passed since the customer last wrote. Send an approved template instead.';
      if (err.code === 131026) return 'WhatsApp refused it: the number cannot receive WhatsApp messages.';
      return `WhatsApp refused the message: ${err.message}`;
    },
    async markRead(ctx) {
      await markRead(accountOf(ctx.inbox, ctx.secrets, ctx.signal), ctx.providerMessageId);
    },
  };
}
