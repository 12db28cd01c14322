import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { transition } from '@switchboard/core';
import type { ActionContext } from '../../actions/context.ts';
import { runAction } from '../../actions/context.ts';
import { insertContact } from '../../actions/contacts.ts';
import { openConversation } from '../../actions/opening.ts';
import { storeCustomerMessage, updateDeliveryStatus } from '../../actions/messages.ts';
import { recordEmail } from '../../actions/email.ts';
import { limitsFor } from '../../attachments/limits.ts';
import type { Db, Tx } from '../../store/db.ts';
import { AppError } from '../../errors.ts';
import type { InboxRow } from '../inboxes.ts';
import type { SecretBox } from '../secrets.ts';
import { conversationOfToken, parseRecipient } from './addresses.ts';
import { parseEmail, type ParsedEmail } from './parse.ts';
import { fitBody, newTextOf } from './text.ts';
import { conversationFileUrl } from '../../attachments/owned.ts';

export interface EmailDeps {
  actions: ActionContext;
  secrets: SecretBox;
  dataDir: string;
  log: Logger;
}

export type IntakeOutcome =
  | { kind: 'stored'; conversationId: number; messageId: number }
  | { kind: 'duplicate' }
  | { kind: 'bounce'; messageId: number | null }
  | { kind: 'failed'; reason: string };

/** Where raw messages are kept (one file per message received, named in `email_messages.raw_path`). */
export function rawDir(dataDir: string, inboxId: number): string {
  return path.resolve(dataDir, 'email', 'raw', String(inboxId));
}

async function queueOf(tx: Tx, inbox: InboxRow): Promise<number | null> {
  if (inbox.queue_id != null) return inbox.queue_id;
  const q = await tx.selectFrom('queues').select('id').orderBy('id').limit(1).executeTakeFirst();
  return q?.id ?? null;
}

/**
 * The conversation an email continues: our signed reply token first (any recipient at the inbox's
 * address with a `+tag`), then In-Reply-To, then References from the newest back. Only a
 * conversation of the same inbox and the same sender counts; anything else opens a new one.
 */
async function threadOf(db: Db | Tx, box: SecretBox, inbox: InboxRow, mail: ParsedEmail, envelopeTo: string[]): Promise<number | null> {
  for (const rcpt of [...envelopeTo, ...mail.to, ...mail.cc]) {
    const r = parseRecipient(rcpt);
    if (r?.tag && r.base === inbox.address) {
      const id = conversationOfToken(box, r.tag);
      if (id !== null) return id;
    }
  }
  const ids = [...mail.inReplyTo, ...[...mail.references].reverse()].slice(0, 50);
  if (!ids.length) return null;
  const rows = await db
    .selectFrom('email_messages')
    .select(['rfc_message_id', 'conversation_id'])
    .where('inbox_id', '=', inbox.id)
    .where('rfc_message_id', 'in', ids)
    .where('conversation_id', 'is not', null)
    .execute();
  const byId = new Map(rows.map((r) => [r.rfc_message_id, r.conversation_id!]));
  for (const id of ids) if (byId.has(id)) return byId.get(id)!;
  return null;
}

const MAX_ORIGINAL_TEXT = 1024 * 1024;

async function record(db: Db | Tx, inbox: InboxRow, mail: ParsedEmail, rawPath: string, now: number, set: { state: 'stored' | 'failed'; conversationId?: number | null; messageId?: number | null; error?: string | null; html?: string | null }) {
  await recordEmail(db, {
    inbox_id: inbox.id,
    direction: 'in',
    rfc_message_id: mail.messageId,
    conversation_id: set.conversationId ?? null,
    message_id: set.messageId ?? null,
    state: set.state,
    raw_path: rawPath,
    subject: mail.subject,
    from_address: mail.from?.address ?? null,
    cc: mail.cc.length ? JSON.stringify(mail.cc) : null,
    html: set.html ?? null,
    // The whole text for "show original" (capped: a longer one is in the raw message and message.txt).
    text: mail.text ? mail.text.slice(0, MAX_ORIGINAL_TEXT) : null,
    error: set.error ?? null,
    created_at: now,
  });
}

