import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestServer, type Caller, type TestServer } from '../../../../test/harness.ts';
import { DEMO_INBOX_ADDRESS, DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.ts';
import { customerMailer, tempDataDir } from './helpers.ts';

tempDataDir('email-demo');

/**
 * Issue 12 item 9 / "Done when": the demo workspace's inbox receives mail through the SMTP
 * listener the server starts itself (SMTP_PORT; the demo's 2525, here a free port), exactly as
 * the README's one-line nodemailer command sends it.
 */
describe('the demo inbox', () => {
  let t: TestServer;
  let mark: Caller;

  beforeAll(async () => {
    t = await startTestServer({ config: { smtpPort: 0, smtpHost: '127.0.0.1' } });
    await seedDemo(t.server.services.store, t.clock, { history: false });
    const row = await t.server.services.store.db.selectFrom('users').select(['id', 'email']).where('email', '=', 'mark@example.com').executeTakeFirstOrThrow();
    mark = await signIn(t, row, DEMO_PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('takes the README’s test email; the conversation, with its subject, is in the workspace when the sender hears 250', async () => {
    const port = t.server.email.smtp!.port;
    const mailer = customerMailer(port);
    try {
      const info = await mailer.sendMail({ from: 'Carla <carla@example.org>', to: DEMO_INBOX_ADDRESS, subject: 'My order did not arrive', text: 'Hello, order 1234 has not arrived.' });
      expect(info.response).toMatch(/^250 /);
    } finally {
      mailer.close();
    }
    const list = await mark.api('GET', '/api/v1/conversations?view=all&q=carla%40example.org');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ channel: 'email', subject: 'My order did not arrive', inbox: { name: 'Acme Support' } });
    const messages = await mark.api('GET', `/api/v1/conversations/${list.body.items[0].id}/messages`);
    expect(messages.body.items.map((m: { body: string }) => m.body)).toEqual(['Hello, order 1234 has not arrived.']);
  });
});
