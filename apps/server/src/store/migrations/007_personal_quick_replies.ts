import type { Kysely } from 'kysely';

/**
 * Personal quick replies (seed 002's lightning bolt): a canned message with an owner is seen and
 * changed only by that user; one without (all rows so far) is shared and administered by admins.
 * Deleting a user takes their personal replies with them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('canned_messages')
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('canned_messages_owner').on('canned_messages').column('owner_id').execute();
}
