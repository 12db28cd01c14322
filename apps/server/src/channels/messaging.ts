import type { Services } from '../http/services.ts';
import type { ChannelDeps } from './deps.ts';
import { WebhookQueue } from './webhooks.ts';
import { registerChannelSender, registerReadReceipts, type ChannelSender } from './outbound.ts';
import { processWhatsappWebhook } from './whatsapp/inbound.ts';
import { whatsappSender } from './whatsapp/send.ts';
import { processTelegramUpdate } from './telegram/inbound.ts';
import { telegramSender } from './telegram/send.ts';
import { telegramTyping } from './telegram/typing.ts';
import { registerConnectionTest } from './connection.ts';
import { botOf, call } from './telegram/api.ts';
import type { Signal } from '../events/signals.ts';
import { processMessengerWebhook } from './messenger/inbound.ts';
import { messengerSender } from './messenger/send.ts';
import { describePage, pageOf } from './messenger/api.ts';

/** The messaging channels (WhatsApp, Telegram, Messenger/Instagram): webhooks in, provider APIs out. */
export interface MessagingChannels {
  deps: ChannelDeps;
  webhooks: WebhookQueue;
  /** A signal an action on this node published (typing): what the providers show of it. */
  onSignal(signal: Signal): void;
  close(): Promise<void>;
}

export async function startMessagingChannels(s: Services): Promise<MessagingChannels> {
  const stop = new AbortController();
  const deps: ChannelDeps = { actions: s.actions, secrets: s.secrets, dataDir: s.config.dataDir, log: s.log.child({ area: 'channels' }), stopping: stop.signal };
  const webhooks = new WebhookQueue(deps);
  webhooks.register('whatsapp', (inbox, payload, o) => processWhatsappWebhook(deps, inbox, payload, o.final));
  webhooks.register('telegram', (inbox, payload, o) => processTelegramUpdate(deps, inbox, payload, o.final));
  registerConnectionTest('telegram', async (d, inbox, secrets) => {
    const me = await call<{ username?: string; first_name?: string }>(botOf(inbox, secrets, d.stopping), 'getMe', {});
    return me?.username ? `@${me.username}` : (me?.first_name ?? 'the bot');
  });
  webhooks.register('messenger', (inbox, payload, o) => processMessengerWebhook(deps, inbox, payload, o.final));
  registerConnectionTest('messenger', (d, inbox, secrets) => describePage(pageOf(inbox, secrets, d.stopping)));
  const senders: ChannelSender[] = [whatsappSender(), telegramSender(), messengerSender()];
  const typing = telegramTyping(deps);
  for (const sender of senders) await registerChannelSender(s.outbox, deps, sender);
  await registerReadReceipts(s.outbox, deps, senders);
  return {
    deps,
    webhooks,
    onSignal: (signal) => typing(signal),
    async close() {
      stop.abort();
      await webhooks.stop();
    },
  };
}
