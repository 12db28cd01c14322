import { QueueSettings, type QueueRouting as QueueRoutingSchema, type UpdateQueueRoutingRequest } from '@switchboard/protocol';
import type { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { Db, Tx } from '../../store/db.ts';
import { forgetPolicy, policyOf } from '../../routing/policy.ts';
import { routeQueues } from '../../routing/engine.ts';
import { runAction, type ActionContext } from '../context.ts';

type QueueRouting = z.infer<typeof QueueRoutingSchema>;

/** A queue's routing mode and timers, defaults filled in. */
export async function queueRouting(db: Db | Tx, id: number): Promise<QueueRouting> {
  const q = await db.selectFrom('queues').select(['id', 'name', 'routing_mode', 'settings']).where('id', '=', id).executeTakeFirst();
  if (!q) throw new AppError('not_found', 'No such queue.', 404);
  const { mode, ...settings } = policyOf(q);
  return { queueId: q.id, name: q.name, routingMode: mode, settings };
}

/** An administrator changes a queue's routing; the waiting line is routed again under the new rules at once. */
export async function updateQueueRouting(ctx: ActionContext, queueId: number, patch: z.infer<typeof UpdateQueueRoutingRequest>): Promise<QueueRouting> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const current = await queueRouting(tx, queueId);
    const settings = QueueSettings.parse({ ...current.settings, ...patch.settings });
    const mode = patch.routingMode ?? current.routingMode;
    await tx.updateTable('queues').set({ routing_mode: mode, settings: JSON.stringify(settings) }).where('id', '=', queueId).execute();
    forgetPolicy(queueId);
    await routeQueues(tx, emit, [queueId], now);
  });
  // Again after the commit: a pass on this node may have cached the old settings meanwhile.
  forgetPolicy(queueId);
  return queueRouting(ctx.store.db, queueId);
}
