import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE, createQueue, createUser, customerWrites, startTestServer, tokenFor, type TestServer } from '../../../test/harness.ts';
import { customerMessageByClientId } from '../src/actions/messages.ts';

/**
 * Issue 10.8: recognising a redelivered webhook must not read the messages table. The check is one
 * probe of a unique index, and concurrent redeliveries still store the message once.
 */
let t: TestServer;
let adminToken: string;
let support: number;

beforeAll(async () => {
  t = await startTestServer();
  support = await createQueue(t, 'Support');
  adminToken = await tokenFor(t, (await createUser(t, 'admin', 'Ada Admin')).id);
});
afterAll(() => t.close());

describe('inbound de-duplication', () => {
  it('finds a redelivered message through the unique index, not a scan of the messages', async () => {
    const first = await customerWrites(t, adminToken, { externalId: 'idx-1', body: 'Parcel?', queueId: support, messageId: 'wamid.idx' });
    expect(first.status).toBe(201);
    const contactId: number = first.body.message.sender.id;
    const q = customerMessageByClientId(t.server.services.store.db, contactId, 'wamid.idx').compile();
    const db = t.server.services.store.db;
    let plan: string;
    if (ENGINE === 'postgres') {
      // Without seq scans allowed, a query no index can serve still shows a Seq Scan: so naming the
      // index proves it can be used, whatever this small table's statistics would prefer.
      plan = await db.transaction().execute(async (tx) => {
        await tx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
        const r = await tx.executeQuery<Record<string, string>>(CompiledQuery.raw(`explain ${q.sql}`, [...q.parameters]));
        return r.rows.map((row) => Object.values(row).join(' ')).join('\n');
      });
    } else {
      const r = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]));
      plan = r.rows.map((row) => row.detail).join('\n');
    }
    expect(plan).toMatch(/messages_contact_client_id/);
    expect(plan).not.toMatch(/Seq Scan|SCAN messages/);
  });

  it('stores twenty simultaneous deliveries of one provider message once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => customerWrites(t, adminToken, { externalId: 'idx-2', body: 'Same message', queueId: support, messageId: 'wamid.race' })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(19).fill(200), 201]);
    expect(new Set(answers.map((a) => a.body.message.id)).size).toBe(1);
  });
});
