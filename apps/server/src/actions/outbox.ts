import type { Viewer } from '@switchboard/core';
import { canAdminister } from '@switchboard/core';
import { AppError, forbidden } from '../errors.ts';
import { reviveDeadLetter } from '../store/outbox.ts';
import { runAction, type ActionContext } from './context.ts';

/**
 * An administrator puts a dead letter back in line once its cause is fixed: it is due at once (or
 * waits behind the items of its key still pending) with a fresh count of attempts.
 */
export async function retryDeadLetter(ctx: ActionContext, viewer: Viewer, consumer: string, id: number): Promise<void> {
  if (!canAdminister(viewer)) throw forbidden('Only administrators can do that.');
  const found = await runAction(ctx, (tx) => reviveDeadLetter(tx, consumer, id, ctx.clock.now()));
  if (!found) throw new AppError('not_found', 'No such dead letter.', 404);
}
