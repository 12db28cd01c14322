import { setMaxListeners } from 'node:events';
import type { WebhookEvent } from '@switchboard/protocol';
import type { Services } from '../http/services.ts';
import type { OutboxEvent } from '../events/outbox/consumer.ts';
import { consumerOf, messageIdOf, recordWebhookResults, type WebhookResults, type WebhookRow } from '../actions/webhooks.ts';
import { conversationOf, payloadOf, planDeliveries, SOURCE_TYPES, type HeardState, type Plan, type PlanFacts } from './webhookEvents.ts';
import { postWebhook, type Attempt } from './webhookHttp.ts';
import { signedHeaders } from './webhookSigning.ts';
import { forBot } from './botEvents.ts';
import { greeterBot } from './builtinBot.ts';
import { BUILTIN_GREETER, botUnreachable } from '../actions/bots.ts';
import type { TargetPolicy } from './webhookTarget.ts';

/**
 * Retries: 5 s doubling to an hour, for a day (then the webhook is turned off: actions/webhooks.ts).
 * 16 conversations side by side: a slow receiver's answers overlap, and their commits share fsyncs.
 */
const RETRY = { baseDelayMs: 5_000, maxDelayMs: 3600_000, maxAttempts: 100_000, maxAgeMs: 25 * 3600_000, concurrency: 16 };

export interface Webhooks {
  /** Registers a worker for every webhook, and forgets deleted ones (on start and on `webhook.changed`). */
  sync(): Promise<void>;
  policy: TargetPolicy;
  close(): Promise<void>;
}

/**
 * Outgoing webhooks (issue 16 item 1). Each webhook's worker is an outbox consumer, `webhook:<id>`:
 * one node at a time sends, after commit, in order per conversation (the consumer's key), retried
 * with backoff; a delivery's id (`webhook-id`) is fixed when first planned, so retries, restarts
 * and redeliveries send it again under the same id and receivers can drop repeats.
 */
