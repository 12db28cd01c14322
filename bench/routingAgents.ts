/**
 * Bench agents for the routing and timers benches (and their second node, routingNode.ts): sign in,
 * hear of offers the way the stream does (the dispatcher) and accept each one, and optionally resolve
 * the conversation at once so the place is freed and routing offers the next.
 */
import type { Server } from '../apps/server/src/server.ts';
import { runAction } from '../apps/server/src/actions/context.ts';
import { openConversation } from '../apps/server/src/actions/opening.ts';
import { changeConversationStatus } from '../apps/server/src/actions/lifecycle.ts';
import { acceptOffer } from '../apps/server/src/actions/routing/offers.ts';
import { setPresence } from '../apps/server/src/actions/routing/presence.ts';
import { insertUser } from '../apps/server/src/store/users.ts';
import type { Tx } from '../apps/server/src/store/db.ts';

export interface BenchAgent {
  id: number;
  name: string;
}

/** Wall time in ms with sub-millisecond precision, comparable across processes. */
export const wallMs = () => performance.timeOrigin + performance.now();

/** Runs `fn` over `items`, `concurrency` at a time (sign-ins and arrivals come in bursts, not one by one). */
export async function inParallel<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function createAgents(server: Server, queueId: number, count: number, prefix: string, passwordHash: string): Promise<BenchAgent[]> {
  const { db } = server.services.store;
  const agents: BenchAgent[] = [];
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const name = `${prefix} ${i}`;
    const id = await insertUser(db, { email: `${prefix.replace(/\W/g, '').toLowerCase()}${i}@bench.test`, name, role: 'agent', passwordHash, capacity: null, now });
    agents.push({ id, name });
  }
  await db.insertInto('queue_members').values(agents.map((a) => ({ queue_id: queueId, user_id: a.id }))).execute();
  return agents;
}

/** Queues `count` conversations (with nobody free they only wait), `concurrency` transactions at a time. */
export async function enqueue(server: Server, queueId: number, contactId: number, count: number, concurrency = 10): Promise<void> {
  const ctx = server.services.actions;
  await inParallel(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    () => retried(() => runAction(ctx, (tx, emit) => openConversation(tx, emit, { contactId, channel: 'api', queueId, now: Date.now() }))),
  );
}

/**
 * A refusal (an AppError with a code) is the answer; anything else here is the server shedding
 * load (no pooled connection within its limit, a 503 to a browser), which a client retries.
 */
