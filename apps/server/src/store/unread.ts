import { sql } from 'kysely';
import type { Viewer } from '@switchboard/core';
import type { Db } from './db.ts';
import { visibleTo } from './conversations.ts';

/** Every status but resolved: named, so both engines find the rows through `conversations_status`. */
const UNRESOLVED = ['queued', 'active', 'pending', 'wrap_up', 'closed', 'abandoned', 'callback'] as const;

/**
 * The header's unread figure (issue 14, seen 9): over every unresolved conversation the user can
 * see (an administrator: all of them), so it matches the lists. Unread stays computed (customer
 * messages after the user's read marker, or their own flag); a conversation whose last message is
 * not after the marker is passed over before any message is counted, and the count itself reads
 * the `messages_conversation` index from the marker on.
 */
export function unreadSummaryQuery(db: Db, viewer: Viewer) {
  const perConversation = db
    .selectFrom('conversations as c')
    .leftJoin('conversation_reads as r', (j) => j.onRef('r.conversation_id', '=', 'c.id').on('r.user_id', '=', viewer.id))
    .select([
      (eb) => eb.fn.coalesce('r.marked_unread', sql.lit(0)).as('flagged'),
      (eb) =>
        eb
          .selectFrom('messages as m')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('m.conversation_id', '=', 'c.id')
          .where('m.id', '>', eb.fn.coalesce('r.last_read_message_id', sql.lit(0)))
          // A literal, so both engines read the partial index messages_customer (migration 023).
          .where('m.sender_kind', '=', sql.lit('customer'))
          .as('unread'),
    ])
    .where('c.status', 'in', [...UNRESOLVED])
    .where((eb) =>
      eb.and([
        visibleTo(eb, viewer),
        eb.or([eb('c.last_message_id', '>', eb.fn.coalesce('r.last_read_message_id', sql.lit(0))), eb('r.marked_unread', '=', 1)]),
      ]),
    );
  return db
    .selectFrom(perConversation.as('u'))
    .select([
      sql<number | string | null>`sum(case when u.unread > 0 or u.flagged = 1 then 1 else 0 end)`.as('conversations'),
      sql<number | string | null>`sum(u.unread)`.as('messages'),
    ]);
}

export async function unreadSummary(db: Db, viewer: Viewer): Promise<{ conversations: number; messages: number }> {
  const row = await unreadSummaryQuery(db, viewer).executeTakeFirst();
  return { conversations: Number(row?.conversations ?? 0), messages: Number(row?.messages ?? 0) };
}
