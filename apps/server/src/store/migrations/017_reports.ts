import { sql, type Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Reports (issue 15): one fact row per conversation, kept up to date in the transaction of every
 * conversation change (routing's `afterConversationChange`), and the agents' status intervals, so
 * figures never scan messages or events. Existing conversations get their facts from what the
 * conversation row already knows (created, resolved, first response, abandoned, callback).
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const ms = 'bigint' as const;
  const int = (name: string) => [name, 'integer'] as const;
  let t = db.schema
    .createTable('conversation_facts')
    .addColumn('conversation_id', 'integer', (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('queue_id', 'integer')
    .addColumn('agent_id', 'integer')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('inbox_id', 'integer')
    .addColumn('contact_id', 'integer');
  for (const name of ['linked', 'resolved', 'abandoned', 'callback', 'reopened', 'offers_declined', 'offers_timed_out', 'replies_due', 'replies_breached']) {
    t = t.addColumn(...int(name), (c) => c.notNull().defaultTo(0));
  }
  for (const name of ['first_response', 'resolution', 'handle', 'wrap_up', 'wait']) {
    t = t.addColumn(`${name}_ms`, ms);
  }
  await t.addColumn('handling_since', ms).addColumn('wrap_up_since', ms).execute();
  // Every report reads a range of arrivals, optionally of some queues or agents.
  await db.schema.createIndex('conversation_facts_created').on('conversation_facts').columns(['created_at']).execute();
  await db.schema.createIndex('conversation_facts_queue').on('conversation_facts').columns(['queue_id', 'created_at']).execute();
  await db.schema.createIndex('conversation_facts_agent').on('conversation_facts').columns(['agent_id', 'created_at']).execute();
  await db.schema.createIndex('conversation_facts_contact').on('conversation_facts').columns(['contact_id']).execute();

  const intervals = db.schema.createTable('agent_status_intervals');
  await (dialect === 'postgres' ? intervals.addColumn('id', 'serial', (c) => c.primaryKey()) : intervals.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', ms, (c) => c.notNull())
    .addColumn('ended_at', ms)
    .execute();
  await db.schema.createIndex('agent_status_intervals_user').on('agent_status_intervals').columns(['user_id', 'started_at']).execute();
  await db.schema.createIndex('agent_status_intervals_started').on('agent_status_intervals').columns(['started_at']).execute();

  await sql`
    insert into conversation_facts (conversation_id, created_at, queue_id, agent_id, channel, inbox_id, contact_id, linked, resolved, abandoned, callback, first_response_ms, resolution_ms)
    select id, created_at, queue_id, assignee_id, channel, inbox_id, contact_id,
      case when previous_conversation_id is null then 0 else 1 end,
      case when status = 'resolved' then 1 else 0 end,
      case when status = 'abandoned' then 1 else 0 end,
      case when status = 'callback' then 1 else 0 end,
      first_response_at - created_at,
      case when status = 'resolved' and resolved_at is not null then resolved_at - created_at end
    from conversations`.execute(db);
}
