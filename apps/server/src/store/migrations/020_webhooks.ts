import type { Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Outgoing webhooks (issue 16 item 1): the webhooks administrators set up, their delivery log (the
 * last 100 per webhook, with each delivery's payload so a retry or redelivery sends the same body
 * under the same id), and what each webhook last heard of a conversation's status and assignee, so
 * `conversation_status_changed` and `assignee_changed` are told apart from other updates. Each
 * webhook's worker is an outbox consumer named `webhook:<id>`.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const ms = 'bigint' as const;
  const withId = (name: string) => {
    const t = db.schema.createTable(name);
    return dialect === 'postgres' ? t.addColumn('id', 'serial', (c) => c.primaryKey()) : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  };

  await withId('webhooks')
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('events', 'text', (c) => c.notNull()) // JSON array of webhook event names
    .addColumn('include_internal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('secret', 'text', (c) => c.notNull()) // sealed (channels/secrets.ts): the whsec_ key signs each delivery
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('disabled_reason', 'text')
    .addColumn('failing_since', ms)
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await withId('webhook_deliveries')
    .addColumn('webhook_id', 'integer', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull()) // the webhook-id header
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'integer')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | succeeded | failed
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('response_code', 'integer')
    .addColumn('duration_ms', 'integer')
    .addColumn('error', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('last_attempt_at', ms)
    .addUniqueConstraint('webhook_deliveries_message', ['webhook_id', 'message_id'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_seq').on('webhook_deliveries').columns(['webhook_id', 'event_seq']).execute();

  await db.schema
    .createTable('webhook_conversations')
    .addColumn('webhook_id', 'integer', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('conversation_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'integer')
    .addPrimaryKeyConstraint('webhook_conversations_pk', ['webhook_id', 'conversation_id'])
    .execute();
}
