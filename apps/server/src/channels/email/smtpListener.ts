import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { emailMetrics } from './metrics.ts';
import type { InboxRow } from '../inboxes.ts';
import { parseRecipient } from './addresses.ts';
import { rawDir, receiveEmail, type EmailDeps } from './intake.ts';

export interface SmtpListenerOptions {
  port: number;
  host: string;
  maxBytes: number;
  /** PEM contents; STARTTLS is offered only with both. */
  tls?: { key: Buffer; cert: Buffer };
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/**
 * The built-in SMTP listener (issue 12, 2a): accepts mail for the inboxes' addresses (and their
 * `+token` forms), refuses anyone else's with 550, oversized mail with 552. Each message is written
 * to disk, then stored as a conversation message; only then does the client hear 250. A database
 * outage answers 451 (try again later), so mail waits at the sender rather than being lost.
 */
export async function startSmtpListener(deps: EmailDeps, opts: SmtpListenerOptions): Promise<SmtpListener> {
  const db = deps.actions.store.db;
  const inboxFor = async (address: string): Promise<InboxRow | undefined> => {
    const r = parseRecipient(address);
    if (!r) return undefined;
    return db.selectFrom('inboxes').selectAll().where('channel', '=', 'email').where('address', '=', r.base).where('enabled', '=', 1).executeTakeFirst();
  };

  const server = new SMTPServer({
    name: 'switchboard',
    banner: 'Switchboard mail intake',
    size: opts.maxBytes,
    authOptional: true,
    disabledCommands: opts.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    hideSTARTTLS: !opts.tls,
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    logger: false,
    maxClients: 100,
    // A slow or silent client is cut off instead of holding a connection forever.
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) {
      inboxFor(address.address).then(
        (inbox) => cb(inbox ? null : smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`)),
        (err) => {
          deps.log.error({ err }, 'smtp: inbox lookup failed');
          cb(smtpError(451, '4.3.0 Temporary problem looking up the mailbox; try again later'));
        },
      );
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void) {
      handleData(stream, session).then(
        (msg) => cb(null, msg),
        (err: Error & { responseCode?: number }) => {
          if (!err.responseCode) deps.log.error({ err }, 'smtp: message not stored');
          cb(err.responseCode ? err : smtpError(451, '4.3.0 Temporary problem storing the message; try again later'));
        },
      );
    },
  });

  async function handleData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const started = performance.now();
    const recipients = session.envelope.rcptTo.map((r) => r.address);
    const inboxes = new Map<number, InboxRow>();
    for (const r of recipients) {
      const inbox = await inboxFor(r);
      if (inbox) inboxes.set(inbox.id, inbox);
    }
    const first = [...inboxes.values()][0];
    if (!first) {
      stream.resume();
      throw smtpError(550, '5.1.1 No such mailbox here');
    }
    const dir = rawDir(deps.dataDir, first.id);
    await fsp.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${Date.now()}-${crypto.randomBytes(8).toString('hex')}.eml`);
    const out = fs.createWriteStream(file, { mode: 0o600 });
    // Oversized mail is read to its end (SMTP needs that to answer) but not written past the limit.
    let seen = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        seen += chunk.length;
        cb(null, seen <= opts.maxBytes ? chunk : undefined);
      },
    });
    await pipeline(stream, cap, out);
    if (stream.sizeExceeded) {
      await fsp.rm(file, { force: true });
      throw smtpError(552, `5.3.4 Message too big: this server accepts at most ${Math.floor(opts.maxBytes / 1024 / 1024)} MB`);
    }
    // Durable on disk before anything is acknowledged.
    const fh = await fsp.open(file, 'r+');
    await fh.sync();
    await fh.close();
    const mailFrom = session.envelope.mailFrom;
    const envelope = { from: mailFrom === false ? null : mailFrom.address.toLowerCase(), to: recipients };
    let stored = 0;
    for (const inbox of inboxes.values()) {
      // One copy per inbox addressed (rare): each keeps its own raw file.
      let raw = file;
      if (inbox.id !== first.id) {
        const d = rawDir(deps.dataDir, inbox.id);
        await fsp.mkdir(d, { recursive: true });
        raw = path.join(d, path.basename(file));
        await fsp.copyFile(file, raw);
      }
      const outcome = await receiveEmail(deps, inbox, raw, envelope);
      if (outcome.kind === 'stored') stored++;
      emailMetrics.received.inc({ via: 'smtp', outcome: outcome.kind });
    }
    emailMetrics.ingestSeconds.observe((performance.now() - started) / 1000);
    return stored ? '2.0.0 Stored' : '2.0.0 Accepted';
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After start, a client's misbehaviour is its own problem: log it, keep serving.
  server.on('error', (err) => deps.log.warn({ err }, 'smtp: connection error'));
  const addr = server.server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : opts.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