/**
 * One email for one inbox, from its raw file (already on disk): parsed, threaded and stored as a
 * customer message in one transaction with its `email_messages` row, so the caller acknowledges it
 * (SMTP 250, IMAP UID) only once it is durable. A Message-ID already stored is a duplicate.
 * Mail that cannot become a message (a blocked sender, no sender) is kept as a failed row with the
 * raw file, never dropped silently; an outage throws, so the sender tries again later.
 */
export async function receiveEmail(deps: EmailDeps, inbox: InboxRow, rawPath: string, envelope: { from: string | null; to: string[] }): Promise<IntakeOutcome> {
  const { actions: ctx, secrets: box } = deps;
  const db = ctx.store.db;
  const staging = path.resolve(deps.dataDir, 'email', 'staging');
  const limits = await limitsFor(db, 'email');
  const mail = await parseEmail(rawPath, staging, limits, envelope.from);
  const cleanup = () => Promise.all(mail.attachments.map((a) => fsp.rm(a.file, { force: true })));
  const seen = await db.selectFrom('email_messages').select('id').where('inbox_id', '=', inbox.id).where('rfc_message_id', '=', mail.messageId).executeTakeFirst();
  if (seen) {
    await cleanup();
    await fsp.rm(rawPath, { force: true });
    return { kind: 'duplicate' };
  }
  const now = ctx.clock.now();

  if (mail.automation === 'bounce') {
    await cleanup();
    return bounce(deps, inbox, mail, rawPath, now);
  }
  const sender = mail.from?.address ?? envelope.from ?? null;
  if (!sender) {
    await cleanup();
    await record(db, inbox, mail, rawPath, now, { state: 'failed', error: 'The email names no sender.' });
    return { kind: 'failed', reason: 'no sender' };
  }

  // Copied addresses are shown beside the message (GET …/emails), never written to (seed 004).
  let text = newTextOf(mail.text);
  if (mail.notes.length) text += `\n\n${mail.notes.map((n) => `[${n}]`).join('\n')}`;
  const { body, cut } = fitBody(text.trim() || (mail.attachments.length ? '' : '(This email has no text.)'));

  try {
    const out = await runAction(ctx, async (tx, emit) => {
      const known = await tx
        .selectFrom('contact_identities as ci')
        .innerJoin('contacts as k', 'k.id', 'ci.contact_id')
        .select(['ci.contact_id', 'k.name', 'k.blocked'])
        .where('ci.channel', '=', 'email')
        .where('ci.external_id', '=', sender)
        .executeTakeFirst();
      const name = mail.from?.name?.trim() || sender.split('@')[0]!;
      const contactId = known?.contact_id ?? (await insertContact(tx, { name: name.slice(0, 200), email: sender.length <= 254 ? sender : null, identities: [{ channel: 'email', externalId: sender }], source: { channel: 'email' } }, now));

      let conversation = null as null | { id: number; status: string; assignee_id: number | null; queue_id: number | null; subject: string | null; preferred_agent_id?: number | null };
      const threadId = await threadOf(tx, box, inbox, mail, envelope.to);
      if (threadId !== null) {
        const c = await tx.selectFrom('conversations').selectAll().where('id', '=', threadId).executeTakeFirst();
        if (c && c.contact_id === contactId && c.channel === 'email' && (c.inbox_id ?? null) === inbox.id) conversation = c;
      }
      let conversationId: number;
      if (!conversation) {
        conversationId = (await openConversation(tx, emit, { contactId, channel: 'email', queueId: await queueOf(tx, inbox), subject: mail.subject, inboxId: inbox.id, now })).id;
      } else {
        const t = transition({ status: conversation.status as never, assigneeId: conversation.assignee_id }, { kind: 'customerMessage' });
        if (t.ok && t.startLinkedConversation) {
          // Seed 004: a reply to a resolved conversation starts a new one, linked, under the new email's subject.
          conversationId = (
            await openConversation(tx, emit, {
              contactId,
              channel: 'email',
              queueId: conversation.queue_id,
              subject: mail.subject ?? conversation.subject,
              previousConversationId: conversation.id,
              preferredAgentId: conversation.assignee_id,
              inboxId: inbox.id,
              now,
            })
          ).id;
        } else conversationId = conversation.id;
      }

      const attachments = await placeAttachments(deps.dataDir, conversationId, mail, cut ? text : null, now);
      const posted = await storeCustomerMessage(ctx, tx, emit, contactId, conversationId, { body, attachments, clientId: mail.messageId.slice(0, 250) }, now, known);
      const html = mail.html?.replace(/\/__cid__\/([a-f0-9]{32})/g, (_m, key: string) => conversationFileUrl(conversationId, key)) ?? null;
      await record(tx, inbox, mail, rawPath, now, { state: 'stored', conversationId: posted.message.conversationId, messageId: posted.message.id, html });
      return { conversationId: posted.message.conversationId, messageId: posted.message.id };
    });
    return { kind: 'stored', ...out };
  } catch (e) {
    await cleanup();
    if (!(e instanceof AppError)) throw e; // an outage: not stored, so not acknowledged
    await record(db, inbox, mail, rawPath, now, { state: 'failed', error: e.message });
    deps.log.warn({ inboxId: inbox.id, messageId: mail.messageId, code: e.code }, 'email kept but not added to a conversation');
    return { kind: 'failed', reason: e.message };
  }
}

