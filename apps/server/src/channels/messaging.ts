import type { Services } from '../http/services.ts';
import type { ChannelDeps } from './deps.ts';
import { WebhookQueue } from './webhooks.ts';
import { registerChannelSender, registerReadReceipts, type ChannelSender } from './outbound.ts';
import { processWhatsappWebhook } from './whatsapp/inbound.ts';
import { whatsappSender } from './whatsapp/send.ts';

/** The messaging channels (WhatsApp, Telegram, Messenger/Instagram): webhooks in, provider APIs out. */
export interface MessagingChannels {
  deps: ChannelDeps;
  webhooks: WebhookQueue;
  close(): Promise<void>;
}

export async function startMessagingChannels(s: Services): Promise<MessagingChannels> {
  const stop = new AbortController();
  const deps: ChannelDeps = { actions: s.actions, secrets: s.secrets, dataDir: s.config.dataDir, log: s.log.child({ area: 'channels' }), stopping: stop.signal };
  const webhooks = new WebhookQueue(deps);
  webhooks.register('whatsapp', (inbox, payload, o) => processWhatsappWebhook(deps, inbox, payload, o.final));
  const senders: ChannelSender[] = [whatsappSender()];
  for (const sender of senders) await registerChannelSender(s.outbox, deps, sender);
  await registerReadReceipts(s.outbox, deps, senders);
  return {
    deps,
    webhooks,
    async close() {
      stop.abort();
      await webhooks.stop();
    },
  };
}
