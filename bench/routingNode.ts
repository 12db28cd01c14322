/**
 * The second server process of the routing and timers benches: the same PostgreSQL schema, driven
 * over IPC. With BENCH_NODE_TIMERS=1 it runs the real timer loop (wall clock); otherwise none.
 * Not a bench itself.
 */
import pino from 'pino';
import { createServer } from '../apps/server/src/server.ts';
import { systemClock, type Clock } from '../apps/server/src/clock.ts';
import { agentCrew, type AgentCrew, type BenchAgent } from './routingAgents.ts';

type Command =
  | { id: number; cmd: 'crew'; queueId: number; agents: BenchAgent[]; resolve: boolean; concurrency: number }
  | { id: number; cmd: 'stopCrew' }
  | { id: number; cmd: 'close' };

/** Wall time, but not `systemClock` itself: the server then leaves the timer loop alone. */
const wallClock: Clock = { now: () => Date.now() };
const server = await createServer({
  clock: process.env.BENCH_NODE_TIMERS === '1' ? systemClock : wallClock,
  logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
  config: { demo: false, redisUrl: undefined },
  store: { databaseUrl: process.env.BENCH_PG_URL, pgSchema: process.env.BENCH_SCHEMA },
});
let crew: AgentCrew | undefined;

async function run(m: Command): Promise<unknown> {
  switch (m.cmd) {
    case 'crew':
      crew = agentCrew(server, m.queueId, m.agents, { resolve: m.resolve });
      await crew.signIn(m.concurrency);
      return 'signed in';
    case 'stopCrew': {
      const n = crew?.accepted ?? 0;
      await crew?.stop();
      return n;
    }
    case 'close':
      await server.close();
      return 'closed';
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
