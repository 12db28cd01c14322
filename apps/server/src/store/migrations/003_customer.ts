import type { Kysely } from 'kysely';

type AnyDb = Kysely<any>;
type Dialect = 'sqlite' | 'postgres';

/**
 * The customer side (issue 3, seed 003): widget settings (office hours, identity verification),
 * visitor sessions (tokens stored hashed), chat requests (origin, callback details, completion),
 * tickets with notes and attached files, session notes, and uploads from the widget.
 */
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  const ms = 'bigint' as const;
  const id = dialect === 'postgres' ? ('serial' as const) : ('integer' as const);
  const pk = (c: any) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());
  const bytes = dialect === 'postgres' ? ('bytea' as const) : ('blob' as const);

  await db.schema
    .createTable('widget_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('visitor_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'integer', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('last_seen_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('visitor_sessions_contact').on('visitor_sessions').columns(['contact_id']).execute();

  await db.schema
    .createTable('tickets')
    .addColumn('id', id, pk)
    .addColumn('contact_id', 'integer', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('queue_id', 'integer', (c) => c.references('queues.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source_conversation_id', 'integer', (c) => c.references('conversations.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tickets_contact').on('tickets').columns(['contact_id', 'updated_at']).execute();
  await db.schema.createIndex('tickets_assignee').on('tickets').columns(['assignee_id', 'updated_at']).execute();

  await db.schema
    .createTable('ticket_notes')
    .addColumn('id', id, pk)
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('author_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('author_contact_id', 'integer', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ticket_notes_ticket').on('ticket_notes').columns(['ticket_id', 'id']).execute();

  // Files: widget uploads (attachments) and chat logs attached to tickets. Addressed by an unguessable key.
  await db.schema
    .createTable('files')
    .addColumn('id', id, pk)
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addColumn('contact_id', 'integer', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('ticket_id', 'integer', (c) => c.references('tickets.id').onDelete('cascade'))
    .addColumn('conversation_id', 'integer', (c) => c.references('conversations.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  // A chat log is attached to a ticket once, however many paths end the chat.
  await db.schema.createIndex('files_ticket_conversation').unique().on('files').columns(['ticket_id', 'conversation_id']).execute();

  // Seed 003 chat requests: where the chat came from, the callback asked for, how it was completed.
  await db.schema
    .createTable('chat_requests')
    .addColumn('conversation_id', 'integer', (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'integer', (c) => c.references('tickets.id').onDelete('set null'))
    .addColumn('callback_phone', 'text')
    .addColumn('callback_time', 'text')
    .addColumn('callback_requested_at', ms)
    .addColumn('completed_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('completed_at', ms)
    .addColumn('ended_with', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chat_requests_ticket').on('chat_requests').columns(['ticket_id']).execute();

  // Notes on a (completed) chat session, added and edited later (seed 003).
  await db.schema
    .createTable('session_notes')
    .addColumn('id', id, pk)
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('session_notes_conversation').on('session_notes').columns(['conversation_id']).execute();
}
