import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue, createUser, signIn, type Caller, type TestServer, startTestServer } from '../../../../test/harness.ts';
import type { SmtpListener } from '../../src/channels/email/smtpListener.ts';
import { createEmailInbox, customerMailer, listen, tempDataDir } from './helpers.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
tempDataDir('email-in');

/** Issue 12 items 2a, 3, 7: mail sent by a real SMTP client to the built-in listener becomes a conversation. */
describe('email in by SMTP', () => {
  let t: TestServer;
  let admin: Caller;
  let queueId: number;
  let smtp: SmtpListener;
  let mailer: ReturnType<typeof customerMailer>;

  beforeAll(async () => {
    t = await startTestServer();
    queueId = await createQueue(t, 'Support');
    admin = await signIn(t, await createUser(t, 'admin', 'Ada Admin'));
    await createEmailInbox(admin, queueId);
    smtp = await listen(t, 3 * 1024 * 1024);
    mailer = customerMailer(smtp.port);
  });
  afterAll(async () => {
    mailer?.close();
    await smtp?.close();
    await t?.close();
  });

  const conversationsOf = async (email: string) => {
    const list = await admin.api('GET', `/api/v1/conversations?q=${encodeURIComponent(email)}&limit=50`);
    return list.body.items as Array<{ id: number; subject: string | null; inbox: { name: string } | null; channel: string; previousConversationId: number | null; status: string }>;
  };
  const messagesOf = async (id: number) => (await admin.api('GET', `/api/v1/conversations/${id}/messages`)).body.items as Array<{ body: string; attachments: Array<{ name: string; url: string; contentType: string; size: number }>; senderKind: string }>;

  it('stores an email with its subject, text, attachment and inline image in a new conversation of the inbox, before answering 250', async () => {
    const info = await mailer.sendMail({
      from: 'Carla Customer <carla@example.org>',
      to: 'support@acme.test',
      subject: 'Order 1234 did not arrive',
      text: 'Hello, my order 1234 has not arrived.\n\nOn Mon, 1 Dec 2026, Shop <shop@acme.test> wrote:\n> Your order is on its way',
      html: '<p>Hello, my order <b>1234</b> has not arrived.</p><img src="cid:logo@carla"><script>alert(1)</script><a href="javascript:alert(2)" onclick="x()">link</a>',
      attachments: [
        { filename: 'receipt.png', content: PNG },
        { filename: 'logo.png', content: PNG, cid: 'logo@carla' },
      ],
    });
    expect(info.response).toMatch(/^250 /);
    // Acknowledged means stored: the conversation is there the moment the client heard 250.
    const [c] = await conversationsOf('carla@example.org');
    expect(c).toMatchObject({ channel: 'email', subject: 'Order 1234 did not arrive', inbox: { name: 'Acme Support' }, status: 'queued' });
    const [m] = await messagesOf(c!.id);
    expect(m!.senderKind).toBe('customer');
    expect(m!.body).toBe('Hello, my order 1234 has not arrived.');
    // In MIME order: nodemailer puts the inline image beside the HTML, before the attachment.
    expect(m!.attachments.map((a) => [a.name, a.contentType])).toEqual([
      ['logo.png', 'image/png'],
      ['receipt.png', 'image/png'],
    ]);
    const file = await t.server.app.inject({ method: 'GET', url: m!.attachments[1]!.url, cookies: { sb_session: admin.cookie } });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(PNG)).toBe(true);
    // The HTML is sanitized on ingest; the inline image points at our stored copy.
    const row = await t.server.services.store.db.selectFrom('email_messages').selectAll().where('conversation_id', '=', c!.id).executeTakeFirstOrThrow();
    expect(row.html).not.toMatch(/script|javascript:|onclick/i);
    expect(row.html).toContain(`src="${m!.attachments[0]!.url}"`);
    expect(row.raw_path && (await import('node:fs')).existsSync(row.raw_path)).toBe(true);
  });

  it('refuses mail for an unknown address with 550 and oversized mail with 552', async () => {
    await expect(mailer.sendMail({ from: 'x@example.org', to: 'nobody@acme.test', subject: 'hi', text: 'hi' })).rejects.toMatchObject({ responseCode: 550 });
    await expect(mailer.sendMail({ from: 'big@example.org', to: 'support@acme.test', subject: 'big', text: 'x', attachments: [{ filename: 'big.bin', content: Buffer.alloc(4 * 1024 * 1024, 7) }] })).rejects.toMatchObject({ responseCode: 552 });
    expect(await conversationsOf('big@example.org')).toEqual([]);
  });

  it('refuses a 30 MB email with a clear 552 at the default 25 MB limit, keeps nothing of it, and goes on serving', async () => {
    const big = await listen(t, 25 * 1024 * 1024);
    const client = customerMailer(big.port);
    try {
      const raw = ['From: kim@example.org', 'To: support@acme.test', 'Subject: Huge', 'Message-ID: <huge@example.org>', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '', ''].join('\r\n');
      const line = `${'A'.repeat(76)}\r\n`;
      const body = line.repeat(Math.ceil((30 * 1024 * 1024) / line.length));
      // Sent without announcing its size, so the listener has to count it as it streams by.
      await expect(client.sendMail({ envelope: { from: 'kim@example.org', to: 'support@acme.test' }, raw: raw + body })).rejects.toMatchObject({
        responseCode: 552,
        response: expect.stringContaining('Message too big: this server accepts at most 25 MB'),
      });
      expect(await conversationsOf('kim@example.org')).toEqual([]);
      const fs = await import('node:fs');
      const dir = (await import('../../src/channels/email/intake.ts')).rawDir(process.env.DATA_DIR!, 1);
      expect(fs.readdirSync(dir).filter((f) => fs.statSync(`${dir}/${f}`).size > 1024 * 1024)).toEqual([]);
      const next = await client.sendMail({ from: 'kim@example.org', to: 'support@acme.test', subject: 'Smaller', text: 'A link instead' });
      expect(next.response).toMatch(/^250 /);
      expect((await conversationsOf('kim@example.org')).map((c) => c.subject)).toEqual(['Smaller']);
    } finally {
      client.close();
      await big.close();
    }
  });

  it('stores a redelivered email (same Message-ID) once', async () => {
    const mail = { from: 'Dan <dan@example.org>', to: 'support@acme.test', subject: 'Twice', text: 'Sent twice by a retrying server', messageId: '<twice-1@example.org>' };
    await mailer.sendMail(mail);
    await mailer.sendMail(mail);
    const list = await conversationsOf('dan@example.org');
    expect(list).toHaveLength(1);
    expect(await messagesOf(list[0]!.id)).toHaveLength(1);
  });

  it('keeps what it can of bad input and stays up: malformed MIME, an unknown charset, 1,000 attachments, a header bomb', async () => {
    const raw = (lines: string[]) => lines.join('\r\n');
    // A multipart whose closing boundary never comes.
    await mailer.sendMail({ envelope: { from: 'eve@example.org', to: 'support@acme.test' }, raw: raw(['From: Eve <eve@example.org>', 'To: support@acme.test', 'Subject: Broken', 'Message-ID: <broken@example.org>', 'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain', '', 'The part that can be read', '--b1', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '', '!!!not base64!!!']) });
    const [broken] = await conversationsOf('eve@example.org');
    expect(broken!.subject).toBe('Broken');
    expect((await messagesOf(broken!.id))[0]!.body).toContain('The part that can be read');

    // Latin-1 bytes under a charset nobody knows: read as UTF-8 with replacement characters, not refused.
    const latin = Buffer.concat([Buffer.from(raw(['From: fay@example.org', 'To: support@acme.test', 'Subject: =?x-unknown?Q?Caf=E9?=', 'Message-ID: <charset@example.org>', 'Content-Type: text/plain; charset=x-unknown-8bit', '', 'Caf'])), Buffer.from([0xe9]), Buffer.from(' au lait\r\n')]);
    await mailer.sendMail({ envelope: { from: 'fay@example.org', to: 'support@acme.test' }, raw: latin });
    const [cafe] = await conversationsOf('fay@example.org');
    expect((await messagesOf(cafe!.id))[0]!.body).toMatch(/^Caf.+ au lait$/);

    // 1,000 tiny attachments: the first 20 are kept, the rest named in a note (the parser stops
    // counting MIME parts at its own limit of 1,000, which the note also says).
    await mailer.sendMail({ from: 'gus@example.org', to: 'support@acme.test', subject: 'Many files', text: 'See attached', attachments: Array.from({ length: 1000 }, (_, i) => ({ filename: `f${i}.txt`, content: `file ${i}` })) });
    const [many] = await conversationsOf('gus@example.org');
    const [mm] = await messagesOf(many!.id);
    expect(mm!.attachments).toHaveLength(20);
    expect(mm!.body).toMatch(/\d{3} more attachments were not kept \(an email keeps at most 20\)/);

    // A header bomb (2 MB of headers) is read as far as it goes; the server keeps answering.
    const bomb = raw(['From: hal@example.org', 'To: support@acme.test', 'Subject: Bomb', 'Message-ID: <bomb@example.org>', ...Array.from({ length: 40000 }, (_, i) => `X-Filler-${i}: ${'y'.repeat(40)}`), '', 'Body after the bomb']);
    const res = await mailer.sendMail({ envelope: { from: 'hal@example.org', to: 'support@acme.test' }, raw: bomb });
    expect(res.response).toMatch(/^250 /);
    const after = await mailer.sendMail({ from: 'ivy@example.org', to: 'support@acme.test', subject: 'Still up?', text: 'yes' });
    expect(after.response).toMatch(/^250 /);
    expect(await conversationsOf('ivy@example.org')).toHaveLength(1);
  });

  it('folds a long email into the 2,000-character limit and keeps the full text as message.txt', async () => {
    const long = 'Lorem ipsum dolor sit amet. '.repeat(200);
    await mailer.sendMail({ from: 'jo@example.org', to: 'support@acme.test', subject: 'Long story', text: long });
    const [c] = await conversationsOf('jo@example.org');
    const [m] = await messagesOf(c!.id);
    expect([...m!.body].length).toBeLessThanOrEqual(2000);
    expect(m!.body).toContain('continued in message.txt');
    const txt = m!.attachments.find((a) => a.name === 'message.txt')!;
    const file = await t.server.app.inject({ method: 'GET', url: txt.url, cookies: { sb_session: admin.cookie } });
    expect(file.body).toBe(long.trim());
  });
});
