import type { Attachment } from '@switchboard/protocol';
import type { z } from 'zod';

/**
 * Attachments are only ever files Switchboard stored, named by its own key (issue 9, finding 9),
 * and all are served at one address, `/api/v1/files/<key>`, to agents and customers alike
 * (attachments/files.ts decides who may read which; issue 14, seen 1):
 * - a file kept in a conversation's folder (an agent's upload, a channel's or an email's file):
 *   `/api/v1/files/c<conversation>-<32 hex>`; rows stored before this scheme say
 *   `/api/v1/conversations/<id>/attachments/<32 hex>`, and are shown with the new address;
 * - a stored file (the widget's uploads, ticket files): `/api/v1/files/<key>`.
 * Any other URL (`javascript:`, another host, a path of ours that is not a file) is not an attachment.
 */
export type OwnedFileRef = { kind: 'upload'; conversationId: number; key: string } | { kind: 'file'; key: string };

const FOLDER_FILE_URL = /^\/api\/v1\/files\/c(\d{1,15})-([a-f0-9]{32})$/;
const LEGACY_UPLOAD_URL = /^\/api\/v1\/conversations\/(\d{1,15})\/attachments\/([a-f0-9]{32})$/;
const FILE_URL = /^\/api\/v1\/files\/([A-Za-z0-9_-]{20,64})$/;

export function ownedFileRef(url: string): OwnedFileRef | null {
  const u = FOLDER_FILE_URL.exec(url) ?? LEGACY_UPLOAD_URL.exec(url);
  if (u) return { kind: 'upload', conversationId: Number(u[1]), key: u[2]! };
  const f = FILE_URL.exec(url);
  if (f) return { kind: 'file', key: f[1]! };
  return null;
}

/** The key a file has in `/api/v1/files/<key>`. */
export function fileKeyOf(ref: OwnedFileRef): string {
  return ref.kind === 'upload' ? `c${ref.conversationId}-${ref.key}` : ref.key;
}

/** The one address of a stored file. */
export const fileUrl = (key: string) => `/api/v1/files/${key}`;
/** The address of a file in a conversation's folder. */
export const conversationFileUrl = (conversationId: number, key: string) => fileUrl(fileKeyOf({ kind: 'upload', conversationId, key }));

type AttachmentShape = z.infer<typeof Attachment>;

/**
 * What may be shown of a stored message's attachments: our own files only (their download route
 * checks who asks), each at its one address. Rows stored before this rule (or by hand) lose anything else.
 */
export function shownAttachments(attachments: AttachmentShape[]): AttachmentShape[] {
  return attachments.flatMap((a) => {
    const ref = typeof a?.url === 'string' ? ownedFileRef(a.url) : null;
    return ref ? [{ ...a, url: fileUrl(fileKeyOf(ref)) }] : [];
  });
}