export async function retried<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: unknown }).code !== undefined && typeof (err as { status?: unknown }).status === 'number') throw err;
      if (attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

export interface AgentCrew {
  /** Offers accepted so far. */
  readonly accepted: number;
  /** Conversation id → when its first offer was heard (wallMs). */
  readonly heardAt: Map<number, number>;
  signIn(concurrency: number): Promise<void>;
  stop(): Promise<void>;
}

export function agentCrew(server: Server, queueId: number, agents: BenchAgent[], opts: { resolve: boolean }): AgentCrew {
  const ctx = server.services.actions;
  const inbox = new Map<number, number[]>(agents.map((a) => [a.id, []]));
  const wake = new Map<number, () => void>();
  const heardAt = new Map<number, number>();
  let accepted = 0;
  let stopped = false;
  const unsubscribe = server.services.dispatcher.subscribe((rows) => {
    for (const r of rows) {
      if (r.type !== 'offer.created' || r.user_id == null || !inbox.has(r.user_id)) continue;
      if (!heardAt.has(r.conversation_id!)) heardAt.set(r.conversation_id!, wallMs());
      inbox.get(r.user_id)!.push(JSON.parse(r.data).offer.id);
      wake.get(r.user_id)?.();
    }
  });
  const viewerOf = (a: BenchAgent) => ({ id: a.id, role: 'agent' as const, queueIds: new Set([queueId]), name: a.name });
  const work = async (a: BenchAgent) => {
    const viewer = viewerOf(a);
    while (!stopped) {
      const offerId = inbox.get(a.id)!.shift();
      if (offerId === undefined) {
        await new Promise<void>((r) => wake.set(a.id, r));
        wake.delete(a.id);
        continue;
      }
      let conversationId: number;
      try {
        conversationId = await retried(() => acceptOffer(ctx, viewer, offerId));
      } catch {
        continue; // withdrawn or expired meanwhile: nothing to do
      }
      accepted++;
      if (opts.resolve) await retried(() => changeConversationStatus(ctx, viewer, conversationId, { kind: 'resolve' }));
    }
  };
  const workers = agents.map(work);
  return {
    get accepted() {
      return accepted;
    },
    heardAt,
    signIn: (concurrency) => inParallel(agents, concurrency, (a) => retried(() => setPresence(ctx, viewerOf(a), 'available'))),
    async stop() {
      stopped = true;
      for (const w of wake.values()) w();
      await Promise.all(workers);
      unsubscribe();
    },
  };
}

export interface SecondNode {
  call(msg: object): Promise<any>;
  close(): Promise<void>;
}

/** Forks routingNode.ts: a second server process on the same PostgreSQL schema. */
export async function startSecondNode(pgUrl: string, schema: string, opts: { timers: boolean }): Promise<SecondNode> {
  const { fork } = await import('node:child_process');
  const path = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = fork(path.join(here, 'routingNode.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_PG_URL: pgUrl, BENCH_SCHEMA: schema, BENCH_NODE_TIMERS: opts.timers ? '1' : '0' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`second node exited with ${code}`)));
    child.on('message', (m: { ready?: boolean; id: number; error?: string; result?: unknown }) => {
      if (m.ready) return resolve();
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.error) w?.reject(new Error(m.error));
      else w?.resolve(m.result);
    });
  });
  const call = (msg: object) =>
    new Promise<any>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject });
      child.send({ id, ...msg });
    });
  return {
    call,
    async close() {
      child.removeAllListeners('exit');
      await call({ cmd: 'close' }).catch(() => undefined);
      if (child.exitCode === null) child.kill();
    },
  };
}

/** Offers that broke a guarantee: a conversation with two open offers, an agent past capacity. */
export async function routingViolations(server: Server, queueId: number, capacity: number): Promise<{ doubleOffers: number; overCapacity: number }> {
  // One snapshot for both reads: an offer accepted between two separate reads would count twice for its agent.
  const { store } = server.services;
  const read = store.db.transaction();
  return (store.dialect === 'postgres' ? read.setIsolationLevel('repeatable read') : read).execute((db) => violationsIn(db, queueId, capacity));
}

async function violationsIn(db: Tx, queueId: number, capacity: number): Promise<{ doubleOffers: number; overCapacity: number }> {
  const open = await db
    .selectFrom('offers as o')
    .innerJoin('conversations as c', 'c.id', 'o.conversation_id')
    .select(['o.conversation_id', 'o.user_id'])
    .where('c.queue_id', '=', queueId)
    .where('o.status', '=', 'offered')
    .execute();
  const busy = await db
    .selectFrom('conversations')
    .select(['assignee_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('queue_id', '=', queueId)
    .where('status', 'in', ['active', 'pending'])
    .groupBy('assignee_id')
    .execute();
  const perConversation = new Map<number, number>();
  const perAgent = new Map<number, number>();
  for (const o of open) {
    perConversation.set(o.conversation_id, (perConversation.get(o.conversation_id) ?? 0) + 1);
    perAgent.set(o.user_id, (perAgent.get(o.user_id) ?? 0) + 1);
  }
  for (const b of busy) if (b.assignee_id != null) perAgent.set(b.assignee_id, (perAgent.get(b.assignee_id) ?? 0) + Number(b.n));
  return {
    doubleOffers: [...perConversation.values()].filter((n) => n > 1).length,
    overCapacity: [...perAgent.values()].filter((n) => n > capacity).length,
  };
}
