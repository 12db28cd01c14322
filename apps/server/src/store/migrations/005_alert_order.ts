import type { Kysely } from 'kysely';

/**
 * Seed 003 alert order: a chat raised from a ticket is offered first to the ticket's agent. The
 * agent is written on the conversation when it opens, so the routing pass in the same transaction
 * already knows it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('preferred_agent_id', 'integer').execute();
}
