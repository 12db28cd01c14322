import type { Attachment } from '@switchboard/protocol';
import type { z } from 'zod';

/**
 * Attachments are only ever files Switchboard stored, named by its own key (issue 9, finding 9):
 * - an upload to a conversation: `/api/v1/conversations/<id>/attachments/<32 hex>` (agents, email);
 * - a stored file: `/api/v1/files/<key>` (the widget's uploads, ticket files).
 * Any other URL (`javascript:`, another host, a path of ours that is not a file) is not an attachment.
 */
export type OwnedFileRef = { kind: 'upload'; conversationId: number; key: string } | { kind: 'file'; key: string };

const UPLOAD_URL = /^\/api\/v1\/conversations\/(\d{1,15})\/attachments\/([a-f0-9]{32})$/;
const FILE_URL = /^\/api\/v1\/files\/([A-Za-z0-9_-]{20,64})$/;

export function ownedFileRef(url: string): OwnedFileRef | null {
  const u = UPLOAD_URL.exec(url);
  if (u) return { kind: 'upload', conversationId: Number(u[1]), key: u[2]! };
  const f = FILE_URL.exec(url);
  if (f) return { kind: 'file', key: f[1]! };
  return null;
}

type AttachmentShape = z.infer<typeof Attachment>;

/**
 * What may be shown of a stored message's attachments: our own files only (their download routes
 * check who asks). Rows stored before this rule (or by hand) lose anything else.
 */
export function shownAttachments(attachments: AttachmentShape[]): AttachmentShape[] {
  return attachments.filter((a) => typeof a?.url === 'string' && ownedFileRef(a.url) !== null);
}
