import fs from 'node:fs';
import type { Services } from '../../http/services.ts';
import type { EmailDeps } from './intake.ts';
import { startSmtpListener, type SmtpListener } from './smtpListener.ts';
import { EmailSender } from './send.ts';
import { ImapPollers } from './imap.ts';

export interface EmailChannel {
  smtp: SmtpListener | null;
  sender: EmailSender;
  imap: ImapPollers;
  close(): Promise<void>;
}

export function emailDeps(s: Services): EmailDeps {
  return { actions: s.actions, secrets: s.secrets, dataDir: s.config.dataDir, log: s.log.child({ channel: 'email' }) };
}

/** Starts what the configuration asks for: outbound sending always, the SMTP listener when SMTP_PORT is set. */
export async function startEmailChannel(s: Services): Promise<EmailChannel> {
  const deps = emailDeps(s);
  const sender = new EmailSender(deps);
  await sender.register(s.outbox);
  const c = s.config;
  let smtp: SmtpListener | null = null;
  if (c.smtpPort !== undefined) {
    const tls = c.smtpTlsCert && c.smtpTlsKey ? { cert: fs.readFileSync(c.smtpTlsCert), key: fs.readFileSync(c.smtpTlsKey) } : undefined;
    try {
      smtp = await startSmtpListener(deps, { port: c.smtpPort, host: c.smtpHost, maxBytes: c.emailMaxBytes, tls });
      deps.log.info({ port: smtp.port, starttls: !!tls }, 'SMTP listener ready');
    } catch (err) {
      // The web app still serves; mail waits at the sender until the port is free and we restart.
      deps.log.error({ err, port: c.smtpPort }, 'SMTP listener could not start; email is not received by SMTP');
    }
  }
  const imap = new ImapPollers(deps, s.outbox.nodeId, c.imapLeaseMs);
  await imap.start();
  // An administrator added or changed an inbox (on any node): start, restart or stop its poller.
  s.dispatcher.subscribe((rows) => {
    if (rows.some((r) => r.type === 'directory.changed' && (JSON.parse(r.data) as { kind?: string }).kind === 'inbox')) void imap.sync();
  });
  return {
    smtp,
    sender,
    imap,
    async close() {
      await imap.stop();
      await smtp?.close();
      sender.close();
    },
  };
}
