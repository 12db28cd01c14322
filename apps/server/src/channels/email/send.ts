import fsp from 'node:fs/promises';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Message } from '@switchboard/protocol';
import type { Outbox } from '../../events/outbox/outbox.ts';
import type { OutboxEvent } from '../../events/outbox/consumer.ts';
import { updateDeliveryStatus } from '../../actions/messages.ts';
import { recordEmail } from '../../actions/email.ts';
import { AppError } from '../../errors.ts';
import type { InboxRow } from '../inboxes.ts';
import { recordInboxError, clearInboxError } from '../inboxes.ts';
import { mayNeedSending } from '../outbound.ts';
import type { EmailDeps } from './intake.ts';
import { outboundMessageId, replyAddress, replySubject } from './addresses.ts';
import { emailMetrics } from './metrics.ts';
import { ownedFileRef } from '../../attachments/owned.ts';
import { folderFilePath } from '../../attachments/files.ts';

export const OUTBOUND_CONSUMER = 'email.outbound';
const MAX_ATTEMPTS = 8;

/** What the relay said, kept short, for the message's failure reason. */
function reasonOf(err: { response?: string; message?: string }): string {
  return (err.response ?? err.message ?? 'unknown error').replace(/\s+/g, ' ').slice(0, 300);
}

/** Permanent: the relay refused this message itself (5xx to MAIL/RCPT/DATA), so trying again cannot help. */
function permanent(err: { responseCode?: number; code?: string }): boolean {
  return typeof err.responseCode === 'number' && err.responseCode >= 500 && err.responseCode < 600 && err.code !== 'EAUTH';
}

/**
 * Outbound email (issue 12 item 5): an agent's reply in an email conversation is the
 * `message.created` event written in the reply's own transaction; the outbox consumer (one node
 * at a time, retried with backoff, restart-safe) sends it through the inbox's relay with nodemailer.
 * The Message-ID is derived from the message id, so a retry after a lost answer is the same mail,
 * and a message recorded as sent is never sent again. 250 → sent; a 5xx → failed with the reason.
 */
export class EmailSender {
  private transports = new Map<number, { stamp: number; t: Transporter }>();

  constructor(private readonly deps: EmailDeps) {}

  async register(outbox: Outbox): Promise<void> {
    await outbox.register({
      name: OUTBOUND_CONSUMER,
      types: ['message.created'],
      wakesFor: mayNeedSending,
      maxAttempts: MAX_ATTEMPTS,
      baseDelayMs: 5_000,
      handle: (e) => this.handle(e),
    });
  }

  close(): void {
    for (const { t } of this.transports.values()) t.close();
    this.transports.clear();
  }

