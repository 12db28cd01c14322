import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../../test/harness.ts';
import { compileAdminPattern } from '../../src/composer/adminPatterns.ts';

/**
 * Issue 9 item 6: one administrator's pattern froze the server (`^(a+)+$` made a 28-character
 * composer check block every request for 26–40 s). Patterns now run in RE2, linear in the text.
 */
let t: TestServer;
let admin: Caller;
let agent: Caller;
beforeAll(async () => {
  t = await startTestServer();
  admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
  agent = await signIn(t, await createUser(t, 'agent', 'Martha Jones'));
});
afterAll(() => t.close());

const found = (r: { body: { findings: Array<{ kind: string; text: string }> } }) => r.body.findings.map((f) => [f.kind, f.text]);

describe('administrators’ patterns', () => {
  it('stored patterns the engine cannot run are reported and skipped; the check keeps working', async () => {
    // Saved before patterns ran in RE2 (or written by hand): a backreference and a lookbehind.
    const legacy = { sensitiveWords: [], sensitivePatterns: ['(\\w)\\1{3}', 'ACC-\\d{4}'], cleanupPatterns: ['(?<=x)y'] };
    await t.server.services.store.db.insertInto('composer_settings').values({ key: 'composer', value: JSON.stringify(legacy), updated_at: t.clock.now() }).execute();

    const rules = await admin.api('GET', '/api/v1/composer/rules');
    expect(rules.status).toBe(200);
    expect(rules.body.refusedPatterns).toEqual([
      expect.objectContaining({ pattern: '(\\w)\\1{3}', code: 'pattern_unsupported' }),
      expect.objectContaining({ pattern: '(?<=x)y', code: 'pattern_unsupported' }),
    ]);
    const check = await agent.api('POST', '/api/v1/composer/check', { text: 'aaaa ACC-1234' });
    expect(check.status).toBe(200);
    expect(found(check)).toEqual([['pattern', 'ACC-1234']]);
    expect((await agent.api('POST', '/api/v1/composer/clean', { text: 'xy' })).body.text).toBe('xy');
  });

  it('a catastrophic-backtracking pattern answers a long check at once (it runs in the linear engine)', async () => {
    const saved = await admin.api('PUT', '/api/v1/composer/rules', { sensitivePatterns: ['^(a+)+$', '(x+x+)+y'], cleanupPatterns: ['(a|aa)+$'] });
    expect(saved.status).toBe(200);
    expect(saved.body.refusedPatterns).toEqual([]);
    // 28 characters blocked JavaScript's RegExp for half a minute; twenty thousand are nothing to RE2.
    for (const text of ['a'.repeat(28) + '!', 'a'.repeat(19_999) + '!', 'x'.repeat(5000)]) {
      const check = await agent.api('POST', '/api/v1/composer/check', { text });
      expect(check.status).toBe(200);
      expect(check.body.findings).toEqual([]);
    }
    expect(found(await agent.api('POST', '/api/v1/composer/check', { text: 'aaaa' }))).toEqual([['pattern', 'aaaa']]);
    expect((await agent.api('POST', '/api/v1/composer/clean', { text: `keep ${'a'.repeat(5000)}!` })).body.text).toBe(`keep ${'a'.repeat(5000)}!`);
    expect((await agent.api('POST', '/api/v1/composer/clean', { text: 'keep aaa' })).body.text).toBe('keep');
  });

  it.each([
    ['(\\w)\\1', 'pattern_unsupported'],
    ['(?<=€)\\d+', 'pattern_unsupported'],
    ['\\d+(?!px)', 'pattern_unsupported'],
    ['(', 'invalid_pattern'],
    ['[a-', 'invalid_pattern'],
  ])('refuses %j when saved: 422 %s, naming the pattern', async (pattern, code) => {
    const r = await admin.api('PUT', '/api/v1/composer/rules', { sensitivePatterns: ['ok\\d'], cleanupPatterns: [pattern] });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message).toContain(pattern);
    expect(r.body.error.details.patterns).toEqual([expect.objectContaining({ pattern, code })]);
  });

  it('compiles case-insensitive, offsets in UTF-16 for highlighting', () => {
    const v = compileAdminPattern('é\\d+');
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    const text = 'x 😀 É12 and é3';
    expect([...v.pattern.matches(text)].map((m) => text.slice(m.start, m.end))).toEqual(['É12', 'é3']);
    // Linear: a hundred thousand characters against the classic exponential pattern.
    const evil = compileAdminPattern('^(a+)+$');
    expect(evil.ok && [...evil.pattern.matches('a'.repeat(100_000) + '!')]).toEqual([]);
  });
});
