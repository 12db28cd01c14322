import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from './policy.ts';

describe('a queue nobody configured', () => {
  it('offers to one agent at a time by round-robin, 5 places each, 30 s to answer, one minute of automatic wrap-up, resolves after 24 h without a customer answer, and nothing else timed', () => {
    expect(DEFAULT_POLICY).toEqual({
      mode: 'auto_assign', strategy: 'round_robin', capacity: 5, offerTimeoutMs: 30_000, wrapUp: 'automatic', wrapUpMs: 60_000,
      inactivityResolveMs: 24 * 60 * 60 * 1000, abandonAfterMs: null, resolveKeywords: [], firstReplyMs: null, nextReplyMs: null,
    });
  });
});
