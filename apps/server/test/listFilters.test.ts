import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ENGINE, createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';

/**
 * Seed 002's "filter by bots" and seed 003's abandoned / callback chat requests in the list:
 * filters combine with AND, and none of them shows a conversation its viewer may not see.
 */
let t: TestServer;
let adminToken: string;
let admin: Caller;
let insider: Caller;
let outsider: Caller;
let billing: number;
let sales: number;
const ids: Record<string, number> = {};

/** A bot's message, written as a bot integration would leave it (test setup, straight into the store). */
async function botSays(conversationId: number, body: string) {
  await t.server.services.store.db
    .insertInto('messages')
    .values({
      conversation_id: conversationId,
      sender_kind: 'bot',
      sender_user_id: null,
      sender_contact_id: null,
      body,
      internal: 0,
      reply_to_id: null,
      attachments: '[]',
      status: 'sent',
      failure_reason: null,
      system_event: null,
      client_id: null,
      created_at: t.clock.now(),
    })
    .execute();
}

async function listed(caller: Caller, query: string): Promise<number[]> {
  const res = await caller.api('GET', `/api/v1/conversations?${query}`);
  expect(res.status).toBe(200);
  return (res.body.items as Array<{ id: number }>).map((c) => c.id).sort((a, b) => a - b);
}

beforeAll(async () => {
  t = await startTestServer();
  billing = await createQueue(t, 'Billing');
  sales = await createQueue(t, 'Sales');
  const root = await createUser(t, 'admin', 'Root');
  adminToken = await tokenFor(t, root.id);
  admin = await signIn(t, root);
  insider = await signIn(t, await createUser(t, 'agent', 'Inside Agent', [billing]));
  outsider = await signIn(t, await createUser(t, 'agent', 'Outside Agent', [sales]));
  for (const [key, queueId] of [['billingBot', billing], ['billingPlain', billing], ['salesBot', sales]] as const) {
    ids[key] = (await customerWrites(t, adminToken, { externalId: `lf-${key}`, name: `Customer ${key}`, body: 'Hello', queueId })).body.conversationId;
  }
  await botSays(ids.billingBot!, 'Hi, I am the billing bot.');
  await botSays(ids.salesBot!, 'Hi, I am the sales bot.');
});
afterAll(() => t.close());

describe('query-string flags', () => {
  it('reads unread=false as false: read conversations are listed too', async () => {
    const all = await listed(admin, 'view=all');
    expect(all).toEqual([ids.billingBot, ids.billingPlain, ids.salesBot].sort((a, b) => a! - b!));
    expect((await admin.api('POST', `/api/v1/conversations/${ids.billingPlain}/read`)).status).toBe(200);
    expect(await listed(admin, 'unread=true')).not.toContain(ids.billingPlain);
    expect(await listed(admin, 'unread=false')).toEqual(all);
    expect(await listed(admin, 'unread=0')).toEqual(all);
  });

  it('reads noCustomerTags=false and pinnedCustomerTags=false as false, and refuses other words', async () => {
    const all = await listed(admin, 'view=all');
    expect(await listed(admin, 'noCustomerTags=false&pinnedCustomerTags=false')).toEqual(all);
    for (const flag of ['unread', 'noCustomerTags', 'pinnedCustomerTags']) {
      const res = await admin.api('GET', `/api/v1/conversations?${flag}=no`);
      expect(res.status, flag).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});

describe('the bot filter', () => {
  it('lists only conversations a bot took part in, or only those without one', async () => {
    expect(await listed(admin, 'bot=true')).toEqual([ids.billingBot, ids.salesBot]);
    expect(await listed(admin, 'bot=false')).toEqual([ids.billingPlain]);
    // Combined with AND: the queue filter narrows the bot's conversations to one queue.
    expect(await listed(admin, `bot=true&queueId=${sales}`)).toEqual([ids.salesBot]);
    expect(await listed(admin, `bot=true&sort=processing_order`)).toEqual([ids.billingBot, ids.salesBot]);
  });

  it('never shows an agent a bot conversation outside their queues', async () => {
    expect(await listed(insider, 'bot=true')).toEqual([ids.billingBot]);
    expect(await listed(outsider, 'bot=true')).toEqual([ids.salesBot]);
    expect(await listed(outsider, `bot=true&queueId=${billing}`)).toEqual([]);
    expect(await listed(outsider, 'bot=true&q=billing bot')).toEqual([]);
  });

  it('rejects a flag that is not true or false', async () => {
    const res = await admin.api('GET', '/api/v1/conversations?bot=maybe');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('finds the bot’s messages through the partial index, not by reading every message', async () => {
    const db = t.server.services.store.db;
    const probe = sql`select c.id from conversations c where exists (select b.id from messages b where b.conversation_id = c.id and b.sender_kind = 'bot')`;
    if (ENGINE === 'sqlite') {
      const plan = await sql<{ detail: string }>`explain query plan ${probe}`.execute(db);
      expect(plan.rows.map((r) => r.detail).join('\n')).toContain('messages_bot');
    } else {
      const plan = await sql<{ 'QUERY PLAN': string }>`explain ${probe}`.execute(db).catch(() => null);
      // PostgreSQL picks by statistics, which a tiny table does not have; the index must exist all the same.
      expect(plan).not.toBeNull();
      const idx = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = 'messages_bot' and schemaname = current_schema()`.execute(db);
      expect(idx.rows[0]?.indexdef).toMatch(/WHERE \(sender_kind = 'bot'::text\)/);
    }
  });
});

describe('abandoned and callback chat requests (seed 003)', () => {
  it('lists requests the customer left in the abandoned view and callback requests in the callback view', async () => {
    const left = (await customerWrites(t, adminToken, { externalId: 'lf-left', name: 'Leaving Customer', body: 'Anyone?', queueId: billing })).body.conversationId;
    const calling = (await customerWrites(t, adminToken, { externalId: 'lf-call', name: 'Calling Customer', body: 'Call me', queueId: billing })).body.conversationId;
    const elsewhere = (await customerWrites(t, adminToken, { externalId: 'lf-else', name: 'Sales Customer', body: 'Hello?', queueId: sales })).body.conversationId;
    const contactOf = async (id: number) => (await admin.api('GET', `/api/v1/conversations/${id}`)).body.contact.id;
    expect((await admin.api('POST', `/api/v1/inbound/conversations/${left}/leave`, { contactId: await contactOf(left) })).status).toBe(200);
    expect((await admin.api('POST', `/api/v1/inbound/conversations/${elsewhere}/leave`, { contactId: await contactOf(elsewhere) })).status).toBe(200);
    expect((await admin.api('POST', `/api/v1/inbound/conversations/${calling}/request-callback`, { contactId: await contactOf(calling) })).status).toBe(200);

    expect(await listed(insider, 'view=abandoned')).toEqual([left]);
    expect(await listed(insider, 'view=callback')).toEqual([calling]);
    expect(await listed(outsider, 'view=abandoned')).toEqual([elsewhere]);
    expect(await listed(outsider, 'view=callback')).toEqual([]);
    expect(await listed(admin, 'view=abandoned')).toEqual([left, elsewhere].sort((a, b) => a - b));
  });
});
