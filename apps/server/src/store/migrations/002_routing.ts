import { sql, type Kysely } from 'kysely';

type AnyDb = Kysely<any>;
type Dialect = 'sqlite' | 'postgres';

/**
 * Routing: offers, durable timers, the queues an agent serves now, round-robin order and the reply
 * deadline used to sort by processing order (seed 002).
 */
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  const ms = 'bigint' as const;
  const id = dialect === 'postgres' ? ('serial' as const) : ('integer' as const);

  await db.schema
    .createTable('offers')
    .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .addColumn('answered_at', ms)
    .execute();
  // A conversation is never offered to two agents at once: the database refuses a second open offer.
  await sql`create unique index offers_one_open on offers (conversation_id) where status = 'offered'`.execute(db);
  await db.schema.createIndex('offers_user_status').on('offers').columns(['user_id', 'status']).execute();
  await db.schema.createIndex('offers_conversation').on('offers').columns(['conversation_id', 'user_id']).execute();

  await db.schema
    .createTable('timers')
    .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    // kind:conversation:user — one timer of a kind per conversation (and user), rescheduled in place.
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'integer', (c) => c.references('conversations.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('data', 'text')
    .addColumn('due_at', ms, (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', ms, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('timers_due').on('timers').columns(['due_at']).execute();
  await db.schema.createIndex('timers_conversation').on('timers').columns(['conversation_id']).execute();

  await db.schema.alterTable('queue_members').addColumn('serving', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('users').addColumn('last_routed_at', ms).execute();
  await db.schema.alterTable('conversations').addColumn('reply_due_at', ms).execute();
  await db.schema.alterTable('conversations').addColumn('queued_at', ms).execute();
  await db.schema.createIndex('conversations_reply_due').on('conversations').columns(['reply_due_at']).execute();
  // The waiting line of a queue, one priority at a time, oldest first (and queue counts by status).
  await db.schema.createIndex('conversations_waiting').on('conversations').columns(['queue_id', 'status', 'priority', 'queued_at']).execute();
}
