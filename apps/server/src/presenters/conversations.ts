import type { Conversation, ConversationCore } from '@switchboard/protocol';
import type { Db, Tx } from '../store/db.ts';
import type { ConversationRow } from '../store/conversations.ts';
import { contactTagsFor, presentContactSummary } from './contacts.ts';
import { loadSenderNames, presentMessage } from './messages.ts';
import { sensitiveTextCheck } from '../composer/draftCheck.ts';

type Named = { id: number; name: string; color: string };

async function namedByConversation(
  db: Db | Tx,
  ids: number[],
  kind: 'labels' | 'tags',
): Promise<Map<number, Named[]>> {
  const out = new Map<number, Named[]>();
  if (!ids.length) return out;
  const rows =
    kind === 'labels'
      ? await db
          .selectFrom('conversation_labels as x')
          .innerJoin('labels as n', 'n.id', 'x.label_id')
          .select(['x.conversation_id', 'n.id', 'n.name', 'n.color'])
          .where('x.conversation_id', 'in', ids)
          .orderBy('n.name')
          .execute()
      : await db
          .selectFrom('conversation_tags as x')
          .innerJoin('tags as n', 'n.id', 'x.tag_id')
          .select(['x.conversation_id', 'n.id', 'n.name', 'n.color'])
          .where('x.conversation_id', 'in', ids)
          .orderBy('n.name')
          .execute();
  for (const r of rows) {
    const list = out.get(r.conversation_id) ?? [];
    list.push({ id: r.id, name: r.name, color: r.color });
    out.set(r.conversation_id, list);
  }
  return out;
}

/**
 * The shared part of many conversations in a fixed number of queries (contacts, pinned tags, labels,
 * tags, last messages, sender names), whatever the page size.
 */
export async function presentConversationCores(db: Db | Tx, rows: ConversationRow[]): Promise<ConversationCore[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const contactIds = [...new Set(rows.map((r) => r.contact_id).filter((x): x is number => x != null))];
  const lastIds = rows.map((r) => r.last_message_id).filter((x): x is number => x != null);
  const inboxIds = [...new Set(rows.map((r) => r.inbox_id).filter((x): x is number => x != null))];
  const [contacts, pinned, labels, tags, lastMessages, inboxes] = await Promise.all([
    contactIds.length ? db.selectFrom('contacts').selectAll().where('id', 'in', contactIds).execute() : [],
    contactTagsFor(db, contactIds, true),
    namedByConversation(db, ids, 'labels'),
    namedByConversation(db, ids, 'tags'),
    lastIds.length ? db.selectFrom('messages').selectAll().where('id', 'in', lastIds).execute() : [],
    // Only conversations that came in by an inbox cost this query.
    inboxIds.length ? db.selectFrom('inboxes').select(['id', 'name']).where('id', 'in', inboxIds).execute() : [],
  ]);
  const inboxById = new Map(inboxes.map((i) => [i.id, i]));
  const names = await loadSenderNames(db, lastMessages);
  const contactById = new Map(contacts.map((c) => [c.id, c]));
  const messageById = new Map(lastMessages.map((m) => [m.id, m]));
  return rows.map((r) => {
    const contact = r.contact_id != null ? contactById.get(r.contact_id) : undefined;
    const last = r.last_message_id != null ? messageById.get(r.last_message_id) : undefined;
    return {
      id: r.id,
      contact: contact ? presentContactSummary(contact, pinned.get(contact.id) ?? []) : null,
      channel: r.channel as ConversationCore['channel'],
      inbox: r.inbox_id != null ? (inboxById.get(r.inbox_id) ?? null) : null,
      subject: r.subject,
      queueId: r.queue_id,
      assigneeId: r.assignee_id,
      status: r.status as ConversationCore['status'],
      priority: r.priority as ConversationCore['priority'],
      labels: labels.get(r.id) ?? [],
      tags: tags.get(r.id) ?? [],
      previousConversationId: r.previous_conversation_id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      firstResponseAt: r.first_response_at,
      lastCustomerMessageAt: r.last_customer_message_at,
      lastAgentMessageAt: r.last_agent_message_at,
      resolvedAt: r.resolved_at,
      resolutionNote: r.resolution_note,
      lastActivityAt: r.last_activity_at,
      replyDueAt: r.reply_due_at ?? null,
      lastMessage: last ? presentMessage(last, names) : null,
    };
  });
}

export interface UserConversationState {
  unreadCount: number;
  markedUnread: boolean;
  draft: { body: string; updatedAt: number; sensitive: boolean } | null;
}

/** Unread counts, unread marks and drafts of one user for many conversations: three queries. */
export async function userStateFor(db: Db | Tx, userId: number, ids: number[]): Promise<Map<number, UserConversationState>> {
  const out = new Map<number, UserConversationState>(ids.map((id) => [id, { unreadCount: 0, markedUnread: false, draft: null }]));
  if (!ids.length) return out;
  const [reads, counts, drafts] = await Promise.all([
    db.selectFrom('conversation_reads').selectAll().where('user_id', '=', userId).where('conversation_id', 'in', ids).execute(),
    db
      .selectFrom('messages as m')
      .leftJoin('conversation_reads as r', (j) => j.onRef('r.conversation_id', '=', 'm.conversation_id').on('r.user_id', '=', userId))
      .select(['m.conversation_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('m.conversation_id', 'in', ids)
      .where('m.sender_kind', '=', 'customer')
      .where((eb) => eb('m.id', '>', eb.fn.coalesce('r.last_read_message_id', eb.lit(0))))
      .groupBy('m.conversation_id')
      .execute(),
    db.selectFrom('drafts').selectAll().where('user_id', '=', userId).where('conversation_id', 'in', ids).execute(),
  ]);
  for (const r of reads) out.get(r.conversation_id)!.markedUnread = r.marked_unread === 1;
  for (const c of counts) out.get(c.conversation_id)!.unreadCount = Number(c.n);
  if (drafts.some((d) => d.body)) {
    const sensitive = await sensitiveTextCheck(db);
    for (const d of drafts) if (d.body) out.get(d.conversation_id)!.draft = { body: d.body, updatedAt: d.updated_at, sensitive: sensitive(d.body) };
  }
  return out;
}

export async function presentConversations(db: Db | Tx, userId: number, rows: ConversationRow[]): Promise<Conversation[]> {
  const [cores, state] = await Promise.all([presentConversationCores(db, rows), userStateFor(db, userId, rows.map((r) => r.id))]);
  return cores.map((c) => ({ ...c, ...state.get(c.id)! }));
}
