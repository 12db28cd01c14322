import crypto from 'node:crypto';

/**
 * Redis names for the servers of one test database (its schema or data folder). Its own module so the
 * peer processes (routingPeer, outboxPeer) can import it without loading the harness, whose frame check
 * registers Vitest hooks that fail outside a test file.
 */
export function redisPrefixFor(database: string): string {
  return `sbtest:${crypto.createHash('sha1').update(database).digest('hex').slice(0, 12)}:`;
}