export async function startWebhooks(s: Services): Promise<Webhooks> {
  const db = s.store.db;
  const stopping = new AbortController();
  // Every delivery in flight listens on it (16 per webhook at most): not a leak.
  setMaxListeners(0, stopping.signal);
  const policy: TargetPolicy = { allowPrivate: s.config.webhooksAllowPrivate, lookup: s.config.webhookLookup };

  async function facts(w: WebhookRow, e: OutboxEvent): Promise<PlanFacts> {
    const conversationId = conversationOf(e);
    const f: PlanFacts = { heard: null, contactIsNew: false, contactAnnouncedHere: true };
    if (e.type === 'conversation.updated' && conversationId != null) {
      const h = await db.selectFrom('webhook_conversations').select(['status', 'assignee_id']).where('webhook_id', '=', w.id).where('conversation_id', '=', conversationId).executeTakeFirst();
      f.heard = h ? ({ status: h.status, assigneeId: h.assignee_id } satisfies HeardState) : null;
    }
    if (e.type === 'conversation.created') {
      const contactId = (e.data as { contact?: { id: number } | null }).contact?.id;
      const c = contactId != null ? await db.selectFrom('contacts').select('created_at').where('id', '=', contactId).executeTakeFirst() : undefined;
      f.contactIsNew = c != null && Number(c.created_at) === e.at;
    }
    if (e.type === 'contact.updated' && e.conversationId != null) {
      const contactId = (e.data as { id: number }).id;
      const newest = await db.selectFrom('conversations').select('id').where('contact_id', '=', contactId).orderBy('id', 'desc').limit(1).executeTakeFirst();
      f.contactAnnouncedHere = newest?.id === e.conversationId;
    }
    return f;
  }

  async function stillHeldBy(botId: number, conversationId: number | null): Promise<boolean> {
    if (conversationId == null) return false;
    const c = await db.selectFrom('conversations').select('assignee_id').where('id', '=', conversationId).executeTakeFirst();
    return c?.assignee_id === botId;
  }

  /** One attempt of one delivery, signed now; never throws. */
  async function attempt(w: WebhookRow, messageId: string, payload: string): Promise<Attempt> {
    let key: string | undefined;
    try {
      key = s.secrets.open(w.secret).key;
    } catch {
      key = undefined;
    }
    if (!key) return { ok: false, status: null, durationMs: 0, error: 'The signing secret cannot be read (was SECRETS_KEY changed?): delete the webhook and add it again.' };
    // The signature's timestamp is the wall clock: receivers compare it with theirs (5 minutes).
    const headers = signedHeaders(key, messageId, Date.now(), payload);
    if (w.bot_id != null && w.url === BUILTIN_GREETER) return greeterBot(s.actions, w.bot_id, key, headers, payload);
    return postWebhook(w.url, payload, headers, { policy, timeoutMs: s.config.webhookTimeoutMs, signal: stopping.signal });
  }

  /**
   * Sends `todo` in order, stopping at the first failure (what follows waits, as the conversation's
   * later events do), then records it all in one transaction; throws to have the consumer retry.
   */
  async function deliver(w: WebhookRow, seq: number, planned: Plan | null, todo: { messageId: string; payload: string }[], conversationId: number | null): Promise<void> {
    const attempts = new Map<string, Attempt>();
    for (const d of todo) {
      const a = await attempt(w, d.messageId, d.payload);
      // Stopped mid-delivery: not the receiver's failure; the next node (or this one, restarted) sends it again, same id.
      if (stopping.signal.aborted) throw new Error('stopped mid-delivery');
      attempts.set(d.messageId, a);
      if (!a.ok) break;
    }
    // A bot that does not answer is not waited for: the customer goes to humans at once.
    const botId = w.bot_id;
    const onFailure: WebhookResults['onFailure'] = botId != null ? (tx, emit, a) => botUnreachable(s.actions, tx, emit, botId, conversationId, a.error) : undefined;
    const outcome = await recordWebhookResults(s.actions, w.id, { seq, planned, attempts, ...(onFailure ? { onFailure } : {}) });
    if (outcome === 'retry') throw new Error([...attempts.values()].find((a) => !a.ok)?.error ?? 'delivery failed');
    if (outcome === 'disabled') s.log.warn({ webhookId: w.id, url: w.url }, 'webhook turned off after failing for a day');
  }

  function worker(id: number) {
    return async (e: OutboxEvent) => {
      const w = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
      if (!w || !w.enabled) return; // off: events pass by (turned on again, it goes on from then)
      if (e.type === 'webhook.redeliver') {
        const r = e.data as { webhookId: number; deliveryId: number };
        if (r.webhookId !== id) return;
        const d = await db.selectFrom('webhook_deliveries').select(['message_id', 'payload']).where('id', '=', r.deliveryId).executeTakeFirst();
        if (d) await deliver(w, e.seq, null, [{ messageId: d.message_id, payload: d.payload }], conversationOf(e));
        return;
      }
      // A retry: what the first try planned and kept.
      const kept = await db.selectFrom('webhook_deliveries').select(['message_id', 'payload', 'status']).where('webhook_id', '=', id).where('event_seq', '=', e.seq).orderBy('id').execute();
      if (kept.length) {
        return deliver(w, e.seq, null, kept.filter((d) => d.status !== 'succeeded').map((d) => ({ messageId: d.message_id, payload: d.payload })), conversationOf(e));
      }
      // A first try (or again after a crash before anything was kept: the plan comes out the same).
      const wants = new Set(JSON.parse(w.events) as WebhookEvent[]);
      const planned = planDeliveries(e, wants, w.include_internal === 1, await facts(w, e));
      const plan = w.bot_id != null ? forBot(planned, w.bot_id) : planned;
      // A bot hears only of what it still holds: not of what came before it let go (or was made to).
      if (w.bot_id != null && plan.deliveries.length && !(await stillHeldBy(w.bot_id, conversationOf(e)))) return;
      // What it heard of the conversation matters only to webhooks that want those changes.
      if (!wants.has('conversation_status_changed') && !wants.has('assignee_changed')) plan.heard = null;
      if (!plan.deliveries.length && !plan.heard) return;
      await deliver(w, e.seq, plan, plan.deliveries.map((d) => ({ messageId: messageIdOf(id, e.seq, d.event), payload: payloadOf(d) })), conversationOf(e));
    };
  }

  async function sync(): Promise<void> {
    const ids = new Set((await db.selectFrom('webhooks').select('id').execute()).map((r) => consumerOf(r.id)));
    for (const name of s.outbox.names) if (name.startsWith('webhook:') && !ids.has(name)) await s.outbox.unregister(name);
    for (const name of ids) {
      if (s.outbox.has(name)) continue;
      const id = Number(name.slice('webhook:'.length));
      await s.outbox.register({ name, types: SOURCE_TYPES, keyOf: (e) => `conversation:${conversationOf(e) ?? 0}`, handle: worker(id), ...RETRY });
    }
  }

  let syncing: Promise<void> = Promise.resolve();
  const resync = () => {
    syncing = syncing.then(sync).catch((err) => s.log.error({ err }, 'webhook workers could not be synced'));
    return syncing;
  };
  const unsubscribe = s.dispatcher.subscribe((rows) => {
    if (rows.some((r) => r.type === 'webhook.changed')) void resync();
  });
  await resync();
  return {
    sync: resync,
    policy,
    async close() {
      stopping.abort();
      unsubscribe?.();
      await syncing;
    },
  };
}
