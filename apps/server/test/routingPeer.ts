/**
 * A second server process for the cluster test (routingCluster.test.ts): the same PostgreSQL schema,
 * its own clock, driven over IPC. Not a test file itself.
 */
import pino from 'pino';
import { createServer } from '../src/server.ts';
import { redisPrefixFor } from '../../../test/redisPrefix.ts';
import { ManualClock } from '../src/clock.ts';
import { runDueTimers } from '../src/jobs/worker.ts';
import { routeQueues } from '../src/routing/engine.ts';
import { runAction } from '../src/actions/context.ts';
import { pickConversation } from '../src/actions/routing/offers.ts';
import { findUser, loadViewer } from '../src/store/users.ts';

type Command =
  | { id: number; cmd: 'timers'; now: number }
  | { id: number; cmd: 'route'; now: number; queueId: number }
  | { id: number; cmd: 'pick'; now: number; userId: number; conversationId: number }
  | { id: number; cmd: 'close' };

const clock = new ManualClock();
const server = await createServer({
  clock,
  logger: pino({ level: process.env.TEST_LOG ?? 'silent' }),
  config: { demo: false, redisUrl: process.env.REDIS_URL || undefined, redisPrefix: redisPrefixFor(process.env.PEER_SCHEMA!) },
  store: { databaseUrl: process.env.DATABASE_URL, pgSchema: process.env.PEER_SCHEMA },
});
const ctx = server.services.actions;

async function run(m: Command): Promise<unknown> {
  if (m.cmd === 'close') {
    await server.close();
    return 'closed';
  }
  clock.set(m.now);
  switch (m.cmd) {
    case 'timers':
      return runDueTimers(ctx, { workerId: `peer-${process.pid}`, batch: 7 });
    case 'route':
      return runAction(ctx, (tx, emit) => routeQueues(tx, emit, [m.queueId], m.now));
    case 'pick': {
      const user = (await findUser(server.services.store.db, m.userId))!;
      const viewer = { ...(await loadViewer(server.services.store.db, user)), name: user.name };
      return pickConversation(ctx, viewer, m.conversationId).then(
        () => 'picked',
        (e: { code?: string }) => e.code ?? 'error',
      );
    }
  }
}

process.on('message', (m: Command) => {
  run(m).then(
    (result) => {
      process.send!({ id: m.id, result });
      if (m.cmd === 'close') process.exit(0);
    },
    (err: Error) => process.send!({ id: m.id, error: String(err?.stack ?? err) }),
  );
});
process.send!({ ready: true });
