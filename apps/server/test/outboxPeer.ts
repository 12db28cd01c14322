/**
 * A server process for the outbox cluster tests (outboxCluster.test.ts): a real server on the
 * shared database, on the real clock, running the real consumer code with one test consumer whose
 * handler reports each item to the test over loopback HTTP and finishes when the test answers.
 * Not a test file itself; it exists only for the tests (no switch in the shipped server).
 */
import pino from 'pino';
import { createServer } from '../src/server.ts';
import { redisPrefixFor } from '../../../test/redisPrefix.ts';

const report = process.env.OUTBOX_REPORT_URL!;
const server = await createServer({
  logger: pino({ level: process.env.TEST_LOG ?? 'silent' }),
  config: { demo: false, redisUrl: process.env.REDIS_URL || undefined, redisPrefix: redisPrefixFor((process.env.PEER_SCHEMA ?? process.env.PEER_DATA_DIR)!) },
  store: process.env.PEER_SCHEMA
    ? { databaseUrl: process.env.DATABASE_URL, pgSchema: process.env.PEER_SCHEMA }
    : { dataDir: process.env.PEER_DATA_DIR, sqliteFile: 'switchboard.db' },
});

await server.services.outbox.register({
  name: 'test.cluster',
  types: ['message.created'],
  leaseMs: Number(process.env.OUTBOX_LEASE_MS ?? 1000),
  baseDelayMs: 200,
  async handle(e) {
    const m = (e.data as { message: { body: string; senderKind: string } }).message;
    if (m.senderKind !== 'customer') return;
    const res = await fetch(report, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pid: process.pid, seq: e.seq, conversationId: e.conversationId, body: m.body, attempt: e.attempt }),
    });
    if (!res.ok) throw new Error(`report answered ${res.status}`);
  },
});

process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'close') void server.close().then(() => process.exit(0));
});
process.send!({ ready: true, pid: process.pid });
