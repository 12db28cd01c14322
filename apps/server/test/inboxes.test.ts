import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../test/harness.ts';

/** Issue 12 item 1: inboxes are set up by administrators; secrets are sealed and never returned. */
describe('inboxes', () => {
  let t: TestServer;
  let admin: Caller;
  let agent: Caller;
  let queueId: number;

  beforeAll(async () => {
    t = await startTestServer();
    queueId = await createQueue(t, 'Support');
    admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
    agent = await signIn(t, await createUser(t, 'agent', 'Inez Insider', [queueId]));
  });
  afterAll(() => t.close());

  it('creates an email inbox whose passwords are stored sealed and never sent back', async () => {
    const res = await admin.api('POST', '/api/v1/inboxes', {
      channel: 'email',
      name: 'Acme Support',
      address: 'Support@Acme.test',
      queueId,
      settings: { smtpHost: 'smtp.acme.test', smtpPort: 587, smtpUser: 'support@acme.test' },
      secrets: { smtpPassword: 'hunter2-smtp' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ channel: 'email', name: 'Acme Support', address: 'support@acme.test', queueId, secretsSet: ['smtpPassword'], enabled: true });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    const list = await admin.api('GET', '/api/v1/inboxes');
    expect(JSON.stringify(list.body)).not.toContain('hunter2');
    const row = await t.server.services.store.db.selectFrom('inboxes').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.secrets).not.toContain('hunter2');
    expect(t.server.services.secrets.open(row.secrets)).toEqual({ smtpPassword: 'hunter2-smtp' });
  });

  it('changes only the secrets named, removes one with null, and checks settings against the channel', async () => {
    const created = await admin.api('POST', '/api/v1/inboxes', { channel: 'telegram', name: 'Acme bot', address: '123456', secrets: { botToken: '123456:abc', webhookSecret: 's3cret' } });
    expect(created.body.secretsSet).toEqual(['botToken', 'webhookSecret']);
    const changed = await admin.api('PATCH', `/api/v1/inboxes/${created.body.id}`, { name: 'Acme on Telegram', secrets: { webhookSecret: null } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Acme on Telegram', secretsSet: ['botToken'] });
    const bad = await admin.api('PATCH', `/api/v1/inboxes/${created.body.id}`, { settings: { smtpHost: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
  });

  it('refuses a second inbox with the same address, an unknown queue, and non-admins', async () => {
    const again = await admin.api('POST', '/api/v1/inboxes', { channel: 'email', name: 'Dup', address: 'support@acme.test' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('inbox_address_taken');
    const noQueue = await admin.api('POST', '/api/v1/inboxes', { channel: 'email', name: 'Nowhere', address: 'nowhere@acme.test', queueId: 99999 });
    expect(noQueue.status).toBe(422);
    expect(noQueue.body.error.code).toBe('queue_not_found');
    expect((await agent.api('GET', '/api/v1/inboxes')).status).toBe(403);
    expect((await agent.api('POST', '/api/v1/inboxes', { channel: 'email', name: 'Mine', address: 'mine@acme.test' })).status).toBe(403);
  });

  it('deletes an inbox', async () => {
    const created = await admin.api('POST', '/api/v1/inboxes', { channel: 'whatsapp', name: 'Acme WhatsApp', address: '1098765' });
    expect((await admin.api('DELETE', `/api/v1/inboxes/${created.body.id}`)).status).toBe(200);
    expect((await admin.api('GET', `/api/v1/inboxes/${created.body.id}`)).status).toBe(404);
  });
});
