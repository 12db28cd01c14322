import type { Kysely } from 'kysely';

/**
 * Issue 9 (security):
 * - `stream_tickets`: one-time, short-lived tickets a signed-in client trades for a stream socket, so
 *   no lasting secret travels in a WebSocket URL (and into access logs). `credential` names what the
 *   ticket was issued on (`session:<hash>`, `token:<id>` or `visitor:<hash>`), so ending that
 *   credential ends the socket too.
 * - `users.must_change_password`: set by an administrator's reset; the user must choose a new one
 *   before anything else. `users.browse_contacts`: the admin-granted right to read every contact.
 * - `sessions.last_seen_at`: for the idle timeout.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('stream_tickets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('credential', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('users').addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('users').addColumn('browse_contacts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sessions').addColumn('last_seen_at', 'bigint').execute();
}
