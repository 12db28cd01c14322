import crypto from 'node:crypto';
import { AppError } from '../errors.ts';
import { hashPassword, hashToken, newToken, verifyPassword } from '../auth/secrets.ts';
import { findUserByEmail, type UserRow } from '../store/users.ts';
import { changePresence } from './routing/presence.ts';
import { runAction, type ActionContext } from './context.ts';
import { credentialsEnded } from './credentials.ts';

/** How long a browser session lasts. */
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

// Verifying against a real hash when the email is unknown keeps timing from revealing which emails exist.
const dummyHash = hashPassword(crypto.randomBytes(12).toString('hex'));

export interface SignedIn {
  user: UserRow;
  /** The cookie's value; only its hash is stored. */
  cookie: string;
  csrfToken: string;
}

/** Email and password → a browser session. A wrong email, a wrong password and a deactivated user answer alike. */
export async function signIn(ctx: ActionContext, email: string, password: string): Promise<SignedIn> {
  const user = await findUserByEmail(ctx.store.db, email);
  const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash));
  if (!user || !ok || user.disabled || user.kind === 'bot') throw new AppError('invalid_credentials', 'Wrong email or password.', 401);
  const cookie = newToken('sbs');
  const csrfToken = crypto.randomBytes(24).toString('base64url');
  const now = ctx.clock.now();
  await runAction(ctx, async (tx) => {
    await tx.insertInto('sessions').values({ id: hashToken(cookie), user_id: user.id, csrf_token: csrfToken, created_at: now, expires_at: now + SESSION_TTL_MS }).execute();
  });
  return { user, cookie, csrfToken };
}

/** Ends this session; signing out of the last browser means the agent has left, so no more offers to them. */
export async function signOut(ctx: ActionContext, userId: number, sessionId: string): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    await tx.deleteFrom('sessions').where('id', '=', sessionId).execute();
    // Every node's gateway closes the sockets opened on this session (actions/credentials.ts).
    emit(credentialsEnded(userId, [`session:${sessionId}`], now));
    const other = await tx.selectFrom('sessions').select('id').where('user_id', '=', userId).where('expires_at', '>', now).limit(1).executeTakeFirst();
    if (!other) await changePresence(tx, emit, userId, 'offline', now);
  });
}

/**
 * A session unused past the idle timeout (SESSION_IDLE_MINUTES) ends as a sign-out does: its sockets
 * close on every node, and if it was the agent's last session they go offline.
 */
export async function endIdleSession(ctx: ActionContext, userId: number, sessionId: string): Promise<void> {
  await signOut(ctx, userId, sessionId);
}

/** Notes that a session is in use, for the idle timeout (http/auth.ts writes it at most once a minute). */
export async function touchSession(ctx: ActionContext, sessionId: string, now: number): Promise<void> {
  await ctx.store.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', sessionId).execute();
}
