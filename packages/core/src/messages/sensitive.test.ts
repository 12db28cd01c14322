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

describe('what the composer highlights, exactly (where, and the sentence shown)', () => {
  it('gives each finding its place in the text and the reason the agent reads', () => {
    const text = 'Card 4111 1111 1111 1111, SSN 123-45-6789, order REF-77, no refund';
    expect(findSensitive(text, { patterns: [re('REF-\\d+')], words: ['refund'] })).toEqual([
      { kind: 'card_number', start: 5, end: 24, text: '4111 1111 1111 1111', reason: 'Looks like a payment card number.' },
      { kind: 'ssn', start: 30, end: 41, text: '123-45-6789', reason: 'Looks like a social security number.' },
      { kind: 'pattern', start: 49, end: 55, text: 'REF-77', reason: 'Matches a pattern your administrators asked you to avoid.' },
      { kind: 'word', start: 60, end: 66, text: 'refund', reason: '“refund” is on your administrators’ list of words to avoid.' },
    ]);
  });
  it('a word listed with spaces around it is still found; a blank one finds nothing', () => {
    expect(findSensitive('no refund today', { words: ['  refund '] })).toMatchObject([{ kind: 'word', start: 3, end: 9, reason: '“refund” is on your administrators’ list of words to avoid.' }]);
    expect(findSensitive('no refund today', { words: ['   '] })).toEqual([]);
  });
  it('a word with symbols is matched as written, not as a pattern', () => {
    expect(kinds('I use c++ daily, not c', { words: ['c++'] })).toEqual([['word', 'c++']]);
    expect(kinds('cost: $5.00 or $5x00', { words: ['$5.00'] })).toEqual([['word', '$5.00']]);
  });
  it('where two findings start together the longer wins; findings that touch are both kept', () => {
    expect(kinds('refund now please', { patterns: [re('refund now')], words: ['refund'] })).toEqual([['pattern', 'refund now']]);
    expect(kinds('refundnow', { patterns: [re('refund'), re('now')] })).toEqual([['pattern', 'refund'], ['pattern', 'now']]);
  });
  it('a pattern that matches too often counts its first thousand matches', () => {
    expect(findSensitive('x'.repeat(1500), { patterns: [re('x')] })).toHaveLength(1000);
    expect(findSensitive('y '.repeat(1500), { words: ['y'] })).toHaveLength(1000);
  });
  it('the Luhn check accepts digits only', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111 1111 1111 1111')).toBe(false);
    expect(luhnValid('x4111111111111111')).toBe(false);
    expect(luhnValid('4111111111111111x')).toBe(false);
  });
});

describe('clean up input, old line endings', () => {
  it('turns a lone carriage return into a new line', () => {
    expect(cleanUpInput('one\rtwo\r\nthree')).toBe('one\ntwo\nthree');
  });
});
