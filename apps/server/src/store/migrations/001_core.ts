import { sql, type Kysely, type CreateTableBuilder } from 'kysely';

type AnyDb = Kysely<any>;
type Dialect = 'sqlite' | 'postgres';

/** Integer identity column that both engines fill in on insert. */
function withId<T extends string>(t: CreateTableBuilder<T, never>, dialect: Dialect, name = 'id') {
  return dialect === 'postgres'
    ? t.addColumn(name, 'serial', (c) => c.primaryKey())
    : t.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement());
}

export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  const ms = 'bigint' as const; // epoch milliseconds

  await withId(db.schema.createTable('users'), dialect)
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('offline'))
    .addColumn('capacity', 'integer')
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .execute();

  await withId(db.schema.createTable('api_tokens'), dialect)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('last_used_at', ms)
    .execute();

  await withId(db.schema.createTable('queues'), dialect)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('routing_mode', 'text', (c) => c.notNull().defaultTo('auto_assign'))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('queue_members')
    .addColumn('queue_id', 'integer', (c) => c.notNull().references('queues.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('queue_members_pk', ['queue_id', 'user_id'])
    .execute();
  await db.schema.createIndex('queue_members_user').on('queue_members').columns(['user_id']).execute();

  await withId(db.schema.createTable('contacts'), dialect)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contacts_email').on('contacts').expression(sql`lower(email)`).execute();
  await db.schema.createIndex('contacts_phone').on('contacts').columns(['phone']).execute();

  await db.schema
    .createTable('contact_identities')
    .addColumn('contact_id', 'integer', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_identities_pk', ['channel', 'external_id'])
    .execute();

  await withId(db.schema.createTable('tags'), dialect)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull().defaultTo('#64748b'))
    .addUniqueConstraint('tags_kind_name', ['kind', 'name'])
    .execute();

  await db.schema
    .createTable('contact_tags')
    .addColumn('contact_id', 'integer', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('tag_id', 'integer', (c) => c.notNull().references('tags.id').onDelete('cascade'))
    .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('contact_tags_pk', ['contact_id', 'tag_id'])
    .execute();
  await db.schema.createIndex('contact_tags_tag').on('contact_tags').columns(['tag_id']).execute();

  await withId(db.schema.createTable('labels'), dialect)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('color', 'text', (c) => c.notNull().defaultTo('#f59e0b'))
    .addColumn('builtin', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await withId(db.schema.createTable('conversations'), dialect)
    .addColumn('contact_id', 'integer', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('queue_id', 'integer', (c) => c.references('queues.id').onDelete('set null'))
    .addColumn('assignee_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull().defaultTo('normal'))
    .addColumn('previous_conversation_id', 'integer', (c) => c.references('conversations.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('first_response_at', ms)
    .addColumn('last_customer_message_at', ms)
    .addColumn('last_agent_message_at', ms)
    .addColumn('resolved_at', ms)
    .addColumn('resolution_note', 'text')
    .addColumn('last_message_id', 'integer')
    .addColumn('last_activity_at', ms, (c) => c.notNull())
    .execute();
  // The list query: "visible to me, newest activity first" filters by assignee or queue.
  await db.schema.createIndex('conversations_assignee_activity').on('conversations').columns(['assignee_id', 'last_activity_at']).execute();
  await db.schema.createIndex('conversations_queue_activity').on('conversations').columns(['queue_id', 'last_activity_at']).execute();
  await db.schema.createIndex('conversations_activity').on('conversations').columns(['last_activity_at']).execute();
  await db.schema.createIndex('conversations_contact').on('conversations').columns(['contact_id']).execute();
  await db.schema.createIndex('conversations_status').on('conversations').columns(['status', 'last_activity_at']).execute();

  await db.schema
    .createTable('conversation_tags')
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('tag_id', 'integer', (c) => c.notNull().references('tags.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('conversation_tags_pk', ['conversation_id', 'tag_id'])
    .execute();
  await db.schema.createIndex('conversation_tags_tag').on('conversation_tags').columns(['tag_id']).execute();

  await db.schema
    .createTable('conversation_labels')
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('label_id', 'integer', (c) => c.notNull().references('labels.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('conversation_labels_pk', ['conversation_id', 'label_id'])
    .execute();
  await db.schema.createIndex('conversation_labels_label').on('conversation_labels').columns(['label_id']).execute();

  await db.schema
    .createTable('conversation_participants')
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_participants_pk', ['conversation_id', 'user_id'])
    .execute();
  await db.schema.createIndex('conversation_participants_user').on('conversation_participants').columns(['user_id']).execute();

  await withId(db.schema.createTable('messages'), dialect)
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('sender_kind', 'text', (c) => c.notNull())
    .addColumn('sender_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('sender_contact_id', 'integer', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reply_to_id', 'integer')
    .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('system_event', 'text')
    .addColumn('client_id', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('messages_conversation').on('messages').columns(['conversation_id', 'id']).execute();
  // A client retrying a send with the same client id gets the stored message back, not a duplicate.
  await db.schema.createIndex('messages_client_id').unique().on('messages').columns(['conversation_id', 'client_id']).execute();

  await db.schema
    .createTable('conversation_reads')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('last_read_message_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('marked_unread', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('conversation_reads_pk', ['user_id', 'conversation_id'])
    .execute();

  await db.schema
    .createTable('drafts')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('drafts_pk', ['user_id', 'conversation_id'])
    .execute();

  // `id` is the insertion order; `seq` the delivery order, given once the row is committed (see
  // events/sequencer.ts), so a reader never sees a lower seq appear after a higher one.
  await withId(db.schema.createTable('events'), dialect)
    .addColumn('seq', 'integer', (c) => c.unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'integer')
    .addColumn('queue_id', 'integer')
    .addColumn('assignee_id', 'integer')
    .addColumn('participant_ids', 'text')
    .addColumn('user_id', 'integer')
    .addColumn('contact_id', 'integer')
    .addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('broadcast', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_at').on('events').columns(['at']).execute();
  await db.schema.createIndex('events_unsequenced').on('events').columns(['id']).where(sql.ref('seq'), 'is', null).execute();
}
