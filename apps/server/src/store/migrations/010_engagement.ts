import { sql, type Kysely } from 'kysely';

type AnyDb = Kysely<any>;

/**
 * Seed 000: assign and discuss requests, their step history (the Engagement Tracking Record) and
 * the private discussion's messages. The request row holds the current state for filtering; the
 * steps are only ever appended, so the record is its own audit trail.
 */
export async function up(db: AnyDb, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const ms = 'bigint' as const;
  const id = dialect === 'postgres' ? ('serial' as const) : ('integer' as const);
  const pk = (c: any) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('engagement_requests')
    .addColumn('id', id, pk)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    // The queue when the request was sent: who manages it may read the record later.
    .addColumn('queue_id', 'integer', (c) => c.references('queues.id').onDelete('set null'))
    .addColumn('initiator_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('recipient_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('recipient_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('resolved', 'integer')
    .addColumn('end_cause', 'text')
    .addColumn('requested_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .addColumn('answered_at', ms)
    .addColumn('ended_at', ms)
    .execute();
  // The database holds the rules too: one pending assign request per conversation, one open
  // discussion (pending or active) per consultant per conversation.
  await sql`create unique index engagement_one_pending_assign on engagement_requests (conversation_id) where type = 'assign' and status = 'pending'`.execute(db);
  await sql`create unique index engagement_one_open_discuss on engagement_requests (conversation_id, recipient_id) where type = 'discuss' and status in ('pending', 'accepted')`.execute(db);
  await db.schema.createIndex('engagement_requests_conversation').on('engagement_requests').columns(['conversation_id', 'id']).execute();
  await db.schema.createIndex('engagement_requests_recipient').on('engagement_requests').columns(['recipient_id', 'status']).execute();
  await db.schema.createIndex('engagement_requests_initiator').on('engagement_requests').columns(['initiator_id', 'status']).execute();
  await db.schema.createIndex('engagement_requests_requested').on('engagement_requests').columns(['requested_at', 'id']).execute();

  await db.schema
    .createTable('engagement_steps')
    .addColumn('id', id, pk)
    .addColumn('request_id', 'integer', (c) => c.notNull().references('engagement_requests.id').onDelete('cascade'))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('by_user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('reason', 'text')
    .addColumn('resolved', 'integer')
    .addColumn('end_cause', 'text')
    .addColumn('at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('engagement_steps_request').on('engagement_steps').columns(['request_id', 'id']).execute();

  await db.schema
    .createTable('discussion_messages')
    .addColumn('id', id, pk)
    .addColumn('request_id', 'integer', (c) => c.notNull().references('engagement_requests.id').onDelete('cascade'))
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('sender_user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('client_id', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('discussion_messages_request').on('discussion_messages').columns(['request_id', 'id']).execute();
  await sql`create unique index discussion_messages_client on discussion_messages (request_id, sender_user_id, client_id) where client_id is not null`.execute(db);
}
