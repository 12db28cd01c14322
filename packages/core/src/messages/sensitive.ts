/**
 * Seed 001: "If administrators have defined patterns and text you should avoid in chat
 * conversations, such as certain words or sensitive data, for example, credit card numbers or
 * social security numbers and you enter such content, Communication Panel will highlight it".
 * And "Clean up input" for pasted content. Pure: text and rules in, findings or text out.
 */

export type SensitiveKind = 'card_number' | 'ssn' | 'pattern' | 'word';

export interface SensitiveFinding {
  kind: SensitiveKind;
  /** Offsets into the text (UTF-16, end exclusive), for highlighting. */
  start: number;
  end: number;
  text: string;
  /** A sentence for the agent: why this is highlighted. */
  reason: string;
}

/**
 * An administrator's pattern, already compiled by the caller. The core ships no engine for them:
 * JavaScript's own RegExp backtracks (`^(a+)+$` against 28 characters takes half a minute), so the
 * server compiles them with a linear-time engine (apps/server/src/composer/adminPatterns.ts).
 */
export interface TextPattern {
  /** Its matches in `text`, left to right, as UTF-16 offsets (end exclusive); empty ones may be skipped. */
  matches(text: string): Iterable<{ start: number; end: number }>;
}

export interface SensitiveRules {
  /** Words or phrases to avoid (whole words, case-insensitive). */
  words?: readonly string[];
  /** Patterns defined by administrators, compiled case-insensitive. */
  patterns?: readonly TextPattern[];
}

/** The Luhn checksum over the digits of a candidate card number. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// 13–19 digits, optionally grouped by single spaces or dashes, not glued to other digits.
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
// AAA-GG-SSSS (or spaces), with the invalid areas and groups the SSA never issues left out.
const SSN = /(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])/g;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** At most this many matches of one pattern count, whatever the text. */
const MAX_MATCHES = 1000;

/** The non-empty matches of an administrator's pattern, capped. */
function* spans(p: TextPattern, text: string): Generator<{ start: number; end: number }> {
  let n = 0;
  for (const m of p.matches(text)) {
    if (m.end <= m.start) continue;
    if (n++ >= MAX_MATCHES) return;
    yield m;
  }
}

function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(text)) && guard++ < MAX_MATCHES) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    yield m;
  }
}

/**
 * Finds what the agent should not send: Luhn-valid card numbers, SSNs, and the administrators'
 * patterns and words. Findings are sorted by position and never overlap (the earlier, then the
 * longer, wins).
 */
export function findSensitive(text: string, rules: SensitiveRules = {}): SensitiveFinding[] {
  const found: SensitiveFinding[] = [];
  for (const m of matches(CARD, text)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) {
      found.push({ kind: 'card_number', start: m.index, end: m.index + m[0].length, text: m[0], reason: 'Looks like a payment card number.' });
    }
  }
  for (const m of matches(SSN, text)) {
    found.push({ kind: 'ssn', start: m.index, end: m.index + m[0].length, text: m[0], reason: 'Looks like a social security number.' });
  }
  for (const p of rules.patterns ?? []) {
    for (const m of spans(p, text)) found.push({ kind: 'pattern', start: m.start, end: m.end, text: text.slice(m.start, m.end), reason: 'Matches a pattern your administrators asked you to avoid.' });
  }
  for (const word of rules.words ?? []) {
    const w = word.trim();
    if (!w) continue;
    const re = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(w)}(?![\\p{L}\\p{N}_])`, 'giu');
    for (const m of matches(re, text)) found.push({ kind: 'word', start: m.index, end: m.index + m[0].length, text: m[0], reason: `“${w}” is on your administrators’ list of words to avoid.` });
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: SensitiveFinding[] = [];
  for (const f of found) if (!out.length || f.start >= out[out.length - 1]!.end) out.push(f);
  return out;
}

export interface CleanupRules {
  /** Administrators' patterns (compiled by the caller, see TextPattern) whose matches are removed. */
  remove?: readonly TextPattern[];
}

/**
 * "Clean up input": pasted text from websites loses what does not belong in a chat message:
 * invisible characters, non-breaking and odd spaces, smart quotes and dashes, trailing spaces,
 * runs of blank lines, and whatever the administrators' patterns remove.
 */
export function cleanUpInput(text: string, rules: CleanupRules = {}): string {
  let s = text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, '')
    .replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000\t]/g, ' ')
    .replace(/[\u2018\u2019\u201A\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u2033]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\u2026/g, '...');
  for (const p of rules.remove ?? []) {
    let kept = '';
    let from = 0;
    for (const m of spans(p, s)) {
      if (m.start < from) continue;
      kept += s.slice(from, m.start);
      from = m.end;
    }
    s = kept + s.slice(from);
  }
  return s
    .split('\n')
    .map((line) => line.replace(/ {2,}/g, ' ').replace(/ +$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
