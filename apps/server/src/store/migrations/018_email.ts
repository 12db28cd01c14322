import type { Kysely } from 'kysely';

/**
 * Email, second part (issue 12):
 * - `email_messages.text`: the email's whole plain text, so the thread can show the original one
 *   click away while the message itself carries only the new text (quoted history and signature
 *   folded away).
 * - `inbox_leases`: which node polls an inbox's IMAP mailbox. One node at a time cluster-wide, so
 *   two nodes never both IDLE on a mailbox and race to ingest the same message; a crashed node's
 *   lease runs out and another takes over.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const ms = 'bigint' as const; // epoch milliseconds
  await db.schema.alterTable('email_messages').addColumn('text', 'text').execute();
  await db.schema
    .createTable('inbox_leases')
    .addColumn('inbox_id', 'integer', (c) => c.primaryKey().references('inboxes.id').onDelete('cascade'))
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('lease_until', ms, (c) => c.notNull())
    .execute();
}
