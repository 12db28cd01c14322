/**
 * Administrators' sensitive-data patterns (issue 9 item 6): the time one composer check takes with
 * the classic catastrophic pattern `^(a+)+$`, in RE2 (what the server runs) against JavaScript's
 * backtracking RegExp (what it ran before), as the text grows. The backtracking column stops at
 * 24 characters: each character doubles it (28 took 26–40 s).
 */
import { findSensitive } from '@switchboard/core';
import { compileAdminPattern } from '../apps/server/src/composer/adminPatterns.ts';

const source = '^(a+)+$';
const re2 = compileAdminPattern(source);
if (!re2.ok) throw new Error(re2.reason);

function ms(f: () => void): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

console.log(`composer check with the pattern ${source} (text = n × "a" + "!")`);
console.log('| n | RE2 ms | backtracking RegExp ms |');
console.log('|--:|--:|--:|');
for (const n of [16, 20, 24, 28, 1000, 20_000]) {
  const text = 'a'.repeat(n) + '!';
  const linear = ms(() => findSensitive(text, { patterns: [re2.pattern] }));
  const backtracking = n <= 24 ? ms(() => new RegExp(source, 'giu').test(text)).toFixed(1) : '(skipped: doubles per character)';
  console.log(`| ${n} | ${linear.toFixed(2)} | ${backtracking} |`);
}
