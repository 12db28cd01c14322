import type { Kysely } from 'kysely';

/**
 * Agent bots (issue 16 item 2). A bot is a user of kind `bot` (never a queue member, so routing
 * never offers it anything), with an API token of its own and an outgoing webhook (`webhooks.bot_id`)
 * that the ordinary webhook workers deliver, signed, for the conversations it holds. A queue whose
 * `bot_id` is set gives its new conversations to that bot first.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('kind', 'text', (c) => c.notNull().defaultTo('human')).execute();
  await db.schema.alterTable('queues').addColumn('bot_id', 'integer', (c) => c.references('users.id').onDelete('set null')).execute();
  await db.schema.alterTable('webhooks').addColumn('bot_id', 'integer', (c) => c.references('users.id').onDelete('cascade')).execute();
  await db.schema.createIndex('webhooks_bot').on('webhooks').column('bot_id').unique().execute();
}
