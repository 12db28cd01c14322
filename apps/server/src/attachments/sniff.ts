import { fileTypeFromBuffer } from 'file-type';

/** Text files have no magic number: valid UTF-8 without NUL bytes is text, anything else is bytes. */
function looksLikeText(buf: Buffer): boolean {
  if (buf.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, 64 * 1024));
    return true;
  } catch {
    return false;
  }
}

/** What a file is, from its bytes; what the sender claims is never trusted (agents and customers alike). */
export async function sniffContentType(buf: Buffer): Promise<string> {
  const sniffed = await fileTypeFromBuffer(buf);
  return sniffed?.mime ?? (looksLikeText(buf) ? 'text/plain' : 'application/octet-stream');
}
