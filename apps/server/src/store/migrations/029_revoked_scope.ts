import { sql, type Kysely } from 'kysely';

/**
 * One `conversation.revoked` per change instead of one per user who lost sight (issue 18). When a
 * colleague takes a waiting conversation, every other member of its queue loses it: 199 event rows
 * per accept in a 200-agent queue, each numbered, stored and judged for every socket. The event
 * now carries the audience scope before the change too (`revoked_from`, JSON), and the gateway
 * sends it to whoever could see the conversation then and cannot now (core `agentMayReceive`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table events add column revoked_from text`.execute(db);
}
