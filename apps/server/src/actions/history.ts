import type { Viewer } from '@switchboard/core';
import type { CustomerHistory } from '@switchboard/protocol';
import type { Db } from '../store/db.ts';
import { visibleTo } from '../store/conversations.ts';
import { listTickets } from './tickets.ts';

/** How many of each a details panel lists: the newest, enough to see a pattern. */
const HISTORY_LIMIT = 50;

/**
 * A customer's conversations and tickets that the viewer may open, newest first: two indexed
 * queries (conversations_contact, tickets_contact), whatever the number of rows.
 */
export async function customerHistory(db: Db, viewer: Viewer, contactId: number): Promise<CustomerHistory> {
  const [conversations, tickets] = await Promise.all([
    db
      .selectFrom('conversations as c')
      .select(['c.id', 'c.channel', 'c.subject', 'c.status', 'c.previous_conversation_id', 'c.created_at', 'c.last_activity_at'])
      .where('c.contact_id', '=', contactId)
      .where((eb) => visibleTo(eb, viewer))
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(HISTORY_LIMIT)
      .execute(),
    listTickets(db, viewer, { contactId }),
  ]);
  return {
    conversations: conversations.map((c) => ({
      id: c.id,
      channel: c.channel as CustomerHistory['conversations'][number]['channel'],
      subject: c.subject,
      status: c.status as CustomerHistory['conversations'][number]['status'],
      previousConversationId: c.previous_conversation_id,
      createdAt: c.created_at,
      lastActivityAt: c.last_activity_at,
    })),
    tickets: tickets.slice(0, HISTORY_LIMIT).map((t) => ({ id: t.id, subject: t.subject, status: t.status, sourceConversationId: t.source_conversation_id, createdAt: t.created_at, updatedAt: t.updated_at })),
  };
}
