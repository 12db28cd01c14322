import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createQueue, createUser, customerWrites, signIn, startTestServer, tokenFor, type Caller, type TestServer } from '../../../test/harness.ts';
import { FROM_INDEX_LIMIT } from '../src/store/search.ts';

/**
 * Issue 18: the list's search is answered from trigram indexes (SQLite FTS5, PostgreSQL pg_trgm),
 * kept in step with the rows they index, and means what it meant before: a case-insensitive
 * substring of a message, the subject, the contact's name, email or phone digits, or #id — among
 * the conversations the viewer may see.
 */
let t: TestServer;
let admin: Caller;
let adminToken: string;
let mark: Caller;
let outsider: Caller;
let support: number;
let sales: number;

beforeAll(async () => {
  t = await startTestServer({ listen: true });
  support = await createQueue(t, 'Support');
  sales = await createQueue(t, 'Sales');
  const a = await createUser(t, 'admin', 'Ada Admin');
  admin = await signIn(t, a);
  adminToken = await tokenFor(t, a.id);
  mark = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [support]));
  outsider = await signIn(t, await createUser(t, 'agent', 'Olga Outside', [sales]));
});
afterAll(() => t.close());

const find = async (who: Caller, q: string) => (await who.api('GET', `/api/v1/conversations?limit=200&q=${encodeURIComponent(q)}`)).body.items.map((c: any) => c.id);

async function writeIn(ext: string, name: string, body: string, queueId = support) {
  const r = await customerWrites(t, adminToken, { externalId: ext, name, body, queueId });
  expect(r.status).toBe(201);
  return { id: r.body.conversationId as number, contactId: r.body.message.sender.id as number };
}

describe('search', () => {
  it('finds a substring of a message anywhere, in any case, and a message written later', async () => {
    const { id } = await writeIn('s-1', 'Ivo Stone', 'Parcel ORD-774411 never came');
    expect(await find(admin, 'ord-7744')).toEqual([id]);
    expect(await find(admin, 'RDER')).toEqual([]);
    expect(await find(admin, '774411 NEVER')).toEqual([id]);
    await mark.api('POST', `/api/v1/conversations/${id}/messages`, { body: 'Looking into the zeppelin shipment now', internal: true });
    expect(await find(admin, 'zeppelin')).toEqual([id]);
    expect(await find(admin, 'ppel')).toEqual([id]);
  });

  it('finds by name, email, phone digits, subject and #id, and by a contact’s new name only', async () => {
    const { id, contactId } = await writeIn('s-2', 'Quentin Marlowe', 'Hello');
    await admin.api('PATCH', `/api/v1/contacts/${contactId}`, { email: 'qm@harbour.example', phone: '+44 (20) 7946-1234' });
    await admin.api('PATCH', `/api/v1/conversations/${id}`, { subject: 'Refund for the blue kettle' });
    expect(await find(admin, 'marlow')).toEqual([id]);
    expect(await find(admin, 'QM@HARBOUR')).toEqual([id]);
    expect(await find(admin, '79461234')).toEqual([id]);
    expect(await find(admin, '020 7946 1234')).toEqual([]); // the leading 0 is not in the number
    expect(await find(admin, '20 7946-1234')).toEqual([id]);
    expect(await find(admin, 'blue kettle')).toEqual([id]);
    expect(await find(admin, `#${id}`)).toContain(id);
    await admin.api('PATCH', `/api/v1/contacts/${contactId}`, { name: 'Quentin Vale' });
    expect(await find(admin, 'marlowe')).toEqual([]);
    expect(await find(admin, 'vale')).toEqual([id]);
  });

  it('takes LIKE’s wildcards and FTS syntax literally, and short texts still match', async () => {
    const { id } = await writeIn('s-3', 'Pat Ok', 'Discount 100%_off "quoted" AND NOT this');
    expect(await find(admin, '100%_off')).toEqual([id]);
    expect(await find(admin, '0%_')).toEqual([id]);
    expect(await find(admin, '1%0')).toEqual([]);
    expect(await find(admin, '"quoted" AND')).toEqual([id]);
    expect(await find(admin, 'NOT this')).toEqual([id]);
    expect(await find(admin, 'Ok')).toContain(id);
  });

  it('finds only what the viewer may see', async () => {
    const mine = await writeIn('s-4', 'Greta Visible', 'walrus invoice 5521', support);
    const theirs = await writeIn('s-5', 'Hugo Hidden', 'walrus invoice 5522', sales);
    expect((await find(admin, 'walrus invoice')).sort()).toEqual([mine.id, theirs.id].sort());
    expect(await find(mark, 'walrus invoice')).toEqual([mine.id]);
    expect(await find(mark, 'Hugo Hidden')).toEqual([]);
    expect(await find(mark, `#${theirs.id}`)).toEqual([]);
    expect(await find(outsider, 'walrus')).toEqual([theirs.id]);
    // Assigned to someone else, the queue's unassigned conversation leaves an agent's sight.
    await admin.api('POST', `/api/v1/conversations/${mine.id}/reassign`, { assigneeId: outsider.id });
    expect(await find(mark, 'walrus')).toEqual([]);
    expect((await find(outsider, 'walrus')).sort()).toEqual([mine.id, theirs.id].sort());
  });

  it('answers a term in more messages than the index hands over the same way, newest activity first', async () => {
    const a = await writeIn('s-6', 'Common One', 'the gizmo broke');
    const b = await writeIn('s-7', 'Common Two', 'my gizmo too');
    // Enough matching messages that the search walks the list instead of collecting every match.
    const db = t.server.services.store.db;
    const n = FROM_INDEX_LIMIT + 10;
    await sql`insert into messages (conversation_id, sender_kind, body, internal, attachments, status, created_at)
      select ${sql.lit(a.id)}, 'agent', 'gizmo note ' || x, 1, '[]', 'sent', ${sql.lit(t.clock.now())} from (with recursive s(x) as (select 1 union all select x + 1 from s where x < ${n}) select x from s) g`.execute(db);
    expect(await find(admin, 'gizmo')).toEqual([b.id, a.id]);
    expect(await find(admin, 'gizmo note 1005')).toEqual([a.id]);
    expect(await find(outsider, 'gizmo')).toEqual([]);
  });
});
