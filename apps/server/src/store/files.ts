import crypto from 'node:crypto';
import type { Db, Tx } from './db.ts';

/**
 * Files Switchboard stores in the database: the widget's uploads (a contact's, until sent in a
 * conversation), email attachments placed in a conversation, and chat logs attached to tickets. The
 * key is unguessable: it is the download URL (`/api/v1/files/<key>`).
 */
export interface FileInfo {
  key: string;
  name: string;
  content_type: string;
  size: number;
  conversation_id: number | null;
}

export function newFileKey(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/** A visitor's upload: the contact's, in no conversation until they send it. */
export async function storeUpload(tx: Tx, f: { key: string; name: string; contentType: string; data: Buffer; contactId: number; now: number }): Promise<void> {
  await tx
    .insertInto('files')
    .values({ key: f.key, name: f.name, content_type: f.contentType, size: f.data.length, data: f.data, contact_id: f.contactId, ticket_id: null, conversation_id: null, created_at: f.now })
    .execute();
}

/** A conversation's chat log on a ticket, once: a second one for the same pair is a no-op (unique index). */
export async function storeChatLog(tx: Tx, f: { ticketId: number; conversationId: number; name: string; data: Buffer; now: number }): Promise<void> {
  await tx
    .insertInto('files')
    .values({ key: newFileKey(), name: f.name, content_type: 'text/plain; charset=utf-8', size: f.data.length, data: f.data, contact_id: null, ticket_id: f.ticketId, conversation_id: f.conversationId, created_at: f.now })
    .onConflict((oc) => oc.columns(['ticket_id', 'conversation_id']).doNothing())
    .execute();
}

/** What a download sends, and whose it is: the customer of its conversation or ticket, else the visitor who uploaded it. */
export async function fileByKey(db: Db | Tx, key: string) {
  const f = await db
    .selectFrom('files')
    .leftJoin('conversations as c', 'c.id', 'files.conversation_id')
    .leftJoin('tickets as t', 't.id', 'files.ticket_id')
    .select(['files.name', 'files.content_type', 'files.data', 'files.conversation_id', 'files.ticket_id', 'files.contact_id', 'c.contact_id as conversation_contact', 't.contact_id as ticket_contact'])
    .where('files.key', '=', key)
    .executeTakeFirst();
  if (!f) return undefined;
  // A visitor's own upload is theirs before it is sent; once in a conversation or ticket, it is that one's customer's.
  const owner = f.conversation_contact ?? f.ticket_contact ?? f.contact_id;
  return { name: f.name, content_type: f.content_type, data: f.data, conversationId: f.conversation_id, ticketId: f.ticket_id, contactId: owner };
}

/** The files of these tickets (chat logs), oldest first. */
export async function filesOfTickets(db: Db | Tx, ticketIds: number[]) {
  if (!ticketIds.length) return [];
  return db.selectFrom('files').select(['id', 'key', 'ticket_id', 'name', 'content_type', 'size', 'conversation_id', 'created_at']).where('ticket_id', 'in', ticketIds).orderBy('id').execute();
}

/** Of these keys, those of files the conversation holds. */
export async function keysHeldBy(tx: Db | Tx, conversationId: number, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await tx.selectFrom('files').select('key').where('key', 'in', keys).where('conversation_id', '=', conversationId).execute();
  return new Set(rows.map((r) => r.key));
}

/** Of these keys, the contact's files that are in no conversation yet or already in this one. */
export async function customerFilesFor(tx: Db | Tx, contactId: number, conversationId: number, keys: string[]): Promise<FileInfo[]> {
  if (!keys.length) return [];
  return tx
    .selectFrom('files')
    .select(['key', 'name', 'content_type', 'size', 'conversation_id'])
    .where('key', 'in', keys)
    .where('contact_id', '=', contactId)
    .where((eb) => eb.or([eb('conversation_id', 'is', null), eb('conversation_id', '=', conversationId)]))
    .execute();
}

/** The files sent in a conversation belong to it from then on (those already placed stay where they are). */
export async function placeFilesIn(tx: Tx, conversationId: number, keys: string[]): Promise<void> {
  if (!keys.length) return;
  await tx.updateTable('files').set({ conversation_id: conversationId }).where('key', 'in', keys).where('conversation_id', 'is', null).execute();
}
