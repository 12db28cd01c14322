import { transition } from '@switchboard/core';
import type { Tx } from '../store/db.ts';
import { eventScopeOf, insertConversation, type ConversationWithAccess } from '../store/conversations.ts';
import type { NewEvent } from '../store/events.ts';
import { presentConversationCores } from '../presenters/conversations.ts';
import { afterConversationChange } from '../routing/engine.ts';
import { systemLine } from './conversationRows.ts';

export interface OpenConversationInput {
  contactId: number;
  channel: string;
  queueId: number | null;
  subject?: string | null;
  priority?: string;
  previousConversationId?: number | null;
  /** Offer it to this agent first (seed 003: a chat from a ticket goes to the ticket's agent). */
  preferredAgentId?: number | null;
  /** The inbox it came in by (channels/inboxes.ts). */
  inboxId?: number | null;
  now: number;
}

/** The bot a queue starts with (Admin → Bots), if it has an active one. */
async function startingBot(tx: Tx, queueId: number | null): Promise<{ id: number; name: string } | undefined> {
  if (queueId == null) return undefined;
  return tx.selectFrom('queues').innerJoin('users', 'users.id', 'queues.bot_id').select(['users.id', 'users.name']).where('queues.id', '=', queueId).where('users.disabled', '=', 0).executeTakeFirst();
}

/**
 * Creates a conversation inside the caller's transaction and announces it: queued for routing, or,
 * when its queue starts with a bot, already in the bot's hands (it hands over with `handoff`).
 */
export async function openConversation(
  tx: Tx,
  emit: (...e: NewEvent[]) => void,
  input: OpenConversationInput,
): Promise<ConversationWithAccess> {
  const bot = await startingBot(tx, input.queueId);
  const assigned = bot ? transition({ status: 'queued', assigneeId: null }, { kind: 'assign', assigneeId: bot.id }) : null;
  const row = await insertConversation(tx, {
    contact_id: input.contactId,
    channel: input.channel,
    subject: input.subject ?? null,
    queue_id: input.queueId,
    assignee_id: bot?.id ?? null,
    status: assigned?.ok ? assigned.state.status : 'queued',
    priority: input.priority ?? 'normal',
    previous_conversation_id: input.previousConversationId ?? null,
    preferred_agent_id: input.preferredAgentId ?? null,
    inbox_id: input.inboxId ?? null,
    created_at: input.now,
    updated_at: input.now,
    first_response_at: null,
    last_customer_message_at: null,
    last_agent_message_at: null,
    resolved_at: null,
    resolution_note: null,
    last_message_id: null,
    last_activity_at: input.now,
  });
  const c: ConversationWithAccess = { ...row, participantIds: [] };
  const [core] = await presentConversationCores(tx, [row]);
  emit({ type: 'conversation.created', conversationId: c.id, scope: eventScopeOf(c), data: core, at: input.now });
  if (bot) await systemLine(tx, emit, c, { kind: 'assigned', byUserId: null, toUserId: bot.id }, `Assigned automatically to ${bot.name} (bot)`, null, input.now);
  await afterConversationChange(tx, emit, null, c, input.now); // routing: offer it, start its timers
  return c;
}
