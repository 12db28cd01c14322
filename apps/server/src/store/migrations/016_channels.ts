import type { Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Messaging channels (issue 13): WhatsApp, Telegram, Messenger/Instagram.
 * - `channel_webhooks`: every signed webhook body, stored raw before we answer 200, then processed
 *   (claimed by one node at a time, retried with backoff); `event_key` is the provider's delivery id
 *   when it has one (Telegram's update_id), so a redelivery is recognised before any work.
 * - `channel_messages`: our message ↔ the provider's id (wamid, mid, chat:message_id), both ways;
 *   for an outgoing one also the send's state, so a message is never sent twice.
 * - `whatsapp_templates`: the approved message templates synced from the business account.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const ms = 'bigint' as const;
  const withId = (name: string) => {
    const t = db.schema.createTable(name);
    return dialect === 'postgres' ? t.addColumn('id', 'serial', (c) => c.primaryKey()) : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  };

  await withId('channel_webhooks')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('inbox_id', 'integer', (c) => c.references('inboxes.id').onDelete('cascade'))
    .addColumn('event_key', 'text')
    .addColumn('raw', 'text', (c) => c.notNull())
    // received → processed | failed (kept with the reason; an administrator sees it on the inbox)
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ms, (c) => c.notNull())
    .addColumn('claimed_until', ms)
    .addColumn('error', 'text')
    .addColumn('received_at', ms, (c) => c.notNull())
    .addColumn('processed_at', ms)
    .addUniqueConstraint('channel_webhooks_event', ['inbox_id', 'event_key'])
    .execute();
  await db.schema.createIndex('channel_webhooks_due').on('channel_webhooks').columns(['state', 'next_attempt_at']).execute();

  await withId('channel_messages')
    .addColumn('inbox_id', 'integer', (c) => c.notNull().references('inboxes.id').onDelete('cascade'))
    .addColumn('direction', 'text', (c) => c.notNull()) // in | out
    .addColumn('provider_message_id', 'text')
    .addColumn('message_id', 'integer', (c) => c.references('messages.id').onDelete('cascade'))
    .addColumn('conversation_id', 'integer', (c) => c.references('conversations.id').onDelete('set null'))
    // out: pending (not tried) | sending (a call is or was in flight) | retry (the provider refused for now) | sent | failed
    .addColumn('state', 'text', (c) => c.notNull())
    // out: what to send instead of the text (a WhatsApp template with its parameters), JSON
    .addColumn('payload', 'text')
    // out: how many of the message's parts (text, each file) the provider has taken, so a retry sends only the rest
    .addColumn('parts_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addUniqueConstraint('channel_messages_provider', ['inbox_id', 'provider_message_id'])
    .addUniqueConstraint('channel_messages_message', ['message_id'])
    .execute();

  await withId('whatsapp_templates')
    .addColumn('inbox_id', 'integer', (c) => c.notNull().references('inboxes.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('parameters', 'integer', (c) => c.notNull())
    .addColumn('synced_at', ms, (c) => c.notNull())
    .addUniqueConstraint('whatsapp_templates_name', ['inbox_id', 'name', 'language'])
    .execute();
}
