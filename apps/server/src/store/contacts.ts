import type { ConversationScope, Viewer } from '@switchboard/core';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Db, Tx } from './db.ts';
import type { Database } from './schema.ts';
import { visibleTo } from './conversations.ts';

/**
 * The conversations a contact is reachable through, as the core's contact rule (`canSeeContact`,
 * `canChangeContact`) asks them: two indexed reads, whatever the number of conversations.
 */
export async function contactReach(db: Db | Tx, contactId: number): Promise<ConversationScope[]> {
  const rows = await db.selectFrom('conversations').select(['id', 'queue_id', 'assignee_id']).where('contact_id', '=', contactId).execute();
  if (!rows.length) return [];
  const parts = await db.selectFrom('conversation_participants').select(['conversation_id', 'user_id']).where('conversation_id', 'in', rows.map((r) => r.id)).execute();
  return rows.map((r) => ({ queueId: r.queue_id, assigneeId: r.assignee_id, participantIds: parts.filter((p) => p.conversation_id === r.id).map((p) => p.user_id) }));
}

type KEB = ExpressionBuilder<Database, 'contacts'>;

/** The rule of core `canSeeContact` as SQL over `contacts`, for those who may not browse all (`canBrowseContacts`). */
export function contactVisibleTo(eb: KEB, viewer: Viewer): Expression<SqlBool> {
  return eb.exists(
    eb
      .selectFrom('conversations as c')
      .select('c.id')
      .whereRef('c.contact_id', '=', 'contacts.id')
      .where((inner) => visibleTo(inner as never, viewer)),
  );
}
