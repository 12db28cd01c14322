import { createRequire } from 'node:module';
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RedisEventHint } from '../events/redisHint.ts';

type Store = FastifyRateLimitStore & { read?: FastifyRateLimitStore['incr'] };
type Result = { current: number; ttl: number };
type RouteOptions = Parameters<FastifyRateLimitStore['child']>[0] & { continueExceeding?: boolean; exponentialBackoff?: boolean; cache?: number };

// The plugin's own two stores (the same counting rules either way); it exports them only as files.
const require = createRequire(import.meta.url);
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (continueExceeding?: boolean, exponentialBackoff?: boolean, cache?: number) => Store;
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (continueExceeding: boolean | undefined, exponentialBackoff: boolean | undefined, redis: unknown, key: string) => Store;

/**
 * Rate limits shared by every node through Redis while it answers, and counted by this node alone
 * while it does not (so sign-in and the widget keep working through a Redis outage, with each node
 * allowing the limit on its own). A Redis error falls back for that request too: never a 500.
 */
export function degradingRateLimitStore(redis: RedisEventHint | null, nameSpace: string): FastifyRateLimitStoreCtor {
  class DegradingStore implements FastifyRateLimitStore {
    private readonly shared: Store | null;
    private readonly local: Store;

    constructor(plugin: FastifyRateLimitOptions, shared?: Store | null, local?: Store) {
      // The plugin hands its merged parameters, which carry these too.
      const options = plugin as FastifyRateLimitOptions & { continueExceeding?: boolean; exponentialBackoff?: boolean; cache?: number };
      this.local = local ?? new LocalStore(options.continueExceeding, options.exponentialBackoff, options.cache);
      this.shared = shared !== undefined ? shared : redis ? new RedisStore(options.continueExceeding, options.exponentialBackoff, redis.client, nameSpace) : null;
    }

    incr(key: string, cb: (err: Error | null, res?: Result) => void, timeWindow: number, max: number): void {
      this.use('incr', key, cb, timeWindow, max);
    }

    read(key: string, cb: (err: Error | null, res?: Result) => void, timeWindow: number, max: number): void {
      this.use('read', key, cb, timeWindow, max);
    }

    private use(method: 'incr' | 'read', key: string, cb: (err: Error | null, res?: Result) => void, timeWindow: number, max: number): void {
      const local = () => (method === 'incr' ? this.local.incr(key, cb, timeWindow, max) : this.local.read!(key, cb, timeWindow, max));
      if (!this.shared || !redis?.up) return local();
      const shared = method === 'incr' ? this.shared.incr.bind(this.shared) : this.shared.read!.bind(this.shared);
      shared(key, (err, res) => (err ? local() : cb(null, res)), timeWindow, max);
    }

    child(routeOptions: RouteOptions): FastifyRateLimitStore {
      return new DegradingStore(
        routeOptions as FastifyRateLimitOptions,
        this.shared ? this.shared.child(routeOptions) : null,
        this.local.child(routeOptions) as Store,
      );
    }
  }
  return DegradingStore;
}
