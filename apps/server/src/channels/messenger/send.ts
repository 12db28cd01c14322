import { MESSAGING_WINDOW_MS } from '@switchboard/core';
import type { ChannelSender, OutgoingPart, SendContext } from '../outbound.ts';
import type { ProviderError } from '../provider.ts';
import { classOf } from '../../attachments/limits.ts';
import { pageOf, sendApi, sendFile } from './api.ts';

export const MESSENGER_TEXT_MAX = 2000;
const HUMAN_AGENT_MS = 7 * 24 * 3600 * 1000;

/**
 * Messenger's window: a free reply (RESPONSE) within 24 hours of the customer's last message; with
 * the inbox's HUMAN_AGENT setting, an agent's reply up to 7 days with that tag; refused after.
 */
export function messagingTypeOf(ctx: SendContext): { messaging_type: 'RESPONSE' } | { messaging_type: 'MESSAGE_TAG'; tag: 'HUMAN_AGENT' } | string {
  const last = ctx.conversation.last_customer_message_at;
  const age = last == null ? Infinity : ctx.now - last;
  if (age < MESSAGING_WINDOW_MS) return { messaging_type: 'RESPONSE' };
  if (ctx.settings.humanAgentTag === true && age < HUMAN_AGENT_MS) return { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
  return ctx.settings.humanAgentTag === true
    ? 'Not sent: the customer last wrote more than 7 days ago; Messenger takes no reply until they write again.'
    : 'Not sent: the customer last wrote more than 24 hours ago; Messenger takes no reply until they write again (or turn on the HUMAN_AGENT tag for this inbox, for up to 7 days).';
}

export function messengerSender(): ChannelSender {
  return {
    channel: 'messenger',
    consumer: 'messenger.outbound',
    provider: 'Messenger',
    plan(ctx) {
      const type = messagingTypeOf(ctx);
      if (typeof type === 'string') return type;
      if (ctx.message.body.length > MESSENGER_TEXT_MAX) return `Not sent: Messenger takes at most ${MESSENGER_TEXT_MAX} characters in a message.`;
      const parts: OutgoingPart[] = [];
      if (ctx.message.body) parts.push({ kind: 'text', text: ctx.message.body });
      for (const file of ctx.files) parts.push({ kind: 'file', file });
      return parts;
    },
    async sendPart(ctx, part) {
      const page = pageOf(ctx.inbox, ctx.secrets, ctx.signal);
      const type = messagingTypeOf(ctx);
      if (typeof type === 'string') throw new Error(type);
      const recipient = { id: ctx.recipient };
      if (part.kind === 'text') return sendApi(page, { recipient, ...type, message: { text: part.text } });
      if (part.kind !== 'file') throw new Error('Messenger has no templates here');
      const cls = classOf(part.file.contentType);
      return sendFile(page, { recipient, ...type, message: { attachment: { type: cls, payload: { is_reusable: false } } } }, part.file);
    },
    reasonFor(err: ProviderError) {
      if (err.code === 10 || err.code === 551) return `Messenger refused it: ${err.message} (outside the messaging window, or the person is not available).`;
      return `Messenger refused the message: ${err.message}`;
    },
    async markRead(ctx) {
      await sendApi(pageOf(ctx.inbox, ctx.secrets, ctx.signal), { recipient: { id: ctx.recipient }, sender_action: 'mark_seen' });
    },
  };
}
