import crypto from 'node:crypto';
import type { z } from 'zod';
import { canAdminister, transition, type ConversationStatus, type Viewer } from '@switchboard/core';
import { BOT_EVENTS, BOT_SCOPES, type CreateBotRequest, type UpdateBotRequest } from '@switchboard/protocol';
import { AppError, forbidden, fromRefusal, notFound } from '../errors.ts';
import { hashToken, newToken } from '../auth/secrets.ts';
import type { SecretBox } from '../channels/secrets.ts';
import type { Tx } from '../store/db.ts';
import type { NewEvent } from '../store/events.ts';
import { lockConversation, patchConversation, type ConversationWithAccess } from '../store/conversations.ts';
import { newWebhookSecret } from '../integrations/webhookSigning.ts';
import type { TargetPolicy } from '../integrations/webhookTarget.ts';
import { afterConversationChange } from '../routing/engine.ts';
import { lockVisibleConversation, runAction, type ActionContext } from './context.ts';
import { emitConversationUpdated, revokeFromThoseWhoLostSight, systemLine } from './conversationRows.ts';
import { credentialsEnded } from './credentials.ts';
import { checkTarget, consumerOf, insertWebhook, webhookChanged } from './webhooks.ts';

type Emit = (...e: NewEvent[]) => void;

/** The demo data's bot runs in the server (integrations/builtinBot.ts); no admin can enter this URL. */
export const BUILTIN_GREETER = 'builtin:greeter';

function admin(viewer: Viewer) {
  if (!canAdminister(viewer)) throw forbidden('Only administrators manage bots.');
}

const userChanged = (id: number, actorId: number | null, at: number, deleted = false): NewEvent => ({ type: 'directory.changed', scope: { broadcast: true }, data: { kind: 'user', id, deleted }, actorId, at });

async function loadBot(tx: Tx, id: number) {
  const row = await tx.selectFrom('users').innerJoin('webhooks', 'webhooks.bot_id', 'users.id').select(['users.id', 'users.name', 'webhooks.id as webhook_id']).where('users.id', '=', id).where('users.kind', '=', 'bot').executeTakeFirst();
  if (!row) throw notFound('bot');
  return row;
}

/** The queues that start with the bot are exactly `queueIds` (a queue starts with one bot: it moves here). */
async function setBotQueues(tx: Tx, botId: number, queueIds: number[]) {
  const ids = [...new Set(queueIds)];
  if (ids.length) {
    const found = await tx.selectFrom('queues').select('id').where('id', 'in', ids).execute();
    if (found.length !== ids.length) throw new AppError('queue_not_found', 'One of the queues does not exist.', 422);
  }
  let clear = tx.updateTable('queues').set({ bot_id: null }).where('bot_id', '=', botId);
  if (ids.length) clear = clear.where('id', 'not in', ids);
  await clear.execute();
  if (ids.length) await tx.updateTable('queues').set({ bot_id: botId }).where('id', 'in', ids).execute();
}

/**
 * Admin → Bots: a user of kind `bot` (no password, never a queue member), its API token and its
 * outgoing webhook (signed like any webhook, delivered by the same workers). Token and signing
 * secret are returned this once.
 */
export async function createBot(
  ctx: ActionContext,
  secrets: SecretBox,
  viewer: Viewer,
  input: z.infer<typeof CreateBotRequest>,
  policy: TargetPolicy,
  opts: { builtin?: boolean } = {},
): Promise<{ id: number; token: string; secret: string }> {
  admin(viewer);
  if (!opts.builtin) await checkTarget(input.url, policy);
  const token = newToken('sbb');
  const secret = newWebhookSecret();
  const now = ctx.clock.now();
  const id = await runAction(ctx, async (tx, emit) => {
    const user = await tx
      .insertInto('users')
      .values({
        // Unique and unroutable: a bot has no mailbox and signs in only with its token.
        email: `bot-${crypto.randomBytes(6).toString('hex')}@bots.invalid`,
        name: input.name,
        role: 'agent',
        password_hash: '!',
        status: 'offline',
        capacity: null,
        disabled: 0,
        created_at: now,
        kind: 'bot',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Scoped like an integration token (http/auth.ts), to what a bot needs only, at the default rate.
    await tx
      .insertInto('api_tokens')
      .values({ user_id: user.id, name: 'bot', token_hash: hashToken(token), created_at: now, last_used_at: null, kind: 'bot', scopes: JSON.stringify(BOT_SCOPES), expires_at: null, rate_per_minute: null })
      .execute();
    const w = await insertWebhook(tx, secrets, { url: opts.builtin ? BUILTIN_GREETER : input.url, description: `Bot: ${input.name}`, events: BOT_EVENTS, includeInternal: false, secret, createdBy: viewer.id, now, botId: user.id });
    await setBotQueues(tx, user.id, input.queueIds);
    emit(webhookChanged(w.id, viewer.id, now), userChanged(user.id, viewer.id, now));
    return user.id;
  });
  return { id, token, secret };
}

export async function updateBot(ctx: ActionContext, viewer: Viewer, id: number, input: z.infer<typeof UpdateBotRequest>, policy: TargetPolicy): Promise<void> {
  admin(viewer);
  if (input.url !== undefined) await checkTarget(input.url, policy);
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const bot = await loadBot(tx, id);
    if (input.name !== undefined) await tx.updateTable('users').set({ name: input.name }).where('id', '=', id).execute();
    if (input.url !== undefined || input.name !== undefined) {
      await tx
        .updateTable('webhooks')
        .set({ ...(input.url !== undefined ? { url: input.url } : {}), ...(input.name !== undefined ? { description: `Bot: ${input.name}` } : {}), updated_at: now })
        .where('id', '=', bot.webhook_id)
        .execute();
    }
    if (input.queueIds !== undefined) await setBotQueues(tx, id, input.queueIds);
    emit(webhookChanged(bot.webhook_id, viewer.id, now), userChanged(id, viewer.id, now));
  });
}

