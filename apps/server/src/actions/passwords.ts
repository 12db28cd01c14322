import { canAdminister, type Viewer } from '@switchboard/core';
import { AppError, notFound } from '../errors.ts';
import { hashPassword, verifyPassword } from '../auth/secrets.ts';
import { passwordProblem } from '../auth/passwordPolicy.ts';
import { findUser } from '../store/users.ts';
import { runAction, type ActionContext } from './context.ts';
import { endSessionsOf } from './credentials.ts';

async function checkPolicy(password: string, user: { email: string; name: string }): Promise<void> {
  const problem = await passwordProblem(password, user);
  if (problem) throw new AppError('weak_password', problem, 422);
}

/**
 * Changing one's own password: the current one is required. Every other session of the user ends
 * (and its sockets close on every node); the one that changed it stays signed in. API tokens stay:
 * they are revoked one by one.
 */
export async function changeOwnPassword(ctx: ActionContext, userId: number, keepSession: string | null, current: string, next: string): Promise<void> {
  const user = await findUser(ctx.store.db, userId);
  if (!user) throw notFound();
  if (!(await verifyPassword(current, user.password_hash))) throw new AppError('wrong_password', 'Your current password is not that.', 403);
  if (current === next) throw new AppError('weak_password', 'Choose a new password, not the current one.', 422);
  await checkPolicy(next, user);
  const hash = await hashPassword(next);
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    await tx.updateTable('users').set({ password_hash: hash, must_change_password: 0 }).where('id', '=', userId).execute();
    await endSessionsOf(tx, emit, userId, now, keepSession);
  });
}

/** An administrator's reset: a temporary password, to be replaced at the next sign-in; every session of the user ends. */
export async function resetPassword(ctx: ActionContext, admin: Viewer, userId: number, temporary: string): Promise<void> {
  if (!canAdminister(admin)) throw new AppError('forbidden', 'Only administrators can do that.', 403);
  const user = await findUser(ctx.store.db, userId);
  if (!user) throw notFound();
  await checkPolicy(temporary, user);
  const hash = await hashPassword(temporary);
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    await tx.updateTable('users').set({ password_hash: hash, must_change_password: 1 }).where('id', '=', userId).execute();
    await endSessionsOf(tx, emit, userId, now);
  });
}
