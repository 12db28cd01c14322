import { movesFact, nextFact, type ConversationSnapshot, type StoredFact } from '@switchboard/core';
import type { Tx } from '../store/db.ts';
import type { ConversationRow } from '../store/conversations.ts';
import { countInRollups, factDay, factRowOf, moveRollups } from '../store/reportRollups.ts';

/**
 * Reports' per-conversation facts, written in the transaction of the change that moves them (the
 * one routing hook every conversation change passes through), so a figure is never behind its
 * cause and nothing reads the messages table or the events later. Chosen over an outbox consumer
 * on the events: the hook already holds the row before and after, while events carry presented
 * conversations that would have to be diffed again, and a cursor would make figures lag.
 */
export async function recordConversationFacts(tx: Tx, before: ConversationRow | null, after: ConversationRow, now: number): Promise<void> {
  const b = before ? snapshot(before) : null;
  const a = snapshot(after);
  if (!movesFact(b, a)) return; // most customer messages change nothing a report counts
  const row = before ? await tx.selectFrom('conversation_facts').selectAll().where('conversation_id', '=', after.id).executeTakeFirst() : undefined;
  const stored = row ? factRowOf(row as unknown as Record<string, unknown>) : undefined;
  const { conversation_id: _id, ...current } = stored ?? { conversation_id: 0 };
  const next = { ...nextFact(stored ? (current as StoredFact) : null, b, a, now), day: stored?.day ?? (await factDay(tx, a.createdAt)) };
  if (stored) await tx.updateTable('conversation_facts').set(next).where('conversation_id', '=', after.id).execute();
  else await tx.insertInto('conversation_facts').values({ conversation_id: after.id, ...next }).execute();
  await moveRollups(tx, stored ?? null, next);
}

/** Deleted conversations leave the rollups (their facts go with them, by cascade). */
export async function forgetConversationFacts(tx: Tx, conversationIds: number[]): Promise<void> {
  if (!conversationIds.length) return;
  const rows = await tx.selectFrom('conversation_facts').selectAll().where('conversation_id', 'in', conversationIds).execute();
  for (const r of rows) await moveRollups(tx, factRowOf(r as unknown as Record<string, unknown>), null);
}

/** An offer declined or let run out (seed 001) counts against its conversation. */
export async function countOfferAnswer(tx: Tx, conversationId: number, answer: 'declined' | 'timed_out'): Promise<void> {
  const column = answer === 'declined' ? 'offers_declined' : 'offers_timed_out';
  await tx.updateTable('conversation_facts').set((eb) => ({ [column]: eb(column, '+', 1) })).where('conversation_id', '=', conversationId).execute();
  await countInRollups(tx, conversationId, column);
}

/** Seed 002: an unpinned customer's conversations leave that customer's figures. */
export async function forgetFactsCustomer(tx: Tx, conversationId: number): Promise<void> {
  await tx.updateTable('conversation_facts').set({ contact_id: null }).where('conversation_id', '=', conversationId).execute();
}

/** A status change closes the agent's open interval and opens the next (nothing when unchanged). */
export async function recordStatusInterval(tx: Tx, userId: number, status: string, now: number): Promise<void> {
  const open = await tx.selectFrom('agent_status_intervals').select(['id', 'status']).where('user_id', '=', userId).where('ended_at', 'is', null).orderBy('id', 'desc').executeTakeFirst();
  if (open?.status === status) return;
  if (open) await tx.updateTable('agent_status_intervals').set({ ended_at: now }).where('id', '=', open.id).execute();
  await tx.insertInto('agent_status_intervals').values({ user_id: userId, status, started_at: now, ended_at: null }).execute();
}

function snapshot(c: ConversationRow): ConversationSnapshot {
  return {
    status: c.status,
    assigneeId: c.assignee_id,
    queueId: c.queue_id,
    channel: c.channel,
    inboxId: c.inbox_id ?? null,
    contactId: c.contact_id,
    createdAt: c.created_at,
    previousConversationId: c.previous_conversation_id,
    firstResponseAt: c.first_response_at,
    lastAgentMessageAt: c.last_agent_message_at,
    replyDueAt: c.reply_due_at,
  };
}