/**
 * Removes a bot: what it holds goes to humans, its queues start with nobody, its token and webhook
 * go. The user row stays (deactivated), so the history still names who wrote.
 */
export async function deleteBot(ctx: ActionContext, viewer: Viewer, id: number): Promise<void> {
  admin(viewer);
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const bot = await loadBot(tx, id);
    const held = await tx.selectFrom('conversations').select('id').where('assignee_id', '=', id).where('status', 'in', ['active', 'pending', 'closed']).execute();
    for (const { id: conversationId } of held) {
      const c = await lockConversation(tx, conversationId, ctx.store.dialect);
      if (c?.assignee_id === id) await handBackToHumans(tx, emit, c, { botName: bot.name, note: 'The bot was removed', actorId: viewer.id }, now);
    }
    await setBotQueues(tx, id, []);
    const tokens = await tx.selectFrom('api_tokens').select('id').where('user_id', '=', id).execute();
    await tx.deleteFrom('api_tokens').where('user_id', '=', id).execute();
    await tx.deleteFrom('webhooks').where('id', '=', bot.webhook_id).execute();
    await tx.deleteFrom('outbox_cursors').where('consumer', '=', consumerOf(bot.webhook_id)).execute();
    await tx.updateTable('users').set({ disabled: 1 }).where('id', '=', id).execute();
    emit(webhookChanged(bot.webhook_id, viewer.id, now, true), userChanged(id, viewer.id, now), credentialsEnded(id, tokens.map((t) => `token:${t.id}`), now));
  });
}

/**
 * The bot lets go: the conversation waits in its queue again and routing offers it to humans as
 * usual (in this transaction). The note is in the history for whoever takes over.
 */
export async function handBackToHumans(tx: Tx, emit: Emit, c: ConversationWithAccess, line: { botName: string; note?: string | undefined; actorId: number | null }, now: number): Promise<ConversationWithAccess> {
  const t = transition({ status: c.status as ConversationStatus, assigneeId: c.assignee_id }, { kind: 'unassign' });
  if (!t.ok) throw fromRefusal(t);
  await patchConversation(tx, c.id, { assignee_id: null, status: t.state.status, updated_at: now });
  const next: ConversationWithAccess = { ...c, assignee_id: null, status: t.state.status, updated_at: now, participantIds: [...c.participantIds] };
  const note = line.note ? `: ${line.note}` : '';
  await systemLine(
    tx,
    emit,
    next,
    { kind: 'transferred', byUserId: line.actorId, fromUserId: c.assignee_id, toUserId: null, status: `queue:${c.queue_id ?? 0}`, ...(line.note ? { note: line.note } : {}) },
    `Handed over to a human by ${line.botName}${note}`,
    line.actorId,
    now,
  );
  await emitConversationUpdated(tx, emit, next, line.actorId, now);
  revokeFromThoseWhoLostSight(emit, c, next, line.actorId, now);
  await afterConversationChange(tx, emit, c, next, now); // routing: it waits, so its queue is routed
  return next;
}

/** `POST /conversations/{id}/handoff`: only the bot holding the conversation hands it over. */
export async function handOffConversation(ctx: ActionContext, viewer: Viewer & { name: string }, conversationId: number, note?: string): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await lockVisibleConversation(ctx, tx, viewer, conversationId);
    const me = await tx.selectFrom('users').select('kind').where('id', '=', viewer.id).executeTakeFirst();
    if (me?.kind !== 'bot' || c.assignee_id !== viewer.id) throw new AppError('not_held_by_bot', 'Only the bot holding this conversation can hand it over.', 409);
    await handBackToHumans(tx, emit, c, { botName: viewer.name, note, actorId: viewer.id }, now);
  });
}

/**
 * A delivery to the bot failed (no answer, an error status, refused): the conversation it was about
 * goes to humans at once, in the transaction that logs the failure, if the bot still holds it.
 */
export async function botUnreachable(ctx: ActionContext, tx: Tx, emit: Emit, botId: number, conversationId: number | null, error: string | null): Promise<void> {
  if (conversationId == null) return;
  const c = await lockConversation(tx, conversationId, ctx.store.dialect);
  if (!c || c.assignee_id !== botId) return;
  const bot = await tx.selectFrom('users').select('name').where('id', '=', botId).executeTakeFirst();
  await handBackToHumans(tx, emit, c, { botName: bot?.name ?? 'the bot', note: `the bot could not be reached (${error ?? 'no answer'})`, actorId: null }, ctx.clock.now());
}
