import type { ChannelSender, OutgoingPart } from '../outbound.ts';
import type { ProviderError } from '../provider.ts';
import { botOf, call, upload } from './api.ts';
import { tgMessageId } from './inbound.ts';

export const TELEGRAM_TEXT_MAX = 4096;
export const TELEGRAM_CAPTION_MAX = 1024;

/** Which Bot API method carries a file of this type, and under which field. */
function methodFor(contentType: string): { method: string; field: string } {
  if (/^image\/(jpeg|png)$/.test(contentType)) return { method: 'sendPhoto', field: 'photo' };
  if (contentType === 'audio/ogg') return { method: 'sendVoice', field: 'voice' };
  if (/^audio\/(mpeg|mp4|m4a)$/.test(contentType)) return { method: 'sendAudio', field: 'audio' };
  if (contentType === 'video/mp4') return { method: 'sendVideo', field: 'video' };
  return { method: 'sendDocument', field: 'document' };
}

export function telegramSender(): ChannelSender {
  return {
    channel: 'telegram',
    consumer: 'telegram.outbound',
    provider: 'Telegram',
    plan(ctx) {
      const body = ctx.message.body;
      if (body.length > TELEGRAM_TEXT_MAX) return `Not sent: Telegram takes at most ${TELEGRAM_TEXT_MAX} characters in a message.`;
      const parts: OutgoingPart[] = [];
      const captionFits = ctx.files.length > 0 && body.length > 0 && body.length <= TELEGRAM_CAPTION_MAX;
      if (body && !captionFits) parts.push({ kind: 'text', text: body });
      ctx.files.forEach((file, i) => parts.push({ kind: 'file', file, ...(i === 0 && captionFits ? { caption: body } : {}) }));
      return parts;
    },
    async sendPart(ctx, part) {
      const bot = botOf(ctx.inbox, ctx.secrets, ctx.signal);
      const replyTo = ctx.replyToProviderId?.split(':')[1];
      let sent: { message_id: number; chat: { id: number } };
      if (part.kind === 'text') {
        sent = await call(bot, 'sendMessage', { chat_id: ctx.recipient, text: part.text, ...(replyTo ? { reply_parameters: { message_id: Number(replyTo), allow_sending_without_reply: true } } : {}) });
      } else if (part.kind === 'file') {
        const { method, field } = methodFor(part.file.contentType);
        sent = await upload(bot, method, field, part.file, {
          chat_id: ctx.recipient,
          caption: part.caption,
          ...(replyTo ? { reply_parameters: JSON.stringify({ message_id: Number(replyTo), allow_sending_without_reply: true }) } : {}),
        });
      } else throw new Error('Telegram has no templates');
      return tgMessageId(sent.chat.id, sent.message_id);
    },
    reasonFor(err: ProviderError) {
      if (err.status === 403) return 'Telegram refused it: the customer blocked the bot.';
      return `Telegram refused the message: ${err.message}`;
    },
  };
}
