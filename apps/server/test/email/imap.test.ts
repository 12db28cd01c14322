import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, ENGINE, type Caller, type TestServer } from '../../../../test/harness.ts';
import { DOVECOT, startDovecot, type Dovecot } from '../../../../test/peers/dovecot.ts';
import { createEmailInbox, eventually, tempDataDir } from './helpers.ts';

const dataDir = tempDataDir('email-imap');

function mail(from: string, subject: string, id: string, body: string) {
  return [`From: ${from}`, 'To: support@acme.test', `Subject: ${subject}`, `Message-ID: <${id}>`, 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n');
}

/**
 * Issue 12 item 2b: an existing mailbox on a real IMAP server (dovecot on loopback) is read with
 * IDLE; a restart neither misses nor repeats a message. Needs dovecot-imapd (`.ci/run` installs it).
 */
describe.runIf(DOVECOT)(`email in by IMAP (dovecot, ${ENGINE})`, () => {
  let dovecot: Dovecot;
  let t: TestServer;
  let admin: Caller;
  let queueId: number;
  let customer: ImapFlow;
  const schema = `sbimap_${process.pid}`;

  beforeAll(async () => {
    dovecot = await startDovecot();
    t = await startTestServer({ schema, dataDir });
    queueId = await createQueue(t, 'Support');
    admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
    // The "customer's server" delivers into the mailbox (IMAP APPEND, as a mail client's Sent copy would).
    customer = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await customer.connect();
  });
  afterAll(async () => {
    await customer?.logout().catch(() => {});
    await t?.close();
    await dovecot?.stop();
  });

  const subjects = async () => {
    const list = await admin.api('GET', '/api/v1/conversations?channel=email&limit=100');
    return (list.body.items as Array<{ subject: string }>).map((c) => c.subject).sort();
  };

  it('takes the mail already there, then new mail as it arrives (IDLE), and after a restart only what came meanwhile', async () => {
    await customer.append('INBOX', mail('Carla <carla@example.org>', 'Before setup', 'imap-1@example.org', 'Already in the mailbox'));
    await createEmailInbox(admin, queueId, 'support@acme.test', { settings: { imapHost: '127.0.0.1', imapPort: dovecot.port, imapSecure: false, imapUser: dovecot.user }, secrets: { imapPassword: dovecot.password } });
    await eventually(async () => (await subjects()).includes('Before setup'));

    await customer.append('INBOX', mail('Dan <dan@example.org>', 'While watching', 'imap-2@example.org', 'Arrives during IDLE'));
    await eventually(async () => (await subjects()).includes('While watching'));

    // Restart: the server goes away, mail arrives meanwhile, a new server on the same database continues.
    await t.server.close();
    await customer.append('INBOX', mail('Eve <eve@example.org>', 'While down', 'imap-3@example.org', 'Arrived while Switchboard was down'));
    const t2 = await startTestServer({ schema, dataDir });
    try {
      const admin2 = await signIn(t2, { id: admin.id, email: admin.email });
      await eventually(async () => {
        const list = await admin2.api('GET', '/api/v1/conversations?channel=email&limit=100');
        return (list.body.items as unknown[]).length === 3;
      });
      const list = await admin2.api('GET', '/api/v1/conversations?channel=email&limit=100');
      expect((list.body.items as Array<{ subject: string }>).map((c) => c.subject).sort()).toEqual(['Before setup', 'While down', 'While watching']);
      const state = await t2.server.services.store.db.selectFrom('imap_state').selectAll().executeTakeFirstOrThrow();
      expect(Number(state.last_uid)).toBe(3);
      const messages = await t2.server.services.store.db.selectFrom('messages').select('id').where('sender_kind', '=', 'customer').execute();
      expect(messages).toHaveLength(3);
    } finally {
      await t2.close();
    }
  });
});
