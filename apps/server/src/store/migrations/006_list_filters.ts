import { sql, type Kysely } from 'kysely';

/**
 * Seed 002's "filter by bots": a small partial index of the messages bots sent, so the list's
 * `EXISTS (… sender_kind = 'bot')` is one index probe per conversation, not a scan of its history.
 * The list query writes 'bot' as a literal so both engines can match it to this index.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('messages_bot')
    .on('messages')
    .column('conversation_id')
    .where(sql.ref('sender_kind'), '=', sql.lit('bot'))
    .execute();
}
