import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Clock } from '../clock.ts';
import type { Store } from '../store/db.ts';
import type { EventDispatcher } from '../events/dispatcher.ts';
import type { RedisEventHint } from '../events/redisHint.ts';
import type { Outbox } from '../events/outbox/outbox.ts';
import type { SignalBus } from '../events/signals.ts';
import type { ActionContext } from '../actions/context.ts';
import type { TokenCache } from './tokenCache.ts';
import type { QueueCountsAnnouncer } from '../routing/counts.ts';
import type { LoadShedder } from './loadShedding.ts';
import type { SecretBox } from '../channels/secrets.ts';
import type { MessagingChannels } from '../channels/messaging.ts';
import type { Webhooks } from '../integrations/webhooks.ts';

/** The running server's parts, handed to routes and the gateway. */
export interface Services {
  config: Config;
  store: Store;
  clock: Clock;
  log: Logger;
  dispatcher: EventDispatcher;
  redis: RedisEventHint | null;
  /** Outbox consumers: outbound work driven by committed events (events/outbox/). */
  outbox: Outbox;
  /** Ephemeral signals (typing): to sockets and other nodes, never stored (events/signals.ts). */
  signals: SignalBus;
  actions: ActionContext;
  /** Queues' counts, announced after the commits that change them (routing/counts.ts). */
  counts: QueueCountsAnnouncer;
  /** API-token sign-ins kept for a moment (http/tokenCache.ts). */
  tokens: TokenCache;
  /** Refuses ingest early under overload (http/loadShedding.ts). */
  shedder: LoadShedder;
  /** Set once shutdown begins: /readyz answers 503 `draining` and responses ask to close the connection. */
  lifecycle: { draining: boolean };
  /** Seals inbox secrets, signs reply tokens (channels/secrets.ts). */
  secrets: SecretBox;
  /** WhatsApp, Telegram, Messenger: stored webhooks and their processing (channels/messaging.ts). */
  messaging: MessagingChannels;
  /** Outgoing webhooks' workers (integrations/webhooks.ts). */
  webhooks: Webhooks;
}
