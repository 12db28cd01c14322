import { RE2JS } from 're2js';
import type { TextPattern } from '@switchboard/core';
import type { ComposerRules } from '@switchboard/protocol';

/**
 * Administrators' patterns run in RE2 (the re2js port: pure JavaScript, no native build), whose
 * matching time grows linearly with the text whatever the pattern, so one admin's `^(a+)+$` cannot
 * stall the server (JavaScript's RegExp backtracks: 26–40 s on 28 characters). RE2 has no
 * backreferences and no lookaround; such patterns are refused when saved (`pattern_unsupported`).
 */

export type PatternVerdict = { ok: true; pattern: TextPattern } | { ok: false; code: 'invalid_pattern' | 'pattern_unsupported'; reason: string };

/** Compiles one administrator's pattern, case-insensitive, or says why it cannot run. */
export function compileAdminPattern(source: string): PatternVerdict {
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch (e) {
    const reason = (e as Error).message.replace(/^error parsing regexp:\s*/, '');
    // Valid JavaScript the linear engine cannot run (backreferences, lookaround) is told apart
    // from a typo, so the admin knows to rewrite rather than fix it.
    return { ok: false, code: javascriptAccepts(source) ? 'pattern_unsupported' : 'invalid_pattern', reason };
  }
  return {
    ok: true,
    pattern: {
      *matches(text: string) {
        const m = re.matcher(text);
        while (m.find()) yield { start: m.start(), end: m.end() };
      },
    },
  };
}

function javascriptAccepts(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

export interface RefusedPattern {
  pattern: string;
  code: 'invalid_pattern' | 'pattern_unsupported';
  reason: string;
}

/** The rules with their patterns compiled; stored patterns that cannot run are listed, not run. */
export interface CompiledComposerRules {
  rules: ComposerRules;
  sensitive: TextPattern[];
  cleanup: TextPattern[];
  refused: RefusedPattern[];
}

export function compileComposerRules(rules: ComposerRules): CompiledComposerRules {
  const refused: RefusedPattern[] = [];
  const compileAll = (sources: readonly string[]) =>
    sources.flatMap((pattern) => {
      const v = compileAdminPattern(pattern);
      if (v.ok) return [v.pattern];
      refused.push({ pattern, code: v.code, reason: v.reason });
      return [];
    });
  return { rules, sensitive: compileAll(rules.sensitivePatterns), cleanup: compileAll(rules.cleanupPatterns), refused };
}
