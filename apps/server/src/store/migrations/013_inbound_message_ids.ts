import type { Kysely } from 'kysely';

/**
 * Inbound de-duplication: a redelivered webhook is recognised by the provider's message id (stored
 * as `client_id`) among the messages of the customer it came from. Without this index that check
 * read every message of the table (12 ms at 100,000 messages); with it, one probe. Unique, so two
 * deliveries of one message racing on PostgreSQL cannot both be stored: the loser's unique violation
 * is retried by `store.transaction` and finds the winner's row. Agents' and system messages have no
 * contact (NULL), and NULLs never collide, so only customers' messages are constrained.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('messages_contact_client_id').unique().on('messages').columns(['sender_contact_id', 'client_id']).execute();
}
