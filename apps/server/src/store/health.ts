import type { Logger } from 'pino';
import { metrics } from '../metrics.ts';

/**
 * Errors that say "the database is not reachable" (as opposed to "this statement was wrong"): the
 * server closed or refused the connection, is starting or shutting down, or did not answer in time.
 * Requests that meet one answer 503 with Retry-After; statement errors keep their own handling.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown (pg_terminate_backend, fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '57014', // query_canceled: our statement_timeout
  '25P03', // idle_in_transaction_session_timeout
  '53300', // too_many_connections
  'SQLITE_BUSY', // another process holds the SQLite file past busy_timeout
]);
const UNAVAILABLE_MESSAGES = /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Query read timeout|Connection ended|server closed the connection|the database system is (starting up|shutting down|in recovery mode)/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (UNAVAILABLE_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  return e.cause ? isDatabaseUnavailable(e.cause) : false;
}

/** Of those, the ones that mean the connection itself is gone (not one slow statement). */
function connectionLost(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return isDatabaseUnavailable(err) && e?.code !== '57014' && e?.code !== '25P03' && e?.code !== '53300';
}

/**
 * Whether the database answers, as this node last saw it. A lost connection marks it down; while
 * down, requests are answered 503 at once (no request waits on a dead database) and one probe
 * reconnects with backoff (250 ms doubling to 5 s); the first answer marks it up and work resumes.
 */
export class DatabaseHealth {
  private down = false;
  private probing = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private since = 0;

  constructor(
    private readonly ping: () => Promise<void>,
    private readonly log: Logger,
  ) {
    metrics.databaseUp.set(1);
  }

  get up(): boolean {
    return !this.down;
  }

  /** Seconds a client should wait before retrying, for Retry-After. */
  get retryAfter(): number {
    return 2;
  }

  /** Called with every failed database call; only a lost connection changes anything. */
  failed(err: unknown): void {
    if (this.stopped || !connectionLost(err)) return;
    if (!this.down) {
      this.down = true;
      this.since = Date.now();
      metrics.databaseUp.set(0);
      this.log.error({ err: (err as Error)?.message }, 'database unreachable: answering 503 and reconnecting');
    }
    this.probe();
  }

  private probe(delay = 250): void {
    if (this.probing || this.stopped) return;
    this.probing = true;
    this.timer = setTimeout(() => {
      this.ping().then(
        () => {
          this.probing = false;
          if (!this.down) return;
          this.down = false;
          metrics.databaseUp.set(1);
          this.log.info({ downMs: Date.now() - this.since }, 'database reachable again: resuming');
        },
        () => {
          this.probing = false;
          this.probe(Math.min(delay * 2, 5000));
        },
      );
    }, delay);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
