import { describe, expect, it } from 'vitest';
import { cleanUpInput, findSensitive, luhnValid, type TextPattern } from './sensitive.ts';

/** The server compiles administrators' patterns with RE2; these tests need only some engine. */
const re = (source: string): TextPattern => ({
  *matches(text) {
    for (const m of text.matchAll(new RegExp(source, 'giu'))) yield { start: m.index, end: m.index + m[0].length };
  },
});

const kinds = (text: string, rules = {}) => findSensitive(text, rules).map((f) => [f.kind, f.text]);

describe('findSensitive (seed 001: highlight sensitive data before sending)', () => {
  it.each([
    ['my card is 4111 1111 1111 1111 thanks', [['card_number', '4111 1111 1111 1111']]],
    ['4111-1111-1111-1111', [['card_number', '4111-1111-1111-1111']]],
    ['4111111111111111', [['card_number', '4111111111111111']]],
    ['amex 378282246310005', [['card_number', '378282246310005']]],
    ['fails Luhn: 4111 1111 1111 1112', []],
    ['order number 1234567890123', []],
    ['too short 4111 1111 111', []],
    ['ssn 123-45-6789 ok', [['ssn', '123-45-6789']]],
    ['ssn 123 45 6789', [['ssn', '123 45 6789']]],
    ['never issued 000-12-3456, 666-12-3456, 900-12-3456, 123-00-4567, 123-45-0000', []],
    ['mixed separators 123-45 6789', []],
    ['phone +1 415-555-0134', []],
    ['nothing here', []],
  ])('%s', (text, expected) => {
    expect(kinds(text)).toEqual(expected);
  });

  it('finds administrators’ words as whole words, any case', () => {
    expect(kinds('Our Password policy: passwords never', { words: ['password'] })).toEqual([['word', 'Password']]);
    expect(kinds('a damn shame', { words: ['damn', ''] })).toEqual([['word', 'damn']]);
  });

  it('finds administrators’ patterns and skips empty matches', () => {
    expect(kinds('IBAN DE89370400440532013000 please', { patterns: [re('\\bDE\\d{20}\\b'), re('x*')] })).toEqual([['pattern', 'DE89370400440532013000']]);
  });

  it('gives offsets for highlighting, in order, without overlaps', () => {
    const text = 'ssn 123-45-6789 and card 4111111111111111';
    const f = findSensitive(text, { patterns: [re('\\d{4}')] });
    expect(f.map((x) => text.slice(x.start, x.end))).toEqual(['123-45-6789', '4111111111111111']);
  });

  it('checks Luhn', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('12a')).toBe(false);
  });
});

describe('cleanUpInput (seed 001: "Clean up input" for pasted content)', () => {
  it.each([
    ['smart “quotes” and ‘single’', 'smart "quotes" and \'single\''],
    ['zero\u200Bwidth\uFEFF and soft\u00ADhyphen', 'zerowidth and softhyphen'],
    ['non\u00A0breaking\u2003spaces', 'non breaking spaces'],
    ['dash — en – ellipsis…', 'dash - en - ellipsis...'],
    ['trailing   \nspaces\t\there', 'trailing\nspaces here'],
    ['a\r\n\r\n\r\n\r\nb', 'a\n\nb'],
    ['   padded   ', 'padded'],
  ])('%j', (input, expected) => {
    expect(cleanUpInput(input)).toBe(expected);
  });

  it('removes what administrators’ patterns match', () => {
    expect(cleanUpInput('Hello [tracking:abc123] there [tracking:x]!', { remove: [re('\\[tracking:[^\\]]*\\]')] })).toBe('Hello there !');
    expect(cleanUpInput('keep (', { remove: [re('x*')] })).toBe('keep (');
  });
});
