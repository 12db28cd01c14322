import fs from 'node:fs';
import type { Services } from '../../http/services.ts';
import type { EmailDeps } from './intake.ts';
import { startSmtpListener, type SmtpListener } from './smtpListener.ts';
import { EmailSender } from './send.ts';

export interface EmailChannel {
  smtp: SmtpListener | null;
  sender: EmailSender;
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
  return {
    smtp,
    sender,
    async close() {
      await smtp?.close();
      sender.close();
    },
  };
}
