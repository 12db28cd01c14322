import crypto from 'node:crypto';
import pg from 'pg';
import { ENGINE } from '../../../../test/harness.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { insertUser } from '../../src/store/users.ts';
import { insertConversation } from '../../src/store/conversations.ts';

/**
 * A bare migrated database for a repository's contract test: SQLite in memory, or (DATABASE_URL set)
 * a PostgreSQL schema of its own, dropped on close. No server: the repository is the part under test.
 */
export async function openTestStore(): Promise<{ store: Store; close(): Promise<void> }> {
  const schema = `sbstore_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const store = await openStore(ENGINE === 'postgres' ? { databaseUrl: process.env.DATABASE_URL, pgSchema: schema } : { sqliteFile: ':memory:' });
  return {
    store,
    async close() {
      await store.close();
      if (ENGINE !== 'postgres') return;
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    },
  };
}

/** Rows other aggregates need to exist (foreign keys): a user, a contact, a conversation. */
export async function seedUser(store: Store, name = 'Ada'): Promise<number> {
  return insertUser(store.db, { email: `${name.toLowerCase()}-${crypto.randomBytes(3).toString('hex')}@example.test`, name, role: 'agent', passwordHash: 'x', now: 1 });
}

export async function seedContact(store: Store, name = 'Casey'): Promise<number> {
  const r = await store.db.insertInto('contacts').values({ name, email: null, phone: null, attributes: '{}', source: '{}', blocked: 0, created_at: 1, updated_at: 1 }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function seedConversation(store: Store, contactId?: number): Promise<number> {
  const contact = contactId ?? (await seedContact(store));
  const r = await store.transaction((tx) =>
    insertConversation(tx, {
      contact_id: contact,
      channel: 'web',
      subject: null,
      queue_id: null,
      assignee_id: null,
      status: 'queued',
      priority: 'normal',
      created_at: 1,
      updated_at: 1,
      first_response_at: null,
      last_customer_message_at: null,
      last_agent_message_at: null,
      resolved_at: null,
      resolution_note: null,
      last_message_id: null,
      last_activity_at: 1,
    }),
  );
  return r.id;
}
