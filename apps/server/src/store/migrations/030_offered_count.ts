import { sql, type Kysely } from 'kysely';

/**
 * A queue's open offers counted from the `on_offer` mark (028) instead of by walking every open
 * offer and joining it to its conversation (issue 18): every routing pass announces the counts,
 * and with 5,000 open offers the walk cost 28 ms a pass on PostgreSQL. The index holds only the
 * conversations on offer, so the count reads just the queue's own.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index conversations_on_offer on conversations (queue_id) where on_offer = 1`.execute(db);
}
