import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KyselyPlugin } from 'kysely';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';

/** Hot endpoints issue a fixed number of queries whatever the page size: no N+1 (DESIGN: Zulip counts them). */
let t: TestServer;
let agent: Caller;
let token: string;
let queue: number;
let queries = 0;

/** The event dispatcher reads (and on PostgreSQL numbers) events in the background; those are not the request's. */
function isDispatcherWork(node: { kind: string }): boolean {
  return node.kind === 'RawNode' || (node.kind !== 'InsertQueryNode' && JSON.stringify(node).includes('"name":"events"'));
}

const counter: KyselyPlugin = {
  transformQuery(args) {
    if (!isDispatcherWork(args.node)) queries++;
    return args.node;
  },
  async transformResult(args) {
    return args.result;
  },
};

beforeAll(async () => {
  t = await startTestServer();
  const store = t.server.services.store;
  store.db = store.db.withPlugin(counter);
  queue = await createQueue(t, 'Counted');
  const admin = await createUser(t, 'admin', 'Count Admin');
  token = await tokenFor(t, admin.id);
  agent = await signIn(t, await createUser(t, 'supervisor', 'Count Supervisor', [queue]));
});
afterAll(() => t.close());

async function queriesFor(fn: () => Promise<unknown>): Promise<number> {
  const before = queries;
  await fn();
  return queries - before;
}

async function addConversations(n: number, from: number) {
  for (let i = from; i < from + n; i++) await customerWrites(t, token, { externalId: `count-${i}`, body: `message ${i}`, queueId: queue });
}

describe('query counts', () => {
  it('lists conversations in the same number of queries for 3 or 30 rows', async () => {
    await addConversations(3, 0);
    const small = await queriesFor(() => agent.api('GET', '/api/v1/conversations?limit=50'));
    await addConversations(27, 3);
    const list = await agent.api('GET', '/api/v1/conversations?limit=50');
    expect(list.body.items).toHaveLength(30);
    const large = await queriesFor(() => agent.api('GET', '/api/v1/conversations?limit=50'));
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(14);
    // The bot filter, the date range and processing order are clauses of the same one list query.
    const since = t.clock.now() - 86_400_000;
    const filtered = await agent.api('GET', `/api/v1/conversations?limit=50&bot=false&since=${since}&sort=processing_order`);
    expect(filtered.body.items).toHaveLength(30);
    expect(await queriesFor(() => agent.api('GET', `/api/v1/conversations?limit=50&bot=false&since=${since}&sort=processing_order`))).toBe(large);
  });

  it('loads a page of history in the same number of queries for 2 or 40 messages', async () => {
    await customerWrites(t, token, { externalId: 'history', body: 'first', queueId: queue });
    const { body } = await agent.api('GET', '/api/v1/conversations?q=first');
    const id = body.items[0].id;
    await customerWrites(t, token, { externalId: 'history', body: 'second' });
    const small = await queriesFor(() => agent.api('GET', `/api/v1/conversations/${id}/messages`));
    for (let i = 0; i < 38; i++) await customerWrites(t, token, { externalId: 'history', body: `more ${i}` });
    const large = await queriesFor(() => agent.api('GET', `/api/v1/conversations/${id}/messages`));
    expect(large).toBe(small);
  });

  it('stores a customer message in a bounded number of statements', async () => {
    await customerWrites(t, token, { externalId: 'bounded', body: 'warm up', queueId: queue });
    const n = await queriesFor(() => customerWrites(t, token, { externalId: 'bounded', body: 'counted' }));
    expect(n).toBeLessThanOrEqual(16);
  });

  it('looks an API token up once for a burst of requests that all missed the cache', async () => {
    let lookups = 0;
    const store = t.server.services.store;
    const plain = store.db;
    store.db = store.db.withPlugin({
      transformQuery(args) {
        if (args.node.kind === 'SelectQueryNode' && JSON.stringify(args.node).includes('"name":"api_tokens"')) lookups++;
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    });
    try {
      t.server.services.tokens.clear();
      const answers = await Promise.all(Array.from({ length: 10 }, () => t.server.app.inject({ method: 'GET', url: '/api/v1/queues', headers: { authorization: `Bearer ${token}` } })));
      expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(200));
      expect(lookups).toBe(1);
    } finally {
      store.db = plain;
    }
  });
});
