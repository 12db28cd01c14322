import { AppError } from '../errors.ts';
import type { ChannelWebhooksTable } from '../store/schema.ts';
import type { Selectable } from 'kysely';
import { findInbox, recordInboxError, type InboxRow } from './inboxes.ts';
import { ProviderError } from './provider.ts';
import type { ChannelDeps } from './deps.ts';

export type WebhookRow = Selectable<ChannelWebhooksTable>;

/** Processes one stored webhook body. `final` on the last attempt: keep what can be kept (a note instead of a file). */
export type WebhookProcessor = (inbox: InboxRow, payload: unknown, opts: { final: boolean; row: WebhookRow }) => Promise<void>;

const MAX_ATTEMPTS = 8;
const CLAIM_MS = 120_000;
const BASE_DELAY_MS = 2_000;

/**
 * Webhooks in (issue 13 item 2): a signed body is stored raw and acknowledged, then processed here,
 * so a provider that retries after a slow answer, or a node that stops mid-way, loses nothing. One
 * node at a time works on a row (a claim with a deadline, taken by a conditional update, so it works
 * on both engines); a failure is retried with backoff, and after the last attempt the row is kept as
 * failed with the reason, which the inbox shows to administrators. Processing is idempotent by the
 * provider's message id, so a row processed twice (a claim that ran out) changes nothing.
 */
export class WebhookQueue {
  private readonly processors = new Map<string, WebhookProcessor>();
  private poll: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: ChannelDeps) {}

  register(channel: string, p: WebhookProcessor): void {
    this.processors.set(channel, p);
  }

  /** Stores a verified body; false when the provider's delivery id was stored before (a redelivery). */
  async accept(channel: string, inboxId: number | null, raw: string, eventKey: string | null, state: 'received' | 'failed' = 'received', error: string | null = null): Promise<{ id: number; duplicate: boolean }> {
    const db = this.deps.actions.store.db;
    const now = this.deps.actions.clock.now();
    if (eventKey !== null && inboxId !== null) {
      const seen = await db.selectFrom('channel_webhooks').select('id').where('inbox_id', '=', inboxId).where('event_key', '=', eventKey).executeTakeFirst();
      if (seen) return { id: seen.id, duplicate: true };
    }
    try {
      const row = await db
        .insertInto('channel_webhooks')
        .values({ channel, inbox_id: inboxId, event_key: eventKey, raw, state, attempts: 0, next_attempt_at: now, claimed_until: null, error, received_at: now, processed_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (state === 'received') this.kick(row.id);
      return { id: row.id, duplicate: false };
    } catch (e) {
      if (/unique|duplicate/i.test(String(e))) return { id: 0, duplicate: true }; // the same delivery, racing
      throw e;
    }
  }

  /** Process a stored row now, in the background (the webhook is answered without waiting). */
  kick(id: number): void {
    if (this.stopped) return;
    const p = this.processRow(id)
      .catch((err) => this.deps.log.error({ err, webhookId: id }, 'webhook processing crashed'))
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Every row that is due (new ones a stopped node left, retries whose time came); for the poll and tests. */
  async runDue(): Promise<number> {
    const db = this.deps.actions.store.db;
    const now = this.deps.actions.clock.now();
    const due = await db.selectFrom('channel_webhooks').select('id').where('state', '=', 'received').where('next_attempt_at', '<=', now).orderBy('id').limit(100).execute();
    for (const { id } of due) await this.processRow(id);
    return due.length;
  }

  /** Waits for the processing started by `kick` (tests, and shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  start(pollMs = 2000): void {
    this.poll = setInterval(() => void this.runDue().catch((err) => this.deps.log.warn({ err }, 'webhook poll failed')), pollMs);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    await this.idle();
  }

  private async processRow(id: number): Promise<void> {
    const { store, clock } = this.deps.actions;
    const now = clock.now();
    const claimed = await store.db
      .updateTable('channel_webhooks')
      .set({ claimed_until: now + CLAIM_MS })
      .where('id', '=', id)
      .where('state', '=', 'received')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .executeTakeFirst();
    if (!Number(claimed.numUpdatedRows)) return; // another node has it, or it is done
    const row = (await store.db.selectFrom('channel_webhooks').selectAll().where('id', '=', id).executeTakeFirst())!;
    const attempt = row.attempts + 1;
    const final = attempt >= MAX_ATTEMPTS;
    let error: string | null = null;
    let permanent = false;
    try {
      const processor = this.processors.get(row.channel);
      const inbox = row.inbox_id != null ? await findInbox(store.db, row.inbox_id) : undefined;
      if (!processor || !inbox) throw new AppError('inbox_not_found', 'The inbox of this webhook no longer exists.', 404);
      let payload: unknown;
      try {
        payload = JSON.parse(row.raw);
      } catch {
        throw new AppError('malformed_payload', 'The webhook body is not JSON.', 400);
      }
      await processor(inbox, payload, { final, row });
    } catch (err) {
      permanent = err instanceof AppError || (err instanceof ProviderError && err.kind === 'refused');
      error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      this.deps.log.warn({ err, webhookId: id, channel: row.channel, inboxId: row.inbox_id, attempt }, 'webhook not processed');
    }
    const later = clock.now();
    if (error === null) {
      await store.db.updateTable('channel_webhooks').set({ state: 'processed', attempts: attempt, processed_at: later, claimed_until: null, error: null }).where('id', '=', id).execute();
      return;
    }
    const failed = permanent || final;
    await store.db
      .updateTable('channel_webhooks')
      .set({ state: failed ? 'failed' : 'received', attempts: attempt, error, claimed_until: null, next_attempt_at: later + BASE_DELAY_MS * 2 ** (attempt - 1) })
      .where('id', '=', id)
      .execute();
    if (row.inbox_id != null) await recordInboxError(store.db, row.inbox_id, failed ? `A webhook could not be processed: ${error}` : `A webhook is waiting to be processed again: ${error}`, later).catch(() => undefined);
  }
}
