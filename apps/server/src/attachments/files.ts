import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply } from 'fastify';
import { canSeeConversation, type Viewer } from '@switchboard/core';
import { canSeeTicket } from '../actions/tickets.ts';
import type { Db } from '../store/db.ts';
import { getConversation, scopeOf } from '../store/conversations.ts';
import { fileByKey } from '../store/files.ts';
import { INLINE_TYPES } from './limits.ts';
import { ownedFileRef, fileUrl, type OwnedFileRef } from './owned.ts';

/**
 * The one file service (issue 14, seen 1): every attachment, whoever sent it, is read here, at one
 * address (`/api/v1/files/<key>`), and each side reads only its own: an agent the files of the
 * conversations and tickets they may see, a customer those of their own conversations and tickets
 * and their own uploads. Anything else does not exist for them (404).
 */
export interface StoredFile {
  name: string;
  contentType: string;
  data: Buffer;
  conversationId: number | null;
  contactId: number | null;
  ticketId: number | null;
}

/** Who asks: a signed-in user, or the widget's visitor (by their contact). */
export type FileReader = { viewer: Viewer } | { contactId: number };

/** Where a conversation folder's file lies on disk (the key is checked: never a path of the asker's). */
export function folderFilePath(dataDir: string, conversationId: number, key: string): string {
  return path.resolve(dataDir, 'attachments', String(conversationId), /^[a-f0-9]{32}$/.test(key) ? key : 'missing');
}

/** The disk path of an attachment URL kept in a conversation's folder, or null. */
export function folderFileOf(dataDir: string, url: string): string | null {
  const ref = ownedFileRef(url);
  return ref?.kind === 'upload' ? folderFilePath(dataDir, ref.conversationId, ref.key) : null;
}

export async function readStoredFile(db: Db, dataDir: string, key: string): Promise<StoredFile | null> {
  const ref: OwnedFileRef | null = ownedFileRef(fileUrl(key));
  if (!ref) return null;
  if (ref.kind === 'upload') {
    const file = folderFilePath(dataDir, ref.conversationId, ref.key);
    try {
      const meta = JSON.parse(await fs.readFile(`${file}.json`, 'utf8')) as { name: string; contentType: string };
      const c = await db.selectFrom('conversations').select('contact_id').where('id', '=', ref.conversationId).executeTakeFirst();
      if (!c) return null;
      return { name: meta.name, contentType: meta.contentType, data: await fs.readFile(file), conversationId: ref.conversationId, contactId: c.contact_id, ticketId: null };
    } catch {
      return null;
    }
  }
  const f = await fileByKey(db, ref.key);
  if (!f) return null;
  return { name: f.name, contentType: f.content_type, data: Buffer.from(f.data), conversationId: f.conversationId, contactId: f.contactId, ticketId: f.ticketId };
}

export async function mayReadFile(db: Db, who: FileReader, f: StoredFile): Promise<boolean> {
  if ('contactId' in who) return f.contactId != null && f.contactId === who.contactId;
  const { viewer } = who;
  if (f.conversationId != null) {
    const c = await getConversation(db, f.conversationId);
    if (c && canSeeConversation(viewer, scopeOf(c))) return true;
  }
  if (f.ticketId != null) {
    const t = await db.selectFrom('tickets').selectAll().where('id', '=', f.ticketId).executeTakeFirst();
    if (t && canSeeTicket(viewer, t)) return true;
  }
  return false;
}

/** The bytes, never rendered as a page of ours: sniffed type, sandboxed, pictures inline, the rest downloaded. */
export function sendStoredFile(reply: FastifyReply, f: Pick<StoredFile, 'name' | 'contentType' | 'data'>) {
  const inline = INLINE_TYPES.has(f.contentType);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what a file name may not carry
  const safe = f.name.replace(/[\u0000-\u001f\u007f"\\/]/g, '_').slice(0, 200) || 'file';
  return reply
    .header('content-type', f.contentType)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, max-age=3600')
    .header('content-disposition', `${inline ? 'inline' : 'attachment'}; filename="${safe}"; filename*=UTF-8''${encodeURIComponent(f.name)}`)
    .send(f.data);
}
