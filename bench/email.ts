/**
 * `npm run bench:email`: email ingest through the built-in SMTP listener (issue 12 item 10).
 *
 * A real server (real clock) with one email inbox and its SMTP listener on loopback. nodemailer
 * clients (BENCH_EMAIL_CONNECTIONS pooled connections) send BENCH_EMAILS small mails from distinct
 * senders; each counts when the client hears 250 (the mail is stored: raw file fsynced, contact,
 * conversation, message and email row committed) and when the dispatcher has handed its
 * `message.created` event to the live stream (delivered). Prints mails/s to stored and delivered,
 * and the 250 latency. Then one 20 MB mail (a 20 MB attachment, over the email file limit, so it
 * is parsed through and kept as a note) is sent from a file while the event loop's delay is
 * sampled: its max and p99 say whether parsing blocked the server.
 *
 * Environment: BENCH_EMAILS (300)  BENCH_EMAIL_CONNECTIONS (5)  BENCH_ENGINES sqlite,postgres  BENCH_PG_URL
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { createServer } from '../apps/server/src/server.ts';
import { emailDeps } from '../apps/server/src/channels/email/index.ts';
import { startSmtpListener } from '../apps/server/src/channels/email/smtpListener.ts';
import { PG_URL } from './engines.ts';

const EMAILS = Number(process.env.BENCH_EMAILS ?? 300);
const CONNECTIONS = Number(process.env.BENCH_EMAIL_CONNECTIONS ?? 5);
const ENGINES = (process.env.BENCH_ENGINES ?? 'sqlite,postgres').split(',');
const ADDRESS = 'support@bench.test';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

/** A 20 MB attachment as a raw message on disk, so the client only streams a file. */
function bigMail(dir: string): string {
  const file = path.join(dir, 'big.eml');
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, [`From: Big Sender <big@example.org>`, `To: ${ADDRESS}`, 'Subject: A 20 MB file', 'Message-ID: <big-1@example.org>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'The file is attached.', '--b', 'Content-Type: application/octet-stream; name="big.bin"', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="big.bin"', '', ''].join('\r\n'));
  const chunk = crypto.randomBytes(57 * 1024); // 57 bytes → one 76-character base64 line
  for (let n = 0; n < (20 * 1024 * 1024) / chunk.length; n++) {
    const b64 = chunk.toString('base64').replace(/.{76}/g, '$&\r\n');
    fs.writeSync(out, b64);
  }
  fs.writeSync(out, '\r\n--b--\r\n');
  fs.closeSync(out);
  return file;
}

async function run(engine: string): Promise<void> {
  const schema = `bench_email_${crypto.randomBytes(3).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-email-'));
  const server = await createServer({
    logger: pino({ level: 'silent' }),
    config: { demo: false, redisUrl: undefined, dataDir: dir, loadLimits: { maxInFlight: 10_000, maxEventLoopDelayMs: 60_000, maxQueueDepth: 100_000, maxIngestLatencyMs: 600_000 } },
    store: engine === 'postgres' ? { databaseUrl: PG_URL, pgSchema: schema } : { dataDir: dir, sqliteFile: 'switchboard.db' },
  });
  const { store, dispatcher } = server.services;
  const now = Date.now();
  const queue = await store.db.insertInto('queues').values({ name: 'Support', routing_mode: 'auto_assign', settings: '{}', created_at: now }).returning('id').executeTakeFirstOrThrow();
  await store.db
    .insertInto('inboxes')
    .values({ channel: 'email', name: 'Bench', queue_id: queue.id, address: ADDRESS, settings: '{}', secrets: null, enabled: 1, last_error: null, last_error_at: null, created_at: now, updated_at: now })
    .execute();
  const smtp = await startSmtpListener(emailDeps(server.services), { port: 0, host: '127.0.0.1', maxBytes: 40 * 1024 * 1024 });

  const delivered = new Map<string, number>();
  let deliveredCount = 0;
  let allDelivered!: () => void;
  const everyDelivered = new Promise<void>((r) => (allDelivered = r));
  dispatcher.subscribe((rows) => {
    for (const r of rows) {
      if (r.type !== 'message.created') continue;
      deliveredCount++;
      delivered.set(String(deliveredCount), performance.now());
      if (deliveredCount === EMAILS) allDelivered();
    }
  });

  const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: CONNECTIONS, maxMessages: Infinity });
  const latencies: number[] = [];
  const start = performance.now();
  let storedAt = 0;
  await Promise.all(
    Array.from({ length: EMAILS }, async (_, i) => {
      const t0 = performance.now();
      const info = await mailer.sendMail({ from: `Customer ${i} <c${i}@example.org>`, to: ADDRESS, subject: `Question ${i}`, text: `Hello, this is question ${i}.\n\nOn Mon, Shop wrote:\n> earlier`, messageId: `<bench-${i}@example.org>` });
      if (!/^250 /.test(info.response)) throw new Error(`not stored: ${info.response}`);
      latencies.push(performance.now() - t0);
      storedAt = Math.max(storedAt, performance.now());
    }),
  );
  await Promise.race([everyDelivered, new Promise((r) => setTimeout(r, 30_000))]);
  const deliveredAt = Math.max(...delivered.values());
  mailer.close();
  const secs = (storedAt - start) / 1000;
  console.log(
    `${engine.padEnd(8)} ${EMAILS} emails over ${CONNECTIONS} SMTP connections: ${(EMAILS / secs).toFixed(0)} emails/s stored (250 answered), ` +
      `${(deliveredCount / ((deliveredAt - start) / 1000)).toFixed(0)} emails/s stored and delivered to the stream (${deliveredCount}/${EMAILS}); ` +
      `250 after p50 ${pct(latencies, 50).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms`,
  );

  // One 20 MB message, parsed while the event loop's delay is sampled every 10 ms.
  const file = bigMail(dir);
  const size = fs.statSync(file).size;
  const single = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const b0 = performance.now();
  const info = await single.sendMail({ envelope: { from: 'big@example.org', to: ADDRESS }, raw: fs.createReadStream(file) });
  const took = performance.now() - b0;
  loop.disable();
  single.close();
  console.log(
    `${engine.padEnd(8)} one ${(size / 1024 / 1024).toFixed(1)} MB email (20 MB attachment): ${info.response.slice(0, 3)} after ${took.toFixed(0)} ms; ` +
      `event-loop delay meanwhile max ${(loop.max / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, mean ${(loop.mean / 1e6).toFixed(1)} ms`,
  );

  await smtp.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (engine === 'postgres') {
    const pgmod = (await import('pg')).default;
    const c = new pgmod.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  }
}

console.log('\nEmail ingest (issue 12): SMTP listener → stored (250) → delivered (stream)');
for (const engine of ENGINES) {
  try {
    await run(engine);
  } catch (e) {
    console.log(`${engine.padEnd(8)} skipped: ${(e as Error).message}`);
  }
}
