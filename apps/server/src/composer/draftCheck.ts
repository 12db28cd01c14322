import { findSensitive } from '@switchboard/core';
import type { Db, Tx } from '../store/db.ts';
import { loadComposerRules } from '../actions/composer.ts';
import { compileComposerRules } from './adminPatterns.ts';

/**
 * Whether a draft holds what the composer would warn about (card numbers, SSNs, the administrators'
 * words and patterns), so lists can show that a draft exists without its text (issue 14, seen 10).
 */
export async function sensitiveTextCheck(db: Db | Tx): Promise<(text: string) => boolean> {
  const c = compileComposerRules(await loadComposerRules(db));
  return (text) => findSensitive(text, { words: c.rules.sensitiveWords, patterns: c.sensitive }).length > 0;
}
