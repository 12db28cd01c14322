import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { TestServer, Caller } from '../../../../test/harness.ts';
import { emailDeps } from '../../src/channels/email/index.ts';
import { startSmtpListener, type SmtpListener } from '../../src/channels/email/smtpListener.ts';

/** A fresh DATA_DIR for a test file (raw mail and attachments are written there). */
export function tempDataDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sb-${name}-`));
  process.env.DATA_DIR = dir;
  return dir;
}

/** Switchboard's own SMTP listener on a free loopback port. */
export async function listen(t: TestServer, maxBytes = 5 * 1024 * 1024): Promise<SmtpListener> {
  return startSmtpListener(emailDeps(t.server.services), { port: 0, host: '127.0.0.1', maxBytes });
}

/** A real SMTP client (nodemailer) that delivers to the listener, as a customer's mail server would. */
export function customerMailer(port: number) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, tls: { rejectUnauthorized: false } });
}

export async function createEmailInbox(admin: Caller, queueId: number, address = 'support@acme.test', extra: Record<string, unknown> = {}) {
  const res = await admin.api('POST', '/api/v1/inboxes', { channel: 'email', name: 'Acme Support', address, queueId, ...extra });
  if (res.status !== 201) throw new Error(`inbox not created: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; address: string };
}

/** Waits for a condition checked through the API (mail processing is asynchronous to the client). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface SinkMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  auth: { username: string; password: string } | null;
}

/**
 * The remote mail server (relay) on loopback, as a real one behaves: it asks for AUTH, checks the
 * password, and records what arrived. `refuse` makes it answer like a real server would: a code
 * for a recipient (550 unknown user, 451 try later).
 */
export async function startSink(opts: { user: string; password: string }) {
  const received: SinkMail[] = [];
  const refuse = new Map<string, { code: number; text: string; times: number }>();
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.password) return cb(null, { user: auth.username });
      cb(Object.assign(new Error('5.7.8 Authentication failed'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      const r = refuse.get(address.address);
      if (r && r.times > 0) {
        r.times--;
        return cb(Object.assign(new Error(r.text), { responseCode: r.code }));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        received.push({
          envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
          raw,
          parsed: await simpleParser(raw),
          auth: session.user ? { username: String(session.user), password: opts.password } : null,
        });
        cb(null, '2.0.0 Queued as sink');
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    received,
    refuse,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
