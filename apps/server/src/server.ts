import pino, { type Logger } from 'pino';
import { readConfig, type Config } from './config.ts';
import { systemClock, type Clock } from './clock.ts';
import { openStore, type Store, type StoreConfig } from './store/db.ts';
import { EventDispatcher } from './events/dispatcher.ts';
import { RedisEventHint } from './events/redisHint.ts';
import { Outbox } from './events/outbox/outbox.ts';
import { SignalBus } from './events/signals.ts';
import { buildApp, type BuiltApp } from './http/app.ts';
import { LoadShedder } from './http/loadShedding.ts';
import { startTimerLoop } from './jobs/worker.ts';
import type { Services } from './http/services.ts';
import { QueueCountsAnnouncer } from './routing/counts.ts';
import { TokenCache, changesAccess } from './http/tokenCache.ts';
import { loadSecretsKey, secretBox } from './channels/secrets.ts';
import { startEmailChannel, type EmailChannel } from './channels/email/index.ts';
import { startMessagingChannels } from './channels/messaging.ts';
import { startWebhooks } from './integrations/webhooks.ts';

export interface ServerOptions {
  config?: Partial<Config>;
  store?: StoreConfig;
  clock?: Clock;
  logger?: Logger;
}

export interface Server extends BuiltApp {
  services: Services;
  /** The email channel's listeners and workers (channels/email). */
  email: EmailChannel;
  /**
   * Stops the node without failing a request it was sent: draining (`/readyz` 503) for `graceMs`,
   * then the listener closes, in-flight requests finish, and sockets, database and Redis close.
   */
  close(opts?: { graceMs?: number }): Promise<void>;
}

/** How long connections idle at shutdown may still deliver a request already on its way. */
const IDLE_LINGER_MS = 1000;

/** Opens the store (migrating it), wires the dispatcher and Redis, and builds the app. Does not listen. */
export async function createServer(opts: ServerOptions = {}): Promise<Server> {
  // An option left undefined keeps the environment's (or default) value.
  const overrides = Object.fromEntries(Object.entries(opts.config ?? {}).filter(([, v]) => v !== undefined));
  const config: Config = { ...readConfig(), ...overrides };
  const log = opts.logger ?? pino({ level: config.logLevel });
  const clock = opts.clock ?? systemClock;
  const store: Store = await openStore(opts.store ?? { databaseUrl: config.databaseUrl, dataDir: config.dataDir }, log);
  const dispatcher = new EventDispatcher(store, log);
  await dispatcher.start();
  const redis = config.redisUrl ? new RedisEventHint(config.redisUrl, () => dispatcher.wake(), log, config.redisPrefix) : null;
  // A node starts without Redis (it connects when Redis comes): waits briefly, never fails.
  if (redis) await redis.ready();
  if (redis) dispatcher.afterNumbering = () => redis.publish();
  const tokens = new TokenCache();
  // Another node changed roles or memberships: sign-ins cached here may be wrong now.
  dispatcher.subscribe((rows) => {
    if (rows.some((r) => changesAccess(r.type, r.data))) tokens.clear();
  });
  // Outbound work (email, messaging channels, webhooks) registers its consumers here; see ARCHITECTURE.md.
  const outbox = new Outbox(store, clock, log);
  dispatcher.subscribe((rows) => outbox.onEvents(rows));
  // Typing indicators and the like: to the sockets and across nodes, never a committed row.
  const signals = new SignalBus();
  if (redis) {
    signals.relay = (signal) => redis.publishSignal(signal);
    redis.onSignal = (signal) => signals.deliver(signal);
  }
  const eventsCommitted = () => {
    dispatcher.wake();
    redis?.publish();
  };
  // Queues' waiting / on-offer counts, announced after the commits that change them (routing/counts.ts).
  const counts = new QueueCountsAnnouncer({ store, clock, eventsCommitted, log });
  const services: Services = {
    config,
    counts,
    outbox,
    signals,
    store,
    clock,
    log,
    dispatcher,
    redis,
    tokens,
    shedder: new LoadShedder(config.loadLimits, () => store.queueDepth()),
    lifecycle: { draining: false },
    secrets: secretBox(loadSecretsKey(config.secretsKey, config.dataDir)),
    messaging: null as never, // started below, once the services exist
    webhooks: null as never,
    actions: {
      store,
      clock,
      eventsCommitted,
      countsChanged: (queueIds) => counts.changed(queueIds),
      signal: (s) => {
        signals.publish(s);
        services.messaging?.onSignal(s); // typing in a Telegram chat (set once the channels have started)
      },
    },
  };
  services.messaging = await startMessagingChannels(services);
  services.webhooks = await startWebhooks(services);
  const built = await buildApp(services, log);
  // Durable timers fire on the real clock; tests with a ManualClock call runDueTimers themselves.
  const stopTimers = clock === systemClock ? startTimerLoop(services.actions, log) : () => {};
  const email = await startEmailChannel(services);
  // Likewise the outbox: on the real clock it runs by itself; tests call outbox.runOnce(name).
  if (clock === systemClock) outbox.start();
  if (clock === systemClock) services.messaging.webhooks.start();
  let closed = false;
  return {
    ...built,
    services,
    email,
    async close(opts = {}) {
      if (closed) return;
      closed = true;
      // Draining: /readyz fails first so a load balancer stops sending, while this node still serves
      // everything it is sent, each response asking the client to close its connection (so no
      // keep-alive connection is left idle for the close below to cut under a request in flight).
      services.lifecycle.draining = true;
      const grace = opts.graceMs ?? 0;
      if (grace > 0) await new Promise((r) => setTimeout(r, grace));
      // Then the listener closes (new connections are refused), requests in flight finish (the app
      // does not answer them 503: return503OnClosing is off), and only then do sockets, database
      // and Redis close. Stream clients reconnect elsewhere and resume from their last seq.
      // Node's server.close() also drops every connection it thinks idle, which includes one whose
      // request has arrived but is not parsed yet: that request would be reset. Idle connections
      // are dropped a moment later instead, once such requests are in (and answered, with
      // `connection: close`).
      const http = built.app.server;
      const closeIdle = http.closeIdleConnections.bind(http);
      http.closeIdleConnections = () => void setTimeout(closeIdle, IDLE_LINGER_MS).unref();
      const listenerClosed = built.app.close();
      built.gateway.closeAll();
      await email.close();
      await services.messaging.close();
      await services.webhooks.close();
      await listenerClosed;
      await counts.stop();
      services.shedder.stop();
      stopTimers();
      await outbox.stop();
      dispatcher.stop();
      await redis?.close();
      await store.close();
    },
  };
}
