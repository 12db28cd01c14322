import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ImapFlow } from 'imapflow';
import type { InboxRow } from '../inboxes.ts';
import { clearInboxError, recordInboxError } from '../inboxes.ts';
import { rawDir, receiveEmail, type EmailDeps } from './intake.ts';
import { claimInboxLease, releaseInboxLease } from '../../store/inboxLeases.ts';
import { recordImapPlace } from '../../actions/email.ts';
import { emailMetrics } from './metrics.ts';

/**
 * IMAP of an existing mailbox (issue 12, 2b), with `imapflow`: take every message after the last
 * UID stored for the inbox, in UID order, each stored before its UID is recorded; then wait with
 * IDLE for new mail. The place is `imap_state` (UIDVALIDITY + last UID): a restart continues after
 * the last stored message (nothing missed), and a message seen again (a crash between storing and
 * recording its UID, a new UIDVALIDITY) is recognised by its Message-ID (nothing repeated).
 */
export class ImapPoller {
  private client: ImapFlow | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly deps: EmailDeps,
    readonly inbox: InboxRow,
  ) {}

  private get settings() {
    return JSON.parse(this.inbox.settings) as { imapHost: string; imapPort?: number; imapSecure?: boolean; imapUser?: string; imapMailbox?: string };
  }

  /** Connects, catches up, and stays in IDLE; reconnects with backoff when the connection ends. */
  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const s = this.settings;
    const secrets = this.deps.secrets.open(this.inbox.secrets);
    const client = new ImapFlow({
      host: s.imapHost,
      port: s.imapPort ?? 993,
      secure: s.imapSecure ?? true,
      auth: { user: s.imapUser ?? this.inbox.address, pass: secrets.imapPassword ?? '' },
      logger: false,
      // Our own loop re-opens; IDLE is renewed by imapflow.
      disableAutoIdle: false,
      tls: { rejectUnauthorized: process.env.IMAP_TLS_INSECURE !== '1' },
    });
    this.client = client;
    client.on('error', (err: Error) => this.deps.log.warn({ err: err.message, inboxId: this.inbox.id }, 'imap: connection error'));
    client.on('exists', () => this.poll());
    client.on('close', () => {
      if (this.client === client) this.client = null;
      this.reconnectLater();
    });
    try {
      await client.connect();
      await client.mailboxOpen(s.imapMailbox ?? 'INBOX');
      this.failures = 0;
      await clearInboxError(this.deps.actions.store.db, this.inbox.id);
      await this.poll();
    } catch (err) {
      await recordInboxError(this.deps.actions.store.db, this.inbox.id, `IMAP: ${(err as Error).message}`, this.deps.actions.clock.now()).catch(() => {});
      this.deps.log.warn({ err: (err as Error).message, inboxId: this.inbox.id }, 'imap: could not connect');
      client.close();
    }
  }

  private reconnectLater() {
    if (this.stopped || this.retry) return;
    const delay = Math.min(60_000, 1000 * 2 ** Math.min(this.failures++, 6));
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, delay);
    this.retry.unref();
  }

  /** Takes what is new; calls while one runs make it run once more (never two at a time). */
  poll(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.takeNew();
        } while (this.again && !this.stopped);
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message, inboxId: this.inbox.id }, 'imap: poll failed');
        await recordInboxError(this.deps.actions.store.db, this.inbox.id, `IMAP: ${(err as Error).message}`, this.deps.actions.clock.now()).catch(() => {});
      } finally {
        this.running = null;
      }
      // Wait for new mail now rather than when imapflow would next go idle by itself; any command ends the IDLE.
      if (!this.stopped && this.client?.usable) void this.client.idle().catch(() => {});
    })();
    return this.running;
  }

  private async takeNew(): Promise<void> {
    const client = this.client;
    if (!client?.mailbox) return;
    const db = this.deps.actions.store.db;
    const validity = String(client.mailbox.uidValidity);
    const state = await db.selectFrom('imap_state').selectAll().where('inbox_id', '=', this.inbox.id).executeTakeFirst();
    // A new UIDVALIDITY renumbered the mailbox: read it all again; Message-IDs keep it from repeating.
    const after = state && state.uid_validity === validity ? Number(state.last_uid) : 0;
    const uids: number[] = [];
    for await (const m of client.fetch(`${after + 1}:*`, { uid: true }, { uid: true })) if (m.uid > after) uids.push(m.uid);
    uids.sort((a, b) => a - b);
    for (const uid of uids) {
      if (this.stopped) return;
      const dir = rawDir(this.deps.dataDir, this.inbox.id);
      await fsp.mkdir(dir, { recursive: true });
      const file = path.join(dir, `imap-${uid}-${crypto.randomBytes(6).toString('hex')}.eml`);
      const dl = await client.download(String(uid), undefined, { uid: true });
      if (!('content' in dl) || !dl.content) continue;
      await pipeline(dl.content, fs.createWriteStream(file, { mode: 0o600 }));
      const outcome = await receiveEmail(this.deps, this.inbox, file, { from: null, to: [this.inbox.address] });
      emailMetrics.received.inc({ via: 'imap', outcome: outcome.kind });
      // Recorded only after the message is stored: a crash before this line takes it again (and finds it a duplicate).
      await recordImapPlace(db, this.inbox.id, validity, uid, this.deps.actions.clock.now());
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.running?.catch(() => {});
    const c = this.client;
    this.client = null;
    if (c) await c.logout().catch(() => c.close());
  }
}

