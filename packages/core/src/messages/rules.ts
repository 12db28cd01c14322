import { refuse, type Refusal } from '../errors.ts';

/** Seed 002: "The maximum number of characters allowed in each message is 2000." */
export const MAX_MESSAGE_LENGTH = 2000;

/** Counts user-perceived characters (code points), so an emoji is one, as the composer's counter shows. */
export function messageLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function checkMessageText(text: string, hasAttachments = false): Refusal | null {
  const len = messageLength(text.trim());
  if (len === 0 && !hasAttachments) return refuse('message_empty', 'A message needs some text or an attachment.');
  if (messageLength(text) > MAX_MESSAGE_LENGTH)
    return refuse('message_too_long', `A message may have at most ${MAX_MESSAGE_LENGTH} characters; this one has ${messageLength(text)}.`);
  return null;
}
