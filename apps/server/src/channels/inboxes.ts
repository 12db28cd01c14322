import type { Selectable } from 'kysely';
import { INBOX_SCHEMAS, type CreateInboxRequest, type Inbox, type InboxChannel, type UpdateInboxRequest } from '@switchboard/protocol';
import { AppError, notFound } from '../errors.ts';
import type { Db, Tx } from '../store/db.ts';
import type { InboxesTable } from '../store/schema.ts';
import type { NewEvent } from '../store/events.ts';
import { runAction, type ActionContext } from '../actions/context.ts';
import type { SecretBox } from './secrets.ts';

export type InboxRow = Selectable<InboxesTable>;

/** Rows → API shape: settings as stored, secrets only by name. */
export function presentInbox(row: InboxRow, box: SecretBox): Inbox {
  let secretsSet: string[] = [];
  try {
    secretsSet = Object.keys(box.open(row.secrets)).sort();
  } catch {
    secretsSet = []; // sealed with another key: shown as unset, so the admin enters them again
  }
  return {
    id: row.id,
    channel: row.channel as InboxChannel,
    name: row.name,
    queueId: row.queue_id,
    address: row.address,
    settings: JSON.parse(row.settings),
    secretsSet,
    enabled: row.enabled === 1,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function inboxChanged(id: number, deleted: boolean, actorId: number, at: number): NewEvent {
  // Conversation rows show the inbox's name: open workspaces refetch when it changes.
  return { type: 'directory.changed', scope: { broadcast: true }, data: { kind: 'inbox', id, deleted }, actorId, at };
}

/** Applies a secrets change: named ones replaced, `null` (or empty) removes one. */
function mergeSecrets(current: Record<string, string>, change: Record<string, string | null | undefined>): Record<string, string> {
  const out = { ...current };
  for (const [k, v] of Object.entries(change)) {
    if (v === null || v === undefined || v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}

async function checkQueue(tx: Tx, queueId: number | null | undefined) {
  if (queueId == null) return;
  const q = await tx.selectFrom('queues').select('id').where('id', '=', queueId).executeTakeFirst();
  if (!q) throw new AppError('queue_not_found', 'No such queue.', 422);
}

function taken(e: unknown): never {
  if (/unique|duplicate/i.test(String(e))) throw new AppError('inbox_address_taken', 'Another inbox of this channel already has that address.', 409);
  throw e;
}

export async function listInboxes(db: Db): Promise<InboxRow[]> {
  return db.selectFrom('inboxes').selectAll().orderBy('channel').orderBy('name').execute();
}

export async function findInbox(db: Db | Tx, id: number): Promise<InboxRow | undefined> {
  return db.selectFrom('inboxes').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function createInbox(ctx: ActionContext, box: SecretBox, actorId: number, input: CreateInboxRequest): Promise<InboxRow> {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    await checkQueue(tx, input.queueId);
    const secrets = mergeSecrets({}, input.secrets as Record<string, string | null>);
    const row = await tx
      .insertInto('inboxes')
      .values({
        channel: input.channel,
        name: input.name,
        queue_id: input.queueId ?? null,
        address: input.address,
        settings: JSON.stringify(input.settings),
        secrets: Object.keys(secrets).length ? box.seal(secrets) : null,
        enabled: input.enabled ? 1 : 0,
        last_error: null,
        last_error_at: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(taken);
    emit(inboxChanged(row.id, false, actorId, now));
    return row;
  });
}

function invalid(what: string, issues: Array<{ path: PropertyKey[]; message: string }>): AppError {
  const first = issues[0];
  const where = first?.path.length ? `${what}.${first.path.map(String).join('.')}` : what;
  return new AppError('validation_failed', `Invalid ${where}: ${first?.message ?? 'invalid value'}`, 400, issues);
}

export async function updateInbox(ctx: ActionContext, box: SecretBox, actorId: number, id: number, patch: UpdateInboxRequest): Promise<InboxRow> {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const row = await findInbox(tx, id);
    if (!row) throw notFound('inbox');
    const schemas = INBOX_SCHEMAS[row.channel as InboxChannel];
    const set: Partial<InboxRow> = { updated_at: now };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.queueId !== undefined) {
      await checkQueue(tx, patch.queueId);
      set.queue_id = patch.queueId;
    }
    if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
    if (patch.address !== undefined) {
      const a = schemas.address.safeParse(patch.address);
      if (!a.success) throw invalid('address', a.error.issues);
      set.address = a.data;
    }
    if (patch.settings !== undefined) {
      const s = schemas.settings.safeParse(patch.settings);
      if (!s.success) throw invalid('settings', s.error.issues);
      set.settings = JSON.stringify(s.data);
    }
    if (patch.secrets !== undefined) {
      const s = schemas.secrets.safeParse(patch.secrets);
      if (!s.success) throw invalid('secrets', s.error.issues);
      let current: Record<string, string> = {};
      try {
        current = box.open(row.secrets);
      } catch {
        current = {};
      }
      const next = mergeSecrets(current, s.data as Record<string, string | null>);
      set.secrets = Object.keys(next).length ? box.seal(next) : null;
    }
    await tx.updateTable('inboxes').set(set).where('id', '=', id).execute().catch(taken);
    emit(inboxChanged(id, false, actorId, now));
    return (await findInbox(tx, id))!;
  });
}

/** Deleting an inbox keeps its conversations (they lose the link); mail to its address is refused from then on. */
export async function deleteInbox(ctx: ActionContext, actorId: number, id: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const r = await tx.deleteFrom('inboxes').where('id', '=', id).executeTakeFirst();
    if (!Number(r.numDeletedRows)) throw notFound('inbox');
    emit(inboxChanged(id, true, actorId, now));
  });
}

/** A receiving or sending problem, shown to administrators on the inbox (cleared by `clearInboxError`). */
export async function recordInboxError(db: Db, id: number, message: string, now: number): Promise<void> {
  await db.updateTable('inboxes').set({ last_error: message.slice(0, 500), last_error_at: now }).where('id', '=', id).execute();
}

export async function clearInboxError(db: Db, id: number): Promise<void> {
  await db.updateTable('inboxes').set({ last_error: null, last_error_at: null }).where('id', '=', id).where('last_error', 'is not', null).execute();
}
