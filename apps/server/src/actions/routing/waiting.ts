import { AppError, notFound } from '../../errors.ts';
import { lockVisibleConversation, runAction, type ActionContext } from '../context.ts';
import type { Tx } from '../../store/db.ts';
import { setTimer } from '../../store/timers.ts';
import { applyLifecycle } from '../../routing/engine.ts';
import { countsChange } from '../../routing/counts.ts';
import { loadPolicy } from '../../routing/policy.ts';

// ---------------------------------------------------------------- the waiting customer (seed 003)

async function customerConversation(ctx: ActionContext, tx: Tx, contactId: number, conversationId: number) {
  const c = await lockVisibleConversation(ctx, tx, null, conversationId);
  if (c.contact_id !== contactId) throw notFound();
  return c;
}

/** The customer stops waiting: the chat request is abandoned (seed 003). */
export async function customerLeaves(ctx: ActionContext, contactId: number, conversationId: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await customerConversation(ctx, tx, contactId, conversationId);
    if (c.status !== 'queued') throw new AppError('conversation_not_waiting', 'Only a chat request still waiting can be left.', 409);
    await applyLifecycle(tx, emit, c, { kind: 'abandon' }, { kind: 'status', text: 'The customer left before anyone joined' }, now);
  });
}

/** The customer asks to be called back instead of waiting (seed 003). */
export async function requestCallback(ctx: ActionContext, contactId: number, conversationId: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const c = await customerConversation(ctx, tx, contactId, conversationId);
    await applyLifecycle(tx, emit, c, { kind: 'requestCallback' }, { kind: 'status', text: 'The customer asked for a callback' }, now);
  });
}

/** The customer chooses to keep waiting: the abandonment clock starts again (seed 003). */
export async function keepWaiting(ctx: ActionContext, contactId: number, conversationId: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx) => {
    const c = await customerConversation(ctx, tx, contactId, conversationId);
    if (c.status !== 'queued') throw new AppError('conversation_not_waiting', 'The conversation is not waiting.', 409);
    const policy = await loadPolicy(tx, c.queue_id);
    if (policy.abandonAfterMs != null) await setTimer(tx, { kind: 'abandon', conversationId: c.id, dueAt: now + policy.abandonAfterMs });
    countsChange(tx, [c.queue_id]);
  });
}
