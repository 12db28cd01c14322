import type { z } from 'zod';
import type { Selectable } from 'kysely';
import { canAdminister, type Viewer } from '@switchboard/core';
import type { CreateWebhookRequest, UpdateWebhookRequest } from '@switchboard/protocol';
import { AppError, forbidden, notFound } from '../errors.ts';
import type { Tx } from '../store/db.ts';
import type { NewEvent } from '../store/events.ts';
import type { WebhookDeliveriesTable, WebhooksTable } from '../store/schema.ts';
import type { SecretBox } from '../channels/secrets.ts';
import { newWebhookSecret } from '../integrations/webhookSigning.ts';
import { resolveTarget, TargetRefused, type TargetPolicy } from '../integrations/webhookTarget.ts';
import type { Attempt } from '../integrations/webhookHttp.ts';
import type { Plan } from '../integrations/webhookEvents.ts';
import { payloadOf } from '../integrations/webhookEvents.ts';
import { runAction, type ActionContext } from './context.ts';

export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;

/** A webhook failing this long without one success is turned off and the administrators told. */
export const DISABLE_AFTER_MS = 24 * 3600_000;
/** Deliveries kept per webhook for the log. */
export const LOG_SIZE = 100;

/** Each webhook's worker is an outbox consumer of this name (its cursor and retries live under it). */
export const consumerOf = (webhookId: number) => `webhook:${webhookId}`;

const changed = (id: number, actorId: number | null, at: number, deleted = false): NewEvent => ({ type: 'webhook.changed', scope: { userId: actorId ?? 0 }, data: { id, deleted }, actorId, at });

function admin(viewer: Viewer) {
  if (!canAdminister(viewer)) throw forbidden('Only administrators manage webhooks.');
}

export async function checkTarget(url: string, policy: TargetPolicy) {
  try {
    await resolveTarget(new URL(url), policy);
  } catch (err) {
    if (err instanceof TargetRefused) throw new AppError('webhook_target_refused', `${err.message}. Private targets are allowed only when the server runs with WEBHOOKS_ALLOW_PRIVATE=1.`, 422);
    throw err;
  }
}

async function load(tx: Tx, id: number): Promise<WebhookRow> {
  const row = await tx.selectFrom('webhooks').selectAll().where('id', '=', id).where('bot_id', 'is', null).executeTakeFirst();
  if (!row) throw notFound('webhook'); // a bot's webhook is managed as the bot (Admin → Bots)
  return row;
}

/** Admin → Integrations → Webhooks: a new webhook and its secret (returned this once). */
export async function createWebhook(ctx: ActionContext, secrets: SecretBox, viewer: Viewer, input: z.infer<typeof CreateWebhookRequest>, policy: TargetPolicy): Promise<{ row: WebhookRow; secret: string }> {
  admin(viewer);
  await checkTarget(input.url, policy);
  const secret = newWebhookSecret();
  const now = ctx.clock.now();
  const row = await runAction(ctx, async (tx, emit) => {
    const r = await insertWebhook(tx, secrets, { url: input.url, description: input.description, events: input.events, includeInternal: input.includeInternal, secret, createdBy: viewer.id, now });
    emit(changed(r.id, viewer.id, now));
    return r;
  });
  return { row, secret };
}

