import type { Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Inboxes: one row per channel instance an administrator set up (an email address, a WhatsApp
 * number, a Telegram bot…), with the queue it feeds, its settings and its encrypted secrets.
 * A conversation remembers the inbox it came in by. Email keeps one row per message it received or
 * sent (the RFC Message-ID, the raw file, the thread it belongs to), and IMAP its place per mailbox.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const ms = 'bigint' as const;
  const withId = (name: string) => {
    const t = db.schema.createTable(name);
    return dialect === 'postgres' ? t.addColumn('id', 'serial', (c) => c.primaryKey()) : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  };

  await withId('inboxes')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('queue_id', 'integer', (c) => c.references('queues.id').onDelete('set null'))
    // The address customers write to (email), or the provider's account id (phone number id, page, bot).
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    // AES-256-GCM of a JSON object (see channels/secrets.ts); never sent to a client.
    .addColumn('secrets', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addUniqueConstraint('inboxes_channel_address', ['channel', 'address'])
    .execute();

  await db.schema.alterTable('conversations').addColumn('inbox_id', 'integer', (c) => c.references('inboxes.id').onDelete('set null')).execute();

  await withId('email_messages')
    .addColumn('inbox_id', 'integer', (c) => c.notNull().references('inboxes.id').onDelete('cascade'))
    .addColumn('direction', 'text', (c) => c.notNull()) // in | out
    .addColumn('rfc_message_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'integer', (c) => c.references('conversations.id').onDelete('set null'))
    .addColumn('message_id', 'integer', (c) => c.references('messages.id').onDelete('set null'))
    // received → stored (a conversation message exists) | failed (kept, with the reason); out: sent.
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('raw_path', 'text')
    .addColumn('subject', 'text')
    .addColumn('from_address', 'text')
    .addColumn('cc', 'text') // JSON array, shown, never written to
    .addColumn('html', 'text') // sanitized on ingest
    .addColumn('error', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addUniqueConstraint('email_messages_rfc', ['inbox_id', 'rfc_message_id'])
    .execute();
  await db.schema.createIndex('email_messages_message').on('email_messages').columns(['message_id']).execute();
  await db.schema.createIndex('email_messages_state').on('email_messages').columns(['state', 'id']).execute();

  await db.schema
    .createTable('imap_state')
    .addColumn('inbox_id', 'integer', (c) => c.primaryKey().references('inboxes.id').onDelete('cascade'))
    .addColumn('uid_validity', 'text', (c) => c.notNull())
    .addColumn('last_uid', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
}