/** Moves the staged parts next to the conversation's other attachments (same layout as uploads). */
async function placeAttachments(dataDir: string, conversationId: number, mail: ParsedEmail, fullText: string | null, now: number) {
  const dir = path.resolve(dataDir, 'attachments', String(conversationId));
  await fsp.mkdir(dir, { recursive: true });
  const out: Array<{ name: string; contentType: string; size: number; url: string }> = [];
  for (const a of mail.attachments) {
    await fsp.rename(a.file, path.join(dir, a.key));
    await fsp.writeFile(path.join(dir, `${a.key}.json`), JSON.stringify({ name: a.name, contentType: a.contentType, size: a.size, by: null, at: now }));
    out.push({ name: a.name, contentType: a.contentType, size: a.size, url: conversationFileUrl(conversationId, a.key) });
  }
  if (fullText !== null) {
    const key = (await import('node:crypto')).randomBytes(16).toString('hex');
    const data = Buffer.from(fullText, 'utf8');
    await fsp.writeFile(path.join(dir, key), data);
    await fsp.writeFile(path.join(dir, `${key}.json`), JSON.stringify({ name: 'message.txt', contentType: 'text/plain', size: data.length, by: null, at: now }));
    out.push({ name: 'message.txt', contentType: 'text/plain', size: data.length, url: conversationFileUrl(conversationId, key) });
  }
  return out;
}

/** A delivery report: the message it is about turns failed with the reason; nothing else is created. */
async function bounce(deps: EmailDeps, inbox: InboxRow, mail: ParsedEmail, rawPath: string, now: number): Promise<IntakeOutcome> {
  const db = deps.actions.store.db;
  const about = mail.dsn?.originalMessageId ?? mail.inReplyTo[0] ?? null;
  const sent = about
    ? await db.selectFrom('email_messages').select(['message_id', 'conversation_id']).where('inbox_id', '=', inbox.id).where('direction', '=', 'out').where('rfc_message_id', '=', about).executeTakeFirst()
    : undefined;
  const permanent = !mail.dsn?.action || /failed/i.test(mail.dsn.action) || /^5/.test(mail.dsn.status ?? '');
  if (sent?.message_id && permanent) {
    const reason = `The email bounced: ${mail.dsn?.diagnostic ?? mail.dsn?.status ?? 'the receiving server refused it'}`.slice(0, 500);
    try {
      await updateDeliveryStatus(deps.actions, sent.message_id, 'failed', reason);
    } catch (e) {
      if (!(e instanceof AppError)) throw e; // already delivered/read: the report comes too late to matter
    }
  }
  await record(db, inbox, mail, rawPath, now, { state: 'stored', conversationId: sent?.conversation_id ?? null, error: sent ? null : 'A delivery report about a message we do not know.' });
  return { kind: 'bounce', messageId: sent?.message_id ?? null };
}