/**
 * One poller per enabled email inbox with an IMAP server, re-read when inboxes change — and only
 * on the node that holds the inbox's lease (`store/inboxLeases.ts`), so a cluster keeps one IDLE
 * connection per mailbox and one node ingests it. The lease is renewed every third of its length;
 * a node that cannot renew (another took it after it ran out) stops its poller; a clean stop gives
 * its inboxes up at once.
 */
export class ImapPollers {
  private pollers = new Map<number, ImapPoller>();
  private syncing: Promise<void> = Promise.resolve();
  private tick: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly deps: EmailDeps,
    /** This node's name in the lease table (the outbox's node id). */
    private readonly nodeId: string,
    private readonly leaseMs = 30_000,
  ) {}

  get(inboxId: number): ImapPoller | undefined {
    return this.pollers.get(inboxId);
  }

  /** Takes the inboxes it can, and keeps renewing (and retrying the others) until stopped. */
  async start(): Promise<void> {
    await this.sync();
    if (this.stopped) return;
    this.tick = setInterval(() => void this.sync(), Math.max(200, Math.floor(this.leaseMs / 3)));
    this.tick.unref();
  }

  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => (this.stopped ? undefined : this.doSync())).catch((err) => this.deps.log.error({ err }, 'imap: sync failed'));
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    const db = this.deps.actions.store.db;
    const rows = await db.selectFrom('inboxes').selectAll().where('channel', '=', 'email').where('enabled', '=', 1).execute();
    const wanted = new Map(rows.filter((r) => (JSON.parse(r.settings) as { imapHost?: string }).imapHost).map((r) => [r.id, r]));
    for (const [id, p] of this.pollers) {
      const w = wanted.get(id);
      if (!w || w.updated_at !== p.inbox.updated_at) {
        await p.stop();
        this.pollers.delete(id);
        if (!w) await releaseInboxLease(db, id, this.nodeId);
      }
    }
    for (const [id, row] of wanted) {
      const held = await claimInboxLease(db, id, this.nodeId, this.deps.actions.clock.now(), this.leaseMs);
      const p = this.pollers.get(id);
      if (!held) {
        // Another node polls it (or took it over when our lease ran out): leave the mailbox to it.
        if (p) {
          this.deps.log.warn({ inboxId: id }, 'imap: another node holds this inbox now; stopping here');
          await p.stop();
          this.pollers.delete(id);
        }
        continue;
      }
      if (p) continue;
      const poller = new ImapPoller(this.deps, row);
      this.pollers.set(id, poller);
      poller.start();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.tick);
    await this.syncing;
    await Promise.all([...this.pollers.values()].map((p) => p.stop()));
    const db = this.deps.actions.store.db;
    for (const id of this.pollers.keys()) await releaseInboxLease(db, id, this.nodeId).catch(() => {});
    this.pollers.clear();
  }
}
