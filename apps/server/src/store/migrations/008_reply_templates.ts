import type { Kysely } from 'kysely';

/**
 * Reply templates (seed 001's Reply Template button; seed 004's pre-approved WhatsApp templates):
 * a shared canned message an administrator marked as a template. Only templates may be sent on
 * WhatsApp once the customer's 24-hour window has closed, and the server sends their text itself.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('canned_messages')
    .addColumn('template', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
