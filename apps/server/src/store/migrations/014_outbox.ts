import type { Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * The outbox consumer (events/outbox/): one cursor row per named consumer, leased by one node at a
 * time, and the deliveries that could not be handled on the first try (retrying, waiting behind an
 * earlier failure of the same key, or dead). Events handled at once never get a delivery row.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const ms = 'bigint' as const; // epoch milliseconds
  await db.schema
    .createTable('outbox_cursors')
    .addColumn('consumer', 'text', (c) => c.primaryKey())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', ms, (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  const deliveries = db.schema.createTable('outbox_deliveries');
  await (dialect === 'postgres' ? deliveries.addColumn('id', 'serial', (c) => c.primaryKey()) : deliveries.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()))
    .addColumn('consumer', 'text', (c) => c.notNull().references('outbox_cursors.consumer').onDelete('cascade'))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    // Items of one key are handled in seq order; other keys never wait for it.
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // retry | waiting | dead
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ms, (c) => c.notNull().defaultTo(0))
    .addColumn('first_failed_at', ms)
    .addColumn('last_error', 'text')
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addUniqueConstraint('outbox_deliveries_item', ['consumer', 'seq'])
    .execute();
  await db.schema.createIndex('outbox_deliveries_due').on('outbox_deliveries').columns(['consumer', 'state', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_deliveries_key').on('outbox_deliveries').columns(['consumer', 'key', 'seq']).execute();
}
