import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, ENGINE, type Caller, type TestServer } from '../../../../test/harness.ts';
import { DOVECOT, startDovecot, type Dovecot } from '../../../../test/peers/dovecot.ts';
import { inboxLeaseOwner } from '../../src/store/inboxLeases.ts';
import { createEmailInbox, eventually, tempDataDir } from './helpers.ts';

const dataDir = tempDataDir('email-imap-cluster');

function mail(from: string, subject: string, id: string) {
  return [`From: ${from}`, 'To: support@acme.test', `Subject: ${subject}`, `Message-ID: <${id}>`, 'Content-Type: text/plain; charset=utf-8', '', `About ${subject}`, ''].join('\r\n');
}

/**
 * Issue 12, several nodes: two servers on one database and one IMAP mailbox (dovecot on loopback).
 * Only the node holding the inbox's lease polls it; when that node stops renewing (it crashed, as
 * far as the other can tell) the other takes over, the first steps down, and a clean stop hands
 * the inbox over at once. Every message is stored once.
 */
describe.runIf(DOVECOT)(`IMAP polling is done by one node of a cluster (dovecot, ${ENGINE})`, () => {
  let dovecot: Dovecot;
  let a: TestServer;
  let b: TestServer;
  let admin: Caller;
  let customer: ImapFlow;
  const schema = `sbimapc_${process.pid}`;
  // Short leases, so the hand-overs happen within the test: renewed every second.
  const config = { imapLeaseMs: 3000 };

  beforeAll(async () => {
    dovecot = await startDovecot();
    a = await startTestServer({ schema, dataDir, config });
    b = await startTestServer({ schema, dataDir, config });
    const queueId = await createQueue(a, 'Support');
    admin = await signIn(a, await createUser(a, 'admin', 'Ada Admin'));
    customer = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await customer.connect();
    await createEmailInbox(admin, queueId, 'support@acme.test', { settings: { imapHost: '127.0.0.1', imapPort: dovecot.port, imapSecure: false, imapUser: dovecot.user }, secrets: { imapPassword: dovecot.password } });
  });
  afterAll(async () => {
    await customer?.logout().catch(() => {});
    await a?.close();
    await b?.close();
    await dovecot?.stop();
  });

  const inboxId = async () => (await a.server.services.store.db.selectFrom('inboxes').select('id').executeTakeFirstOrThrow()).id;
  const polling = async () => {
    const id = await inboxId();
    return [a, b].filter((t) => t.server.email.imap.get(id) !== undefined);
  };
  const stored = async () => {
    const rows = await a.server.services.store.db.selectFrom('email_messages').select('rfc_message_id').where('direction', '=', 'in').execute();
    const messages = await a.server.services.store.db.selectFrom('messages').select('id').where('sender_kind', '=', 'customer').execute();
    return { ids: rows.map((r) => r.rfc_message_id).sort(), messages: messages.length };
  };
  const settle = () => new Promise((r) => setTimeout(r, 2500)); // more than two renewals of both nodes

  it('one node polls; the other takes over when its lease runs out or it stops, and nothing is stored twice', async () => {
    await customer.append('INBOX', mail('Carla <carla@example.org>', 'First', 'c1@example.org'));
    await eventually(async () => (await stored()).ids.length === 1, 10_000);
    await settle();
    const [holder, ...others] = await polling();
    expect(others).toEqual([]);
    const other = holder === a ? b : a;
    expect(await inboxLeaseOwner(a.server.services.store.db, await inboxId())).toBe(holder!.server.services.outbox.nodeId);

    // The holder's renewals stop counting: the other node's clock passes its lease, as after a crash.
    other.clock.advance(60_000);
    await eventually(async () => {
      const p = await polling();
      return p.length === 1 && p[0] === other;
    }, 10_000);
    expect(await inboxLeaseOwner(a.server.services.store.db, await inboxId())).toBe(other.server.services.outbox.nodeId);
    await customer.append('INBOX', mail('Dan <dan@example.org>', 'Second', 'd2@example.org'));
    await eventually(async () => (await stored()).ids.length === 2, 10_000);

    // A clean stop hands over at once, without waiting for the lease to run out.
    await other.server.email.imap.stop();
    await eventually(async () => (await polling()).includes(holder!), 10_000);
    await customer.append('INBOX', mail('Eve <eve@example.org>', 'Third', 'e3@example.org'));
    await eventually(async () => (await stored()).ids.length === 3, 10_000);
    await settle();
    expect(await stored()).toEqual({ ids: ['<c1@example.org>', '<d2@example.org>', '<e3@example.org>'], messages: 3 });
  });
});
