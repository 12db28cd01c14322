import { DEFAULT_LOAD_LIMITS, type LoadLimits } from './http/loadShedding.ts';
import type { LookupFunction } from 'node:net';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from './realtime/backpressure.ts';

/** Everything the server reads from the environment, read once at start. */
export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  redisUrl?: string;
  /** Names of our Redis channels and keys start with this (REDIS_PREFIX), so deployments can share one Redis. */
  redisPrefix: string;
  adminEmail: string;
  adminPassword: string;
  /** Seed demo data into an empty database. */
  demo: boolean;
  logLevel: string;
  secureCookies: boolean;
  /** Seals inbox secrets and signs email reply tokens (channels/secrets.ts); else DATA_DIR/secrets.key. */
  secretsKey?: string;
  /** The built-in SMTP listener (channels/email): off unless a port is set. */
  smtpPort?: number;
  smtpHost: string;
  /** PEM files: STARTTLS is offered when both are set. */
  smtpTlsCert?: string;
  smtpTlsKey?: string;
  /** Largest email accepted, in bytes (SMTP SIZE; larger mail is refused with 552). */
  emailMaxBytes: number;
  /** How long a node's claim to poll an inbox's IMAP mailbox lasts unrenewed (IMAP_LEASE_SECONDS, default 30). */
  imapLeaseMs: number;
  /**
   * Which proxies' X-Forwarded-For to believe (TRUST_PROXY): a hop count (`1`) or a comma-separated
   * list of addresses/CIDRs. None by default, so nobody picks their own address for the rate limits.
   */
  trustProxy: number | string | false;
  /** A browser session unused this long ends (SESSION_IDLE_MINUTES, default 8 hours). */
  sessionIdleMs: number;
  /**
   * METRICS_TOKEN: /metrics answers only `Authorization: Bearer <it>`. Unset: only callers on this
   * machine (loopback, after TRUST_PROXY), so a default install never publishes its figures.
   */
  metricsToken?: string;
  /** Load shedding on ingest (http/loadShedding.ts): in-flight requests, event-loop delay, queue depth. */
  loadLimits: LoadLimits;
  /** What one stream socket may buffer and send (realtime/backpressure.ts). */
  streamLimits: StreamLimits;
  /** On SIGTERM, how long /readyz says "draining" while the node still serves, before the listener closes. */
  shutdownGraceMs: number;
  /**
   * WEBHOOKS_ALLOW_PRIVATE=1: outgoing webhooks may target loopback, private, link-local and ULA
   * addresses (a receiver on the same network). Off by default: a webhook URL is chosen by an
   * administrator, and without the guard it could reach the server's own network (SECURITY.md).
   */
  webhooksAllowPrivate: boolean;
  /** How long one webhook delivery may take, connecting included (WEBHOOK_TIMEOUT_SECONDS, default 10). */
  webhookTimeoutMs: number;
  /** How webhook targets' names are resolved: dns.lookup unless a test hands its own (no environment variable). */
  webhookLookup?: LookupFunction;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: Number(env.PORT ?? 3000),
    // Loopback unless told otherwise: a fresh install with known passwords is not reachable from outside.
    host: env.HOST || '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR ?? './data',
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.REDIS_PREFIX || 'switchboard:',
    adminEmail: (env.ADMIN_EMAIL ?? 'admin@example.com').toLowerCase(),
    adminPassword: env.ADMIN_PASSWORD ?? 'switchboard',
    demo: env.DEMO_DATA !== '0',
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: env.SECURE_COOKIES === '1',
    secretsKey: env.SECRETS_KEY || undefined,
    loadLimits: {
      maxInFlight: Number(env.INGEST_MAX_IN_FLIGHT ?? DEFAULT_LOAD_LIMITS.maxInFlight),
      maxEventLoopDelayMs: Number(env.MAX_EVENT_LOOP_DELAY_MS ?? DEFAULT_LOAD_LIMITS.maxEventLoopDelayMs),
      maxQueueDepth: Number(env.MAX_QUEUE_DEPTH ?? DEFAULT_LOAD_LIMITS.maxQueueDepth),
      maxIngestLatencyMs: Number(env.MAX_INGEST_LATENCY_MS ?? DEFAULT_LOAD_LIMITS.maxIngestLatencyMs),
    },
    streamLimits: DEFAULT_STREAM_LIMITS,
    shutdownGraceMs: Number(env.SHUTDOWN_GRACE_MS ?? 1000),
    smtpPort: env.SMTP_PORT ? Number(env.SMTP_PORT) : undefined,
    smtpHost: env.SMTP_HOST ?? '0.0.0.0',
    smtpTlsCert: env.SMTP_TLS_CERT || undefined,
    smtpTlsKey: env.SMTP_TLS_KEY || undefined,
    emailMaxBytes: Number(env.EMAIL_MAX_MB ?? 25) * 1024 * 1024,
    imapLeaseMs: Math.max(1, Number(env.IMAP_LEASE_SECONDS) || 30) * 1000,
    trustProxy: !env.TRUST_PROXY ? false : /^\d+$/.test(env.TRUST_PROXY) ? Number(env.TRUST_PROXY) : env.TRUST_PROXY,
    sessionIdleMs: Math.max(1, Number(env.SESSION_IDLE_MINUTES) || 480) * 60_000,
    metricsToken: env.METRICS_TOKEN || undefined,
    webhooksAllowPrivate: env.WEBHOOKS_ALLOW_PRIVATE === '1',
    webhookTimeoutMs: Math.max(1, Number(env.WEBHOOK_TIMEOUT_SECONDS) || 10) * 1000,
  };
}
