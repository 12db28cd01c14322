import { movesFact, nextFact, type ConversationSnapshot, type StoredFact } from '@switchboard/core';
import type { Tx } from '../store/db.ts';
import type { ConversationRow } from '../store/conversations.ts';
import { countInRollups, factRowOf, moveRollups, rollupTimeZone } from '../store/reportRollups.ts';
import { rebuildRollups } from '../store/reportRebuild.ts';
import {
  countInDimensions, forgetDimension, lockRollups, moveConversationInDimensions, moveCustomerInTag, moveDimensionRollups, type Dimension,
} from '../store/reportDimensions.ts';
import { isTimeZone, localDay } from '@switchboard/core';

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
  const tz = await lockRollups(tx);
  const row = before ? await tx.selectFrom('conversation_facts').selectAll().where('conversation_id', '=', after.id).executeTakeFirst() : undefined;
  const stored = row ? factRowOf(row as unknown as Record<string, unknown>) : undefined;
  const { conversation_id: _id, ...current } = stored ?? { conversation_id: 0 };
  const next = { ...nextFact(stored ? (current as StoredFact) : null, b, a, now), day: stored?.day ?? localDay(a.createdAt, tz) };
  if (stored) await tx.updateTable('conversation_facts').set(next).where('conversation_id', '=', after.id).execute();
  else await tx.insertInto('conversation_facts').values({ conversation_id: after.id, ...next }).execute();
  await moveRollups(tx, stored ?? null, next);
  await moveDimensionRollups(tx, after.id, stored ?? null, next);
}

/** Deleted conversations leave the rollups (their facts go with them, by cascade). */
export async function forgetConversationFacts(tx: Tx, conversationIds: number[]): Promise<void> {
  if (!conversationIds.length) return;
  await lockRollups(tx);
  const rows = await tx.selectFrom('conversation_facts').selectAll().where('conversation_id', 'in', conversationIds).execute();
  for (const r of rows) {
    const f = factRowOf(r as unknown as Record<string, unknown>);
    await moveRollups(tx, f, null);
    await moveDimensionRollups(tx, f.conversation_id, f, null); // before its tags and labels cascade away
  }
}

/** An offer declined or let run out (seed 001) counts against its conversation. */
export async function countOfferAnswer(tx: Tx, conversationId: number, answer: 'declined' | 'timed_out'): Promise<void> {
  await countOfferAnswers(tx, [conversationId], answer);
}

/** The same for many conversations at once (each counted once): one update of the facts, one per cell. */
export async function countOfferAnswers(tx: Tx, conversationIds: number[], answer: 'declined' | 'timed_out'): Promise<void> {
  if (!conversationIds.length) return;
  const column = answer === 'declined' ? 'offers_declined' : 'offers_timed_out';
  await lockRollups(tx);
  await tx.updateTable('conversation_facts').set((eb) => ({ [column]: eb(column, '+', 1) })).where('conversation_id', 'in', conversationIds).execute();
  await countInRollups(tx, conversationIds, column);
  await countInDimensions(tx, conversationIds, column);
}

/** Seed 002: an unpinned customer's conversations leave that customer's figures. */
export async function forgetFactsCustomer(tx: Tx, conversationId: number): Promise<void> {
  await lockRollups(tx);
  const row = await tx.selectFrom('conversation_facts').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
  if (!row) return;
  const f = factRowOf(row as unknown as Record<string, unknown>);
  await moveDimensionRollups(tx, conversationId, f, { ...f, contact_id: null }); // out of the customer's tags
  await tx.updateTable('conversation_facts').set({ contact_id: null }).where('conversation_id', '=', conversationId).execute();
}

/**
 * A conversation's tags or labels replaced (seed 004): the ones taken off lose its figures, the
 * ones put on gain them. Call with the ids before and after the change.
 */
export async function conversationDimensionsChanged(tx: Tx, conversationId: number, dim: 'tag' | 'label', before: number[], after: number[]): Promise<void> {
  const off = before.filter((id) => !after.includes(id)).map((id): Dimension => ({ dim, id }));
  const on = after.filter((id) => !before.includes(id)).map((id): Dimension => ({ dim, id }));
  if (!off.length && !on.length) return;
  await lockRollups(tx);
  await moveConversationInDimensions(tx, conversationId, off, -1);
  await moveConversationInDimensions(tx, conversationId, on, 1);
}

/** A customer tag put on or taken off a customer: every conversation of the customer moves with it. */
export async function customerTagChanged(tx: Tx, contactId: number, tagId: number, on: boolean): Promise<void> {
  await lockRollups(tx);
  await moveCustomerInTag(tx, contactId, tagId, on ? 1 : -1);
}

/** A deleted tag or label leaves the reports with its cells. */
export async function forgetReportDimension(tx: Tx, dim: 'tag' | 'label', id: number): Promise<void> {
  await forgetDimension(tx, dim === 'tag' ? ['tag', 'customerTag'] : ['label'], id);
}

/**
 * The workspace's time zone saved: when the rollups' local days are in another zone, they are
 * rebuilt in it, in the saving transaction (reports meanwhile read the old rollups, or the facts
 * for the new zone; writers of facts wait on PostgreSQL, see lockRollups).
 */
export async function workspaceTimeZoneSaved(tx: Tx, asked: string | undefined): Promise<void> {
  const tz = asked && isTimeZone(asked) ? asked : 'UTC';
  if ((await rollupTimeZone(tx)) !== tz) await rebuildRollups(tx, tz);
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
