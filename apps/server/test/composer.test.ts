import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../test/harness.ts';

describe('canned messages and composer rules', () => {
  let t: TestServer;
  let admin: Caller;
  let agent: Caller;

  beforeAll(async () => {
    t = await startTestServer();
    admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
    agent = await signIn(t, await createUser(t, 'agent', 'Martha Jones'));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lets administrators add, change and delete canned messages; everyone reads them', async () => {
    const created = await admin.api('POST', '/api/v1/canned-messages', { title: 'Greeting', body: 'Hi {{first_name}}, I am {{agent_name}}.' });
    expect(created.status).toBe(201);
    expect((await agent.api('GET', '/api/v1/canned-messages')).body.items.map((c: { title: string }) => c.title)).toEqual(['Greeting']);
    expect((await agent.api('POST', '/api/v1/canned-messages', { title: 'x', body: 'y' })).status).toBe(403);
    expect((await agent.api('DELETE', `/api/v1/canned-messages/${created.body.id}`)).status).toBe(403);
    const changed = await admin.api('PUT', `/api/v1/canned-messages/${created.body.id}`, { title: 'Hello', body: 'Hello {{first_name}}' });
    expect(changed.body).toMatchObject({ title: 'Hello', body: 'Hello {{first_name}}' });
    expect((await admin.api('POST', '/api/v1/canned-messages', { title: '', body: 'y' })).status).toBe(400);
    expect((await admin.api('DELETE', `/api/v1/canned-messages/${created.body.id}`)).status).toBe(200);
    expect((await admin.api('DELETE', `/api/v1/canned-messages/${created.body.id}`)).status).toBe(404);
  });

  it('checks replies for card numbers, SSNs and the administrators’ words and patterns', async () => {
    let check = await agent.api('POST', '/api/v1/composer/check', { text: 'card 4111 1111 1111 1111, ssn 123-45-6789, damn' });
    expect(check.body.findings.map((f: { kind: string }) => f.kind)).toEqual(['card_number', 'ssn']);
    expect((await agent.api('PUT', '/api/v1/composer/rules', { sensitiveWords: ['damn'] })).status).toBe(403);
    expect((await admin.api('PUT', '/api/v1/composer/rules', { sensitiveWords: ['damn'], sensitivePatterns: ['('] })).status).toBe(422);
    expect((await admin.api('PUT', '/api/v1/composer/rules', { sensitiveWords: ['damn'], sensitivePatterns: ['ACC-\\d{6}'], cleanupPatterns: ['\\[ad\\]'] })).status).toBe(200);
    check = await agent.api('POST', '/api/v1/composer/check', { text: 'damn, account ACC-123456' });
    expect(check.body.findings.map((f: { kind: string; text: string }) => [f.kind, f.text])).toEqual([['word', 'damn'], ['pattern', 'ACC-123456']]);
    const cleaned = await agent.api('POST', '/api/v1/composer/clean', { text: '“Hello”\u00A0there [ad]' });
    expect(cleaned.body.text).toBe('"Hello" there');
    expect((await agent.api('GET', '/api/v1/composer/rules')).body.sensitiveWords).toEqual(['damn']);
  });
});