  private transportFor(inbox: InboxRow, settings: Record<string, unknown>): Transporter {
    const cached = this.transports.get(inbox.id);
    if (cached && cached.stamp === inbox.updated_at) return cached.t;
    cached?.t.close();
    const secrets = this.deps.secrets.open(inbox.secrets);
    const t = nodemailer.createTransport({
      host: settings.smtpHost as string,
      port: (settings.smtpPort as number | undefined) ?? 587,
      secure: settings.smtpSecure === true,
      ...(settings.smtpUser ? { auth: { user: settings.smtpUser as string, pass: secrets.smtpPassword ?? '' } } : {}),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
    this.transports.set(inbox.id, { stamp: inbox.updated_at, t });
    return t;
  }

  private async fail(messageId: number, reason: string) {
    emailMetrics.sent.inc({ outcome: 'failed' });
    try {
      await updateDeliveryStatus(this.deps.actions, messageId, 'failed', reason);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
    }
  }

  async handle(e: OutboxEvent): Promise<void> {
    const { message } = e.data as { message: Message };
    if (message.senderKind !== 'agent' || message.internal || e.conversationId == null) return;
    const db = this.deps.actions.store.db;
    const c = await db.selectFrom('conversations').selectAll().where('id', '=', e.conversationId).executeTakeFirst();
    if (!c || c.channel !== 'email' || c.inbox_id == null) return;
    const done = await db.selectFrom('email_messages').select('id').where('message_id', '=', message.id).where('direction', '=', 'out').executeTakeFirst();
    if (done) return; // sent before (a redelivered item): never twice
    const row = await db.selectFrom('messages').select(['status']).where('id', '=', message.id).executeTakeFirst();
    if (!row || row.status !== 'queued') return;
    const inbox = await db.selectFrom('inboxes').selectAll().where('id', '=', c.inbox_id).executeTakeFirst();
    if (!inbox) return this.fail(message.id, 'The email inbox of this conversation was deleted.');
    const settings = JSON.parse(inbox.settings) as Record<string, unknown>;
    if (!settings.smtpHost) return this.fail(message.id, `The inbox ${inbox.name} has no outgoing mail server; set one under Admin → Inboxes.`);
    const contact = c.contact_id != null ? await db.selectFrom('contacts').select(['email', 'name']).where('id', '=', c.contact_id).executeTakeFirst() : undefined;
    if (!contact?.email) return this.fail(message.id, 'The customer has no email address.');

    // The thread so far: every Message-ID of this conversation, oldest first; the reply answers the customer's latest.
    const thread = await db.selectFrom('email_messages').select(['rfc_message_id', 'direction']).where('conversation_id', '=', c.id).orderBy('id').execute();
    const lastIn = [...thread].reverse().find((t) => t.direction === 'in');
    const references = thread.map((t) => t.rfc_message_id).slice(-30);
    const messageIdHeader = outboundMessageId(this.deps.secrets, inbox.address, message.id);
    const attachments = await Promise.all(
      message.attachments.map(async (a) => {
        const ref = ownedFileRef(a.url);
        return { filename: a.name, contentType: a.contentType, path: folderFilePath(this.deps.dataDir, c.id, ref?.kind === 'upload' && ref.conversationId === c.id ? ref.key : 'missing') };
      }),
    );
    for (const a of attachments) await fsp.access(a.path).catch(() => Promise.reject(new Error(`attachment ${a.filename} is missing on disk`)));

    try {
      const info = await this.transportFor(inbox, settings).sendMail({
        messageId: messageIdHeader,
        from: { name: (settings.fromName as string | undefined) || inbox.name, address: inbox.address },
        to: { name: contact.name, address: contact.email },
        replyTo: replyAddress(this.deps.secrets, inbox.address, c.id),
        subject: replySubject(c.subject),
        text: message.body,
        ...(lastIn ? { inReplyTo: lastIn.rfc_message_id } : {}),
        ...(references.length ? { references } : {}),
        attachments,
      });
      await recordEmail(db, { inbox_id: inbox.id, direction: 'out', rfc_message_id: messageIdHeader, conversation_id: c.id, message_id: message.id, state: 'sent', raw_path: null, subject: replySubject(c.subject), from_address: inbox.address, cc: null, html: null, error: null, created_at: this.deps.actions.clock.now() });
      emailMetrics.sent.inc({ outcome: 'sent' });
      void info;
      await clearInboxError(db, inbox.id);
      await updateDeliveryStatus(this.deps.actions, message.id, 'sent').catch((err) => {
        if (!(err instanceof AppError)) throw err;
      });
    } catch (err) {
      const x = err as { responseCode?: number; code?: string; response?: string; message?: string };
      if (permanent(x)) return this.fail(message.id, `The mail server refused the email: ${reasonOf(x)}`);
      await recordInboxError(db, inbox.id, `Sending failed: ${reasonOf(x)}`, this.deps.actions.clock.now());
      if (e.attempt >= MAX_ATTEMPTS) return this.fail(message.id, `The email could not be sent after ${MAX_ATTEMPTS} attempts: ${reasonOf(x)}`);
      throw err; // temporary (connection, 4xx, login): the outbox tries again later
    }
  }
}
