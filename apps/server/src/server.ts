import pino, { type Logger } from 'pino';
import { readConfig, type Config } from './config.ts';
import { systemClock, type Clock } from './clock.ts';
import { openStore, type Store, type StoreConfig } from './store/db.ts';
import { EventDispatcher } from './events/dispatcher.ts';
import { RedisEventHint } from './events/redisHint.ts';
import { Outbox } from './events/outbox/outbox.ts';
import { SignalBus } from './events/signals.ts';
import { buildApp, type BuiltApp } from './http/app.ts';
import { startTimerLoop } from './jobs/worker.ts';
import type { Services } from './http/services.ts';
import { TokenCache, changesAccess } from './http/tokenCache.ts';
import { loadSecretsKey, secretBox } from './channels/secrets.ts';
import { startEmailChannel, type EmailChannel } from './channels/email/index.ts';

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
  /** Finishes in-flight requests, closes sockets, then the database and Redis. */
  close(): Promise<void>;
}

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
  const redis = config.redisUrl ? new RedisEventHint(config.redisUrl, () => dispatcher.wake(), log) : null;
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
  const services: Services = {
    config,
    outbox,
    signals,
    store,
    clock,
    log,
    dispatcher,
    redis,
    tokens,
    secrets: secretBox(loadSecretsKey(config.secretsKey, config.dataDir)),
    actions: {
      store,
      clock,
      eventsCommitted: () => {
        dispatcher.wake();
        redis?.publish();
      },
      signal: (s) => signals.publish(s),
    },
  };
  const built = await buildApp(services, log);
  // Durable timers fire on the real clock; tests with a ManualClock call runDueTimers themselves.
  const stopTimers = clock === systemClock ? startTimerLoop(services.actions, log) : () => {};
  const email = await startEmailChannel(services);
  // Likewise the outbox: on the real clock it runs by itself; tests call outbox.runOnce(name).
  if (clock === systemClock) outbox.start();
  let closed = false;
  return {
    ...built,
    services,
    email,
    async close() {
      if (closed) return;
      closed = true;
      built.gateway.closeAll();
      await email.close();
      await built.app.close();
      stopTimers();
      await outbox.stop();
      dispatcher.stop();
      await redis?.close();
      await store.close();
    },
  };
}
