import type { Message } from '@switchboard/protocol';
import type { Selectable } from 'kysely';
import type { Db, Tx } from '../store/db.ts';
import type { MessagesTable } from '../store/schema.ts';
import { shownAttachments } from '../attachments/owned.ts';

export type MessageRow = Selectable<MessagesTable>;

/** Sender names, loaded once per batch (users and contacts), not once per message. */
export interface SenderNames {
  users: Map<number, string>;
  contacts: Map<number, string>;
}

export async function loadSenderNames(db: Db | Tx, rows: MessageRow[]): Promise<SenderNames> {
  const userIds = [...new Set(rows.map((r) => r.sender_user_id).filter((x): x is number => x != null))];
  const contactIds = [...new Set(rows.map((r) => r.sender_contact_id).filter((x): x is number => x != null))];
  const [users, contacts] = await Promise.all([
    userIds.length ? db.selectFrom('users').select(['id', 'name']).where('id', 'in', userIds).execute() : [],
    contactIds.length ? db.selectFrom('contacts').select(['id', 'name']).where('id', 'in', contactIds).execute() : [],
  ]);
  return { users: new Map(users.map((u) => [u.id, u.name])), contacts: new Map(contacts.map((c) => [c.id, c.name])) };
}

export function presentMessage(row: MessageRow, names: SenderNames): Message {
  let sender: Message['sender'] = null;
  if (row.sender_user_id != null) sender = { id: row.sender_user_id, name: names.users.get(row.sender_user_id) ?? 'Former user' };
  else if (row.sender_contact_id != null) sender = { id: row.sender_contact_id, name: names.contacts.get(row.sender_contact_id) ?? 'Customer' };
  return {
    id: row.id,
    conversationId: row.conversation_id,
    senderKind: row.sender_kind,
    sender,
    body: row.body,
    internal: row.internal === 1,
    replyToId: row.reply_to_id,
    // Only files we stored (attachments/owned.ts): an old row's foreign link is never shown.
    attachments: shownAttachments(JSON.parse(row.attachments)),
    status: row.status as Message['status'],
    failureReason: row.failure_reason,
    systemEvent: row.system_event ? JSON.parse(row.system_event) : null,
    clientId: row.client_id,
    createdAt: row.created_at,
  };
}
