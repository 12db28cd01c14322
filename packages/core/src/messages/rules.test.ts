import { describe, expect, it } from 'vitest';
import { checkMessageText, MAX_MESSAGE_LENGTH, messageLength } from './rules.ts';

const GRIN = '😀'; // one character on screen, two UTF-16 code units

describe('message length', () => {
  it('allows at most 2000 characters per message (seed 002)', () => {
    expect(MAX_MESSAGE_LENGTH).toBe(2000);
  });

  it.each([
    ['plain text counts one per letter', 'Hello', 5],
    ['an emoji counts as one character', GRIN, 1],
    ['emoji mixed with text count one each', `Thanks ${GRIN}${GRIN}`, 9],
    ['accented letters count as one character', 'Café', 4],
    ['line breaks count as characters', 'a\nb', 3],
    ['an empty message has no characters', '', 0],
  ] as [string, string, number][])('%s', (_title, text, length) => {
    expect(messageLength(text)).toBe(length);
  });
});

describe('which messages may be sent', () => {
  const accepted: [title: string, text: string, hasAttachments: boolean][] = [
    ['a message of exactly 2000 characters is accepted', 'a'.repeat(2000), false],
    ['a message of 2000 emoji is accepted, each emoji counting as one character', GRIN.repeat(2000), false],
    ['a message of 1999 letters and one emoji is accepted', 'a'.repeat(1999) + GRIN, false],
    ['a one-character message is accepted', 'k', false],
    ['a message that is a single emoji is accepted', GRIN, false],
    ['an attachment can be sent without text', '', true],
    ['an attachment can be sent with only whitespace as its caption', '  \n ', true],
    ['an attachment with a caption is accepted', 'Here is the invoice', true],
  ];

  it.each(accepted)('%s', (_title, text, hasAttachments) => {
    expect(checkMessageText(text, hasAttachments)).toBeNull();
  });

  const refused: [title: string, text: string, hasAttachments: boolean, code: string][] = [
    ['a message of 2001 characters is refused as too long', 'a'.repeat(2001), false, 'message_too_long'],
    ['a message of 2001 emoji is refused as too long', GRIN.repeat(2001), false, 'message_too_long'],
    ['a message of 2000 letters and one emoji is refused as too long', 'a'.repeat(2000) + GRIN, false, 'message_too_long'],
    ['a too-long caption is refused even with an attachment', 'a'.repeat(2001), true, 'message_too_long'],
    ['an empty message without attachments is refused', '', false, 'message_empty'],
    ['a whitespace-only message without attachments is refused', ' \n\t ', false, 'message_empty'],
  ];

  it.each(refused)('%s', (_title, text, hasAttachments, code) => {
    expect(checkMessageText(text, hasAttachments)).toMatchObject({ ok: false, code });
  });

  it('a message without attachments is checked as text only by default', () => {
    expect(checkMessageText('')).toMatchObject({ ok: false, code: 'message_empty' });
    expect(checkMessageText('hi')).toBeNull();
  });

  it('tells the agent the limit and how long their message is', () => {
    const refusal = checkMessageText('a'.repeat(2001));
    expect(refusal?.message).toContain('2000');
    expect(refusal?.message).toContain('2001');
  });
});

describe('what the composer is told about an empty message', () => {
  it('asks for text or an attachment', () => {
    expect(checkMessageText('  \n')).toEqual({ ok: false, code: 'message_empty', message: 'A message needs some text or an attachment.' });
  });
});
