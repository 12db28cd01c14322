import crypto from 'node:crypto';
import type { Tx } from '../store/db.ts';
import type { NewEvent } from '../store/events.ts';
import { hashToken } from '../auth/secrets.ts';
import type { ActionContext } from './context.ts';

/**
 * Credentials and their ends (issue 9). A stream socket rests on a credential — a browser session
 * (`session:<hash of the cookie>`), an API token (`token:<id>`) or a visitor session
 * (`visitor:<hash>`). Whatever ends one (signing out, revoking a token, changing or resetting a
 * password) writes a `credential.ended` event in the same transaction, so every node's gateway
 * closes the sockets resting on it, as HTTP with it already answers 401.
 */

/** A stream ticket is good for this long, once. */
export const STREAM_TICKET_TTL_MS = 30_000;

type Emit = (...events: NewEvent[]) => void;

/** The private event that tells every node's gateways these credentials ended. */
export function credentialsEnded(userId: number | null, credentials: string[], at: number): NewEvent {
  return { type: 'credential.ended', scope: userId != null ? { userId } : { broadcast: true }, data: { credentials }, actorId: userId, at };
}

/**
 * A one-time ticket for opening a stream socket, issued on an existing credential (the caller is
 * already signed in over HTTP). It travels in the socket URL instead of the lasting secret.
 */
export async function issueStreamTicket(ctx: ActionContext, credential: string): Promise<{ ticket: string; expiresAt: number }> {
  const ticket = `sbk_${crypto.randomBytes(24).toString('base64url')}`;
  const now = ctx.clock.now();
  const expiresAt = now + STREAM_TICKET_TTL_MS;
  await ctx.store.transaction(async (tx) => {
    await tx.deleteFrom('stream_tickets').where('expires_at', '<', now).execute();
    await tx.insertInto('stream_tickets').values({ id: hashToken(ticket), credential, expires_at: expiresAt }).execute();
  });
  return { ticket, expiresAt };
}

/** Uses a ticket up: the credential it was issued on, or null if it is unknown, used or expired. */
export async function redeemStreamTicket(ctx: ActionContext, ticket: string | undefined): Promise<string | null> {
  if (!ticket || ticket.length > 200) return null;
  const row = await ctx.store.db.deleteFrom('stream_tickets').where('id', '=', hashToken(ticket)).returning(['credential', 'expires_at']).executeTakeFirst();
  if (!row || row.expires_at < ctx.clock.now()) return null;
  return row.credential;
}

/** Ends every session of a user but `keep` (the one changing its own password), inside an action. */
export async function endSessionsOf(tx: Tx, emit: Emit, userId: number, now: number, keep: string | null = null): Promise<void> {
  let q = tx.selectFrom('sessions').select('id').where('user_id', '=', userId);
  if (keep) q = q.where('id', '!=', keep);
  const ids = (await q.execute()).map((r) => r.id);
  if (!ids.length) return;
  await tx.deleteFrom('sessions').where('id', 'in', ids).execute();
  emit(credentialsEnded(userId, ids.map((id) => `session:${id}`), now));
}