/** A webhook row, enabled, its secret sealed, and its worker started at the events' head: an admin's or a bot's (`botId`). */
export async function insertWebhook(
  tx: Tx,
  secrets: SecretBox,
  w: { url: string; description: string; events: readonly string[]; includeInternal: boolean; secret: string; createdBy: number; now: number; botId?: number },
): Promise<WebhookRow> {
  const r = await tx
    .insertInto('webhooks')
    .values({
      url: w.url,
      description: w.description,
      events: JSON.stringify([...new Set(w.events)]),
      include_internal: w.includeInternal ? 1 : 0,
      secret: secrets.seal({ key: w.secret }),
      enabled: 1,
      disabled_reason: null,
      failing_since: null,
      created_by: w.createdBy,
      created_at: w.now,
      updated_at: w.now,
      ...(w.botId !== undefined ? { bot_id: w.botId } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await startWorkerAtHead(tx, r.id, w.now);
  return r;
}

/**
 * A new webhook's worker starts after the events committed so far (on PostgreSQL, ones still being
 * numbered come after this head and are sent too): created with the webhook, not when a node first
 * registers the worker, so nothing committed in between is missed.
 */
export async function startWorkerAtHead(tx: Tx, webhookId: number, now: number): Promise<void> {
  const head = await tx.selectFrom('events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  await tx.insertInto('outbox_cursors').values({ consumer: consumerOf(webhookId), last_seq: Number(head?.seq ?? 0), lease_owner: null, lease_until: 0, updated_at: now }).execute();
}

export const webhookChanged = changed;

export async function updateWebhook(ctx: ActionContext, viewer: Viewer, id: number, input: z.infer<typeof UpdateWebhookRequest>, policy: TargetPolicy): Promise<WebhookRow> {
  admin(viewer);
  if (input.url !== undefined) await checkTarget(input.url, policy);
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const before = await load(tx, id);
    const enabling = input.enabled === true && !before.enabled;
    const row = await tx
      .updateTable('webhooks')
      .set({
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.events !== undefined ? { events: JSON.stringify([...new Set(input.events)]) } : {}),
        ...(input.includeInternal !== undefined ? { include_internal: input.includeInternal ? 1 : 0 } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0, disabled_reason: null } : {}),
        // On again: a fresh start, not disabled again by the old run of failures.
        ...(enabling ? { failing_since: null } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    emit(changed(id, viewer.id, now));
    return row;
  });
}

/** Deletes the webhook, its log and its worker's cursor and retries. */
export async function deleteWebhook(ctx: ActionContext, viewer: Viewer, id: number): Promise<void> {
  admin(viewer);
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    await load(tx, id);
    await tx.deleteFrom('webhooks').where('id', '=', id).execute();
    await tx.deleteFrom('outbox_cursors').where('consumer', '=', consumerOf(id)).execute();
    emit(changed(id, viewer.id, now, true));
  });
}

/** Redeliver: the same body under the same webhook-id, sent by the webhook's worker in its order. */
export async function redeliverWebhookDelivery(ctx: ActionContext, viewer: Viewer, webhookId: number, deliveryId: number): Promise<void> {
  admin(viewer);
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    await load(tx, webhookId);
    const d = await tx.selectFrom('webhook_deliveries').select(['id', 'conversation_id']).where('id', '=', deliveryId).where('webhook_id', '=', webhookId).executeTakeFirst();
    if (!d) throw notFound('delivery');
    await tx.updateTable('webhook_deliveries').set({ status: 'pending' }).where('id', '=', d.id).execute();
    emit({ type: 'webhook.redeliver', scope: { userId: viewer.id }, data: { webhookId, deliveryId, conversationId: d.conversation_id }, actorId: viewer.id, at: now });
  });
}

/** A delivery's webhook-id: from the webhook and the event, so planning the event again gives the same. */
export const messageIdOf = (webhookId: number, seq: number, event: string) => `msg_w${webhookId}_e${seq}_${event}`;

export type AttemptOutcome = 'delivered' | 'retry' | 'disabled';

export interface WebhookResults {
  seq: number;
  /** A first try: the plan's deliveries, stored now with their payload and id (every retry sends these). */
  planned: Plan | null;
  /** Each attempt made, by webhook-id (deliveries not tried stay pending). */
  attempts: Map<string, Attempt>;
  /**
   * A bot's webhook: a failure is not retried but handled here, in the same transaction (the
   * conversation goes to humans at once: actions/bots.ts), and starts no run of failures.
   */
  onFailure?: (tx: Tx, emit: (...e: NewEvent[]) => void, failed: Attempt) => Promise<void>;
}

/**
 * What one pass of the worker did for one event (or one redelivery), in one transaction: the
 * deliveries of a first try (payload and id kept, so retries, restarts and redeliveries send the
 * same), each attempt's result in the log, and what the webhook now knows of the conversation. A
 * failure starts (or continues) the webhook's run of failures; once it is a day old the webhook is
 * turned off and every active administrator gets a `webhook.disabled` event. A success ends the
 * run. The log keeps the last 100 deliveries (older ones still being retried stay until done).
 */
