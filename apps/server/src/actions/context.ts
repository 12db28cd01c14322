import { canSeeConversation, type Viewer } from '@switchboard/core';
import type { Clock } from '../clock.ts';
import { notFound } from '../errors.ts';
import type { Store, Tx } from '../store/db.ts';
import { getConversation, lockConversation, type ConversationWithAccess, scopeOf } from '../store/conversations.ts';
import { appendEvents, type NewEvent } from '../store/events.ts';
import type { Signal } from '../events/signals.ts';
import { takeCountsChanged } from '../routing/counts.ts';

/** What every action needs: the store, the time, and a way to tell the dispatcher there is news. */
export interface ActionContext {
  store: Store;
  clock: Clock;
  /** Called after a commit that appended events. */
  eventsCommitted(): void;
  /** Called after a commit that changed these queues' counts (routing/counts.ts announces them). */
  countsChanged?(queueIds: number[]): void;
  /** Sends an ephemeral signal (typing): to the sockets that may see it, on every node; nothing is stored. */
  signal(signal: Signal): void;
}

/** Loads a conversation the viewer may see; anything else is "not found" (never reveal it exists). */
export async function visibleConversation(ctx: ActionContext, viewer: Viewer, id: number): Promise<ConversationWithAccess> {
  const c = await getConversation(ctx.store.db, id);
  if (!c || !canSeeConversation(viewer, scopeOf(c))) {
    throw notFound();
  }
  return c;
}

/**
 * Runs one user intent: lock and load inside a transaction, decide, write state and events together,
 * then wake the dispatcher once the commit has happened.
 */
export async function runAction<T>(
  ctx: ActionContext,
  fn: (tx: Tx, emit: (...events: NewEvent[]) => void) => Promise<T>,
): Promise<T> {
  let emitted = 0;
  let committed: Tx | null = null;
  const result = await ctx.store.transaction(async (tx) => {
    committed = tx;
    const pending: NewEvent[] = [];
    const out = await fn(tx, (...events) => pending.push(...events));
    await appendEvents(tx, pending, ctx.store.dialect);
    emitted = pending.length;
    return out;
  });
  if (emitted) ctx.eventsCommitted();
  const counts = committed ? takeCountsChanged(committed) : [];
  if (counts.length) ctx.countsChanged?.(counts);
  return result;
}

/** Inside an action: the conversation, locked, and visible to the viewer. */
export async function lockVisibleConversation(ctx: ActionContext, tx: Tx, viewer: Viewer | null, id: number): Promise<ConversationWithAccess> {
  const c = await lockConversation(tx, id, ctx.store.dialect);
  if (!c) throw notFound();
  if (viewer && !canSeeConversation(viewer, scopeOf(c))) throw notFound();
  return c;
}
