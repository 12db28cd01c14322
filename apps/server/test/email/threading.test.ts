import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, startTestServer, type Caller, type TestServer } from '../../../../test/harness.ts';
import type { SmtpListener } from '../../src/channels/email/smtpListener.ts';
import { OUTBOUND_CONSUMER } from '../../src/channels/email/send.ts';
import { createEmailInbox, customerMailer, listen, startSink, tempDataDir } from './helpers.ts';

tempDataDir('email-thread');

/**
 * Issue 12 items 4, 5, 8: the agent's reply leaves by the inbox's relay (a real SMTP server on
 * loopback that records what arrived), correctly threaded; the customer's answers come back into
 * the same conversation by token, In-Reply-To or References; a bounce marks the reply failed.
 */
describe('email threading and outbound', () => {
  let t: TestServer;
  let admin: Caller;
  let agent: Caller;
  let queueId: number;
  let smtp: SmtpListener;
  let sink: Awaited<ReturnType<typeof startSink>>;
  let mailer: ReturnType<typeof customerMailer>;

  beforeAll(async () => {
    t = await startTestServer();
    queueId = await createQueue(t, 'Support');
    admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
    agent = await signIn(t, await createUser(t, 'agent', 'Mark Watney', [queueId]));
    sink = await startSink({ user: 'relay-user', password: 'relay-pass' });
    await createEmailInbox(admin, queueId, 'support@acme.test', {
      settings: { smtpHost: '127.0.0.1', smtpPort: sink.port, smtpUser: 'relay-user', fromName: 'Acme Support' },
      secrets: { smtpPassword: 'relay-pass' },
    });
    smtp = await listen(t);
    mailer = customerMailer(smtp.port);
  });
  afterAll(async () => {
    mailer?.close();
    await smtp?.close();
    await sink?.close();
    await t?.close();
  });

  const db = () => t.server.services.store.db;
  // On PostgreSQL committed events get their seq from the dispatcher's sequencer first.
  const send = async () => {
    await t.server.services.dispatcher.flush();
    return t.server.services.outbox.runOnce(OUTBOUND_CONSUMER);
  };
  const latestConversation = async (email: string) => {
    const list = await admin.api('GET', `/api/v1/conversations?q=${encodeURIComponent(email)}&limit=50`);
    return list.body.items as Array<{ id: number; subject: string | null; previousConversationId: number | null; status: string }>;
  };
  const messagesOf = async (id: number) => (await admin.api('GET', `/api/v1/conversations/${id}/messages`)).body.items as Array<{ id: number; body: string; status: string; failureReason: string | null; senderKind: string }>;
  async function customerStarts(from: string, subject: string, messageId: string) {
    await mailer.sendMail({ from, to: 'support@acme.test', subject, text: `First mail: ${subject}`, messageId });
    const [c] = await latestConversation(from.replace(/.*</, '').replace('>', ''));
    expect((await admin.api('POST', `/api/v1/conversations/${c!.id}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    return c!.id;
  }
  async function agentReplies(conversationId: number, body: string) {
    const res = await agent.api('POST', `/api/v1/conversations/${conversationId}/messages`, { body });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('queued');
    return res.body.id as number;
  }

  it('sends the reply through the relay once, threaded, from the inbox, with a signed Reply-To and no CC or BCC; sent on 250', async () => {
    const id = await customerStarts('Carla <carla@example.org>', 'Order 1234 did not arrive', '<carla-1@example.org>');
    const msgId = await agentReplies(id, 'Sorry about that, Carla. It ships today.');
    await send();
    expect(sink.received).toHaveLength(1);
    const got = sink.received[0]!;
    expect(got.auth?.username).toBe('relay-user');
    expect(got.envelope.to).toEqual(['carla@example.org']);
    const p = got.parsed;
    expect(p.subject).toBe('Re: Order 1234 did not arrive');
    expect(p.from?.value[0]).toMatchObject({ address: 'support@acme.test', name: 'Acme Support' });
    expect(p.inReplyTo).toBe('<carla-1@example.org>');
    expect(p.references).toBe('<carla-1@example.org>');
    expect(p.messageId).toMatch(new RegExp(`^<sb\\.${msgId}\\.[a-f0-9]{12}@acme\\.test>$`));
    expect(p.replyTo?.value[0]?.address).toMatch(new RegExp(`^support\\+c${id}-[a-z0-9]{12}@acme\\.test$`));
    expect(p.cc).toBeUndefined();
    expect(p.bcc).toBeUndefined();
    expect(got.raw.toString()).not.toMatch(/^(cc|bcc):/im);
    expect(p.text?.trim()).toBe('Sorry about that, Carla. It ships today.');
    expect((await messagesOf(id)).at(-1)).toMatchObject({ id: msgId, status: 'sent' });
    // Run again (as after a crash before the cursor moved): nothing is sent twice.
    await send();
    await t.server.email.sender.handle({ seq: 0, type: 'message.created', conversationId: id, actorId: agent.id, at: 0, data: { message: { id: msgId, senderKind: 'agent', internal: false, attachments: [] } }, attempt: 2 });
    expect(sink.received).toHaveLength(1);

    // The customer answers from a mail client that keeps the headers: back into the same conversation, by token.
    await mailer.sendMail({ from: 'Carla <carla@example.org>', to: p.replyTo!.text, subject: 'Re: Order 1234 did not arrive', text: 'Thanks!\n\nOn Tue, Acme Support wrote:\n> Sorry about that', inReplyTo: p.messageId, references: [p.references as string, p.messageId!] });
    const after = await messagesOf(id);
    expect(after.at(-1)).toMatchObject({ senderKind: 'customer', body: 'Thanks!' });
    expect(await latestConversation('carla@example.org')).toHaveLength(1);
  });

  it('shows the addresses the customer copied, and the original with its quoted history, but replies to the customer alone', async () => {
    await mailer.sendMail({
      from: 'Hana <hana@example.org>',
      to: 'support@acme.test',
      cc: ['Boss <boss@example.org>', 'team@example.org'],
      subject: 'Copied',
      text: 'Please help.\n\n-- \nHana, Accounts\n\nOn Mon, Acme wrote:\n> earlier',
      messageId: '<hana-1@example.org>',
    });
    const [c] = await latestConversation('hana@example.org');
    const [m] = await messagesOf(c!.id);
    // The message is the new text: no signature, no quoted history, no copied addresses written into it.
    expect(m!.body).toBe('Please help.');
    const emails = await agent.api('GET', `/api/v1/conversations/${c!.id}/emails`);
    // Not assigned to Mark yet, and not in a queue he works from the inbox: hidden like the messages.
    const canSee = (await agent.api('GET', `/api/v1/conversations/${c!.id}/messages`)).status;
    expect(emails.status).toBe(canSee);
    const viaAdmin = await admin.api('GET', `/api/v1/conversations/${c!.id}/emails`);
    expect(viaAdmin.body.items).toEqual([{ messageId: m!.id, direction: 'in', subject: 'Copied', from: 'hana@example.org', cc: ['boss@example.org', 'team@example.org'], hasHtml: false, hasOriginal: true, remoteImages: false }]);
    const original = await admin.api('GET', `/api/v1/conversations/${c!.id}/emails/${m!.id}`);
    expect(original.body).toEqual({ text: expect.stringContaining('> earlier'), html: null });
    const raw = await t.server.app.inject({ method: 'GET', url: `/api/v1/conversations/${c!.id}/emails/${m!.id}/raw`, cookies: { sb_session: admin.cookie } });
    expect(raw.headers['content-type']).toBe('message/rfc822');
    expect(raw.body).toMatch(/^Message-ID: <hana-1@example\.org>/im);
    expect((await admin.api('GET', `/api/v1/conversations/${c!.id}/emails/999999`)).body.error.code).toBe('not_found');

    expect((await admin.api('POST', `/api/v1/conversations/${c!.id}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    await agentReplies(c!.id, 'On it.');
    await send();
    const got = sink.received.at(-1)!;
    expect(got.envelope.to).toEqual(['hana@example.org']);
    expect(got.parsed.cc).toBeUndefined();
    expect(got.raw.toString()).not.toMatch(/^(cc|bcc):|boss@example\.org|team@example\.org/im);
    const after = await agent.api('GET', `/api/v1/conversations/${c!.id}/emails`);
    expect(after.body.items.map((e: { direction: string; cc: string[] }) => [e.direction, e.cc])).toEqual([
      ['in', ['boss@example.org', 'team@example.org']],
      ['out', []],
    ]);
  });

  it('joins by In-Reply-To when the client wrote to the plain address (Reply-To stripped), and by References alone', async () => {
    const id = await customerStarts('Dan <dan@example.org>', 'Invoice question', '<dan-1@example.org>');
    await agentReplies(id, 'Which invoice?');
    await send();
    const ours = sink.received.at(-1)!.parsed.messageId!;
    await mailer.sendMail({ from: 'dan@example.org', to: 'support@acme.test', subject: 'Re: Invoice question', text: 'Number 77', inReplyTo: ours });
    await mailer.sendMail({ from: 'dan@example.org', to: 'support@acme.test', subject: 'Another thing', text: 'And 78', references: ['<unknown@elsewhere>', ours, '<also-unknown@elsewhere>'] });
    expect((await messagesOf(id)).filter((m) => m.senderKind === 'customer').map((m) => m.body)).toEqual(['First mail: Invoice question', 'Number 77', 'And 78']);
    expect(await latestConversation('dan@example.org')).toHaveLength(1);
  });

  it('opens a new conversation for forwarded mail, a forged token, or another sender quoting the thread', async () => {
    const id = await customerStarts('Eve <eve@example.org>', 'Broken login', '<eve-1@example.org>');
    await mailer.sendMail({ from: 'eve@example.org', to: 'support@acme.test', subject: 'Fwd: Broken login', text: '---------- Forwarded message ---------\nFrom: someone' });
    await mailer.sendMail({ from: 'eve@example.org', to: `support+c${id}-000000000000@acme.test`, subject: 'Forged', text: 'token with a wrong signature' });
    await mailer.sendMail({ from: 'mallory@example.org', to: 'support@acme.test', subject: 'Re: Broken login', text: 'me too', inReplyTo: '<eve-1@example.org>' });
    const eve = await latestConversation('eve@example.org');
    expect(eve.map((c) => c.subject).sort()).toEqual(['Broken login', 'Forged', 'Fwd: Broken login']);
    expect((await latestConversation('mallory@example.org')).map((c) => c.subject)).toEqual(['Re: Broken login']);
  });

  it('a reply after resolve opens a new linked conversation under the new subject; replies go out as Re: that subject', async () => {
    const id = await customerStarts('Fay <fay@example.org>', 'Refund', '<fay-1@example.org>');
    await agentReplies(id, 'Refunded.');
    await send();
    const ours = sink.received.at(-1)!.parsed;
    expect((await agent.api('POST', `/api/v1/conversations/${id}/resolve`, {})).status).toBe(200);
    await mailer.sendMail({ from: 'fay@example.org', to: ours.replyTo!.text, subject: 'Refund not received yet', text: 'Still nothing', inReplyTo: ours.messageId });
    const list = await latestConversation('fay@example.org');
    const linked = list.find((c) => c.id !== id)!;
    expect(linked).toMatchObject({ subject: 'Refund not received yet', previousConversationId: id });
    expect((await messagesOf(linked.id)).map((m) => m.body)).toEqual(['Still nothing']);
    expect((await admin.api('POST', `/api/v1/conversations/${linked.id}/reassign`, { assigneeId: agent.id })).status).toBe(200);
    await agentReplies(linked.id, 'Looking into it.');
    await send();
    expect(sink.received.at(-1)!.parsed.subject).toBe('Re: Refund not received yet');
  });

  it('marks the reply failed on a permanent refusal and on a bounce, and retries a temporary one', async () => {
    const id = await customerStarts('Gus <gus@example.org>', 'Hello', '<gus-1@example.org>');
    sink.refuse.set('gus@example.org', { code: 451, text: '4.7.1 Try again later', times: 1 });
    const first = await agentReplies(id, 'First try fails for a while');
    const before = sink.received.length;
    await send();
    expect((await messagesOf(id)).find((m) => m.id === first)!.status).toBe('queued');
    t.clock.advance(10 * 60_000);
    await send();
    expect(sink.received.length).toBe(before + 1);
    expect((await messagesOf(id)).find((m) => m.id === first)!.status).toBe('sent');

    sink.refuse.set('gus@example.org', { code: 550, text: '5.1.1 <gus@example.org>: no such user', times: 1 });
    const refused = await agentReplies(id, 'This one is refused');
    await send();
    expect((await messagesOf(id)).find((m) => m.id === refused)).toMatchObject({ status: 'failed', failureReason: expect.stringContaining('no such user') });

    // Accepted by the relay, bounced later by the customer's server: a DSN to our address names our Message-ID.
    const bounced = await agentReplies(id, 'This one bounces');
    await send();
    const ours = sink.received.at(-1)!.parsed.messageId!;
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
      'To: support@acme.test',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn-1@mx.example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      '',
      '--r',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--r',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.org',
      '',
      'Final-Recipient: rfc822; gus@example.org',
      'Action: failed',
      'Status: 5.2.2',
      'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full',
      '--r',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${ours}`,
      'Subject: Re: Hello',
      '--r--',
      '',
    ].join('\r\n');
    await mailer.sendMail({ envelope: { from: '', to: 'support@acme.test' }, raw: dsn });
    expect((await messagesOf(id)).find((m) => m.id === bounced)).toMatchObject({ status: 'failed', failureReason: expect.stringContaining('Mailbox full') });
    // The bounce itself is not a customer message.
    expect((await messagesOf(id)).filter((m) => m.senderKind === 'customer')).toHaveLength(1);
    void db;
  });
});
