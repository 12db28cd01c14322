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

  it('lets any agent keep personal quick replies that nobody else sees or changes', async () => {
    const other = await signIn(t, await createUser(t, 'agent', 'Rose Tyler'));
    const shared = (await admin.api('POST', '/api/v1/canned-messages', { title: 'Opening hours', body: 'We are open 9 to 5.' })).body;
    expect(shared.ownerId).toBeNull();

    // Martha adds her own; Rose does too. Shared and own are listed, by title.
    const mine = await agent.api('POST', '/api/v1/canned-messages', { title: 'My sign-off', body: 'Cheers, {{agent_name}}', personal: true });
    expect(mine.status).toBe(201);
    expect(mine.body.ownerId).toBe(agent.id);
    const hers = (await other.api('POST', '/api/v1/canned-messages', { title: 'Rose says hi', body: 'Hi from Rose', personal: true })).body;
    const titles = async (who: Caller) => (await who.api('GET', '/api/v1/canned-messages')).body.items.map((c: { title: string }) => c.title);
    expect(await titles(agent)).toEqual(['My sign-off', 'Opening hours']);
    expect(await titles(other)).toEqual(['Opening hours', 'Rose says hi']);
    // Personal means personal, administrators included.
    expect(await titles(admin)).toEqual(['Opening hours']);

    // Martha changes and deletes her own.
    const changed = await agent.api('PUT', `/api/v1/canned-messages/${mine.body.id}`, { title: 'My sign-off', body: 'Best, {{agent_name}}' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ body: 'Best, {{agent_name}}', ownerId: agent.id });

    // Someone else's personal reply does not exist for her, nor for an administrator: 404, untouched.
    for (const who of [agent, admin]) {
      const put = await who.api('PUT', `/api/v1/canned-messages/${hers.id}`, { title: 'Hacked', body: 'x' });
      expect(put.status).toBe(404);
      expect(put.body.error.code).toBe('not_found');
      expect((await who.api('DELETE', `/api/v1/canned-messages/${hers.id}`)).status).toBe(404);
    }
    expect(await titles(other)).toEqual(['Opening hours', 'Rose says hi']);

    // A shared one is seen by all but changed by administrators only: 403 forbidden.
    const put = await agent.api('PUT', `/api/v1/canned-messages/${shared.id}`, { title: 'Closed', body: 'We are closed.' });
    expect(put.status).toBe(403);
    expect(put.body.error.code).toBe('forbidden');
    expect((await agent.api('POST', '/api/v1/canned-messages', { title: 'Shared?', body: 'y', personal: false })).status).toBe(403);

    expect((await agent.api('DELETE', `/api/v1/canned-messages/${mine.body.id}`)).status).toBe(200);
    expect(await titles(agent)).toEqual(['Opening hours']);
    expect((await admin.api('DELETE', `/api/v1/canned-messages/${shared.id}`)).status).toBe(200);
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