export async function recordWebhookResults(ctx: ActionContext, webhookId: number, r: WebhookResults): Promise<AttemptOutcome> {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const w = await tx.selectFrom('webhooks').selectAll().where('id', '=', webhookId).executeTakeFirst();
    if (!w) return 'disabled';
    const result = (a: Attempt | undefined) =>
      a ? { status: a.ok ? ('succeeded' as const) : ('failed' as const), response_code: a.status, duration_ms: a.durationMs, error: a.error, last_attempt_at: now } : {};
    if (r.planned?.deliveries.length) {
      await tx
        .insertInto('webhook_deliveries')
        .values(
          r.planned.deliveries.map((d) => {
            const message_id = messageIdOf(webhookId, r.seq, d.event);
            const a = r.attempts.get(message_id);
            return {
              webhook_id: webhookId,
              message_id,
              event_seq: r.seq,
              event: d.event,
              conversation_id: d.conversationId,
              payload: payloadOf(d),
              status: 'pending' as const,
              attempts: a ? 1 : 0,
              response_code: null,
              duration_ms: null,
              error: null,
              created_at: now,
              last_attempt_at: null,
              ...result(a),
            };
          }),
        )
        .onConflict((oc) => oc.columns(['webhook_id', 'message_id']).doNothing())
        .execute();
    } else {
      for (const [messageId, a] of r.attempts) {
        await tx
          .updateTable('webhook_deliveries')
          .set((eb) => ({ attempts: eb('attempts', '+', 1), ...result(a) }))
          .where('webhook_id', '=', webhookId)
          .where('message_id', '=', messageId)
          .execute();
      }
    }
    if (r.planned?.heard) {
      const { conversationId, state } = r.planned.heard;
      await tx
        .insertInto('webhook_conversations')
        .values({ webhook_id: webhookId, conversation_id: conversationId, status: state.status, assignee_id: state.assigneeId })
        .onConflict((oc) => oc.columns(['webhook_id', 'conversation_id']).doUpdateSet({ status: state.status, assignee_id: state.assigneeId }))
        .execute();
    }
    if (r.planned?.deliveries.length) {
      const cutoff = await tx.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', webhookId).orderBy('id', 'desc').offset(LOG_SIZE - 1).limit(1).executeTakeFirst();
      if (cutoff) {
        await tx
          .deleteFrom('webhook_deliveries')
          .where('webhook_id', '=', webhookId)
          .where('id', '<', cutoff.id)
          .where((eb) => eb.or([eb('status', '=', 'succeeded'), eb('last_attempt_at', '<', now - DISABLE_AFTER_MS)]))
          .execute();
      }
    }
    const tried = [...r.attempts.values()];
    const failed = tried.find((a) => !a.ok);
    if (!failed) {
      if (tried.length && w.failing_since !== null) await tx.updateTable('webhooks').set({ failing_since: null }).where('id', '=', webhookId).execute();
      return 'delivered';
    }
    if (r.onFailure) {
      await r.onFailure(tx, emit, failed);
      return 'delivered';
    }
    const since = w.failing_since === null ? now : Number(w.failing_since);
    if (now - since < DISABLE_AFTER_MS) {
      if (w.failing_since === null) await tx.updateTable('webhooks').set({ failing_since: now }).where('id', '=', webhookId).execute();
      return 'retry';
    }
    const reason = `Turned off: every delivery failed for 24 hours (last: ${failed.error ?? 'no answer'}).`;
    await tx.updateTable('webhooks').set({ enabled: 0, disabled_reason: reason, updated_at: now }).where('id', '=', webhookId).execute();
    const admins = await tx.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).execute();
    for (const u of admins) emit({ type: 'webhook.disabled', scope: { userId: u.id }, data: { webhookId, url: w.url, reason }, actorId: null, at: now });
    emit(changed(webhookId, null, now));
    return 'disabled';
  });
}
