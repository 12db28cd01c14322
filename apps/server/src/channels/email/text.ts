import { MAX_MESSAGE_LENGTH, messageLength } from '@switchboard/core';

/**
 * What an email's message shows in the thread: the new text, with quoted history ("On … wrote:",
 * "> " lines, Outlook's "-----Original Message-----") and the signature ("-- ") folded away. The
 * original stays one click away (the HTML view and the raw message).
 */
export function newTextOf(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const joined = `${line} ${lines[i + 1] ?? ''}`;
    if (/^-- ?$/.test(line)) break;
    if (/^\s*-{2,}\s*(Original Message|Forwarded message)\s*-{2,}/i.test(line)) break;
    if (/^On .{4,200}wrote:\s*$/i.test(line) || (/^On .{4,200}$/i.test(line) && /wrote:\s*$/i.test(joined) && /^.{0,120}wrote:\s*$/i.test(lines[i + 1] ?? ''))) break;
    if (/^(From|Von|De):\s.+/.test(line) && /^(Sent|Date|Gesendet|Envoyé):\s/.test(lines[i + 1] ?? '')) break;
    if (/^\s*>/.test(line)) continue;
    out.push(line);
  }
  const folded = out.join('\n').trim();
  return folded || text.trim();
}

/** Fits a message body into the domain's limit; the caller keeps the full text as a file when cut. */
export function fitBody(text: string): { body: string; cut: boolean } {
  if (messageLength(text) <= MAX_MESSAGE_LENGTH) return { body: text, cut: false };
  const note = '\n… (continued in message.txt)';
  // Cut by code points, as the limit counts them, so no character is split in half.
  return { body: [...text].slice(0, MAX_MESSAGE_LENGTH - note.length).join('') + note, cut: true };
}
