import type { CreateLabelRequest, CreateQueueRequest, CreateTagRequest, CreateUserRequest, UpdateUserRequest } from '@switchboard/protocol';
import type { z } from 'zod';
import { passwordProblem } from '../auth/passwordPolicy.ts';
import { AppError, notFound } from '../errors.ts';
import type { Tx } from '../store/db.ts';
import type { NewEvent } from '../store/events.ts';
import { findUser, findUserByEmail, insertUser, setQueueMembers, type UserRow } from '../store/users.ts';
import { hashPassword } from '../auth/secrets.ts';
import { emitPresence, passOnOffersOf } from '../routing/engine.ts';
import { runAction, type ActionContext } from './context.ts';
import { forgetReportDimension } from './reportFacts.ts';

/** `directory.changed` is workspace-wide: every open workspace refetches what shows the thing. */
export function directoryChanged(kind: 'tag' | 'label' | 'user', id: number, deleted: boolean, actorId: number, at: number): NewEvent {
  return { type: 'directory.changed', scope: { broadcast: true }, data: { kind, id, deleted }, actorId, at };
}

/** A unique key lost to a concurrent insert: the same answer as when the clash was seen first. */
function uniqueViolation(e: unknown, code: string, message: string): never {
  if (/unique|duplicate/i.test(String(e))) throw new AppError(code, message, 409);
  throw e;
}

/** An administrator adds a user, with their queues, in one transaction. */
export async function createUser(ctx: ActionContext, actorId: number, input: z.infer<typeof CreateUserRequest>): Promise<UserRow> {
  const now = ctx.clock.now();
  // The same password policy as changing one's own (auth/passwordPolicy.ts): no weak first password.
  const problem = await passwordProblem(input.password, input);
  if (problem) throw new AppError('weak_password', problem, 422);
  const passwordHash = await hashPassword(input.password);
  const taken = () => new AppError('email_taken', 'A user with that email exists.', 409);
  return runAction(ctx, async (tx, emit) => {
    if (await findUserByEmail(tx, input.email)) throw taken();
    const id = await insertUser(tx, { email: input.email, name: input.name, role: input.role, passwordHash, capacity: input.capacity, now }).catch((e) => uniqueViolation(e, taken().code, taken().message));
    await setMemberships(tx, emit, id, [...new Set(input.queueIds ?? [])], now);
    emit(directoryChanged('user', id, false, actorId, now));
    return (await findUser(tx, id))!;
  });
}

/** An administrator adds a queue and who serves it. */
export async function createQueue(ctx: ActionContext, actorId: number, input: z.infer<typeof CreateQueueRequest>): Promise<number> {
  const now = ctx.clock.now();
  const taken = () => new AppError('queue_name_taken', 'A queue with that name exists.', 409);
  return runAction(ctx, async (tx, emit) => {
    if (await tx.selectFrom('queues').select('id').where('name', '=', input.name).executeTakeFirst()) throw taken();
    const row = await tx
      .insertInto('queues')
      .values({ name: input.name, routing_mode: input.routingMode, settings: '{}', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
      .catch((e) => uniqueViolation(e, taken().code, taken().message));
    await setQueueMembers(tx, row.id, input.memberIds);
    emit({ type: 'membership.changed', scope: { broadcast: true }, data: { queueId: row.id, memberIds: input.memberIds }, actorId, at: now });
    return row.id;
  });
}

/** An administrator adds a customer or conversation tag. */
export async function createTag(ctx: ActionContext, actorId: number, input: z.infer<typeof CreateTagRequest>) {
  const now = ctx.clock.now();
  const taken = () => new AppError('tag_name_taken', 'A tag with that name exists.', 409);
  return runAction(ctx, async (tx, emit) => {
    if (await tx.selectFrom('tags').select('id').where('kind', '=', input.kind).where('name', '=', input.name).executeTakeFirst()) throw taken();
    const row = await tx.insertInto('tags').values(input).returningAll().executeTakeFirstOrThrow().catch((e) => uniqueViolation(e, taken().code, taken().message));
    emit(directoryChanged('tag', row.id, false, actorId, now));
    return row;
  });
}

/** An administrator adds a custom workflow label. */
export async function createLabel(ctx: ActionContext, actorId: number, input: z.infer<typeof CreateLabelRequest>) {
  const now = ctx.clock.now();
  const taken = () => new AppError('label_name_taken', 'A label with that name exists.', 409);
  return runAction(ctx, async (tx, emit) => {
    if (await tx.selectFrom('labels').select('id').where('name', '=', input.name).executeTakeFirst()) throw taken();
    const row = await tx.insertInto('labels').values({ ...input, builtin: 0 }).returningAll().executeTakeFirstOrThrow().catch((e) => uniqueViolation(e, taken().code, taken().message));
    emit(directoryChanged('label', row.id, false, actorId, now));
    return row;
  });
}

/**
 * An administrator changes a user's name, role, capacity, queues or whether they may sign in. The
 * workspace always keeps one active administrator; deactivating ends the user's sessions, sets them
 * offline and passes their open offers on, all in one transaction.
 */
export async function updateUser(ctx: ActionContext, actorId: number, userId: number, patch: UpdateUserRequest): Promise<UserRow> {
  const now = ctx.clock.now();
  const pg = ctx.store.dialect === 'postgres';
  return runAction(ctx, async (tx, emit) => {
    let lock = tx.selectFrom('users').selectAll().where('id', '=', userId);
    if (pg) lock = lock.forUpdate();
    const target = await lock.executeTakeFirst();
    if (!target) throw notFound('user');

    const wasAdmin = target.role === 'admin' && !target.disabled;
    const staysAdmin = (patch.role ?? target.role) === 'admin' && (patch.active ?? !target.disabled);
    if (wasAdmin && !staysAdmin) {
      // Lock every active admin row so two admins demoting each other cannot both succeed.
      let admins = tx.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0);
      if (pg) admins = admins.forUpdate();
      const others = (await admins.execute()).filter((a) => a.id !== userId);
      if (others.length === 0) throw new AppError('last_admin', 'The workspace needs at least one active administrator; make someone else an administrator first.', 409);
    }

    const deactivating = patch.active === false && !target.disabled;
    const set: Partial<Pick<UserRow, 'name' | 'role' | 'capacity' | 'disabled' | 'status' | 'browse_contacts'>> = {};
    if (patch.browseContacts !== undefined) set.browse_contacts = patch.browseContacts ? 1 : 0;
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.capacity !== undefined) set.capacity = patch.capacity;
    if (patch.active !== undefined) set.disabled = patch.active ? 0 : 1;
    if (deactivating) set.status = 'offline';
    if (Object.keys(set).length) await tx.updateTable('users').set(set).where('id', '=', userId).execute();

    if (patch.queueIds) await setMemberships(tx, emit, userId, [...new Set(patch.queueIds)], now);
    if (deactivating) {
      await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await passOnOffersOf(tx, emit, userId, now);
    }
    await emitPresence(tx, emit, [userId], now, actorId);
    emit(directoryChanged('user', userId, false, actorId, now));
    return (await findUser(tx, userId))!;
  });
}

/** Replaces a user's queue memberships, keeping "serving" where they stay; offers from dropped queues move on. */
async function setMemberships(tx: Tx, emit: (...e: NewEvent[]) => void, userId: number, queueIds: number[], now: number): Promise<void> {
  if (queueIds.length) {
    const found = await tx.selectFrom('queues').select('id').where('id', 'in', queueIds).execute();
    if (found.length !== queueIds.length) throw new AppError('queue_not_found', 'No such queue.', 422);
  }
  const current = (await tx.selectFrom('queue_members').select('queue_id').where('user_id', '=', userId).execute()).map((r) => r.queue_id);
  const dropped = current.filter((q) => !queueIds.includes(q));
  const added = queueIds.filter((q) => !current.includes(q));
  if (dropped.length) {
    await tx.deleteFrom('queue_members').where('user_id', '=', userId).where('queue_id', 'in', dropped).execute();
    await passOnOffersOf(tx, emit, userId, now, dropped);
  }
  if (added.length) await tx.insertInto('queue_members').values(added.map((queue_id) => ({ queue_id, user_id: userId }))).execute();
}

/** Renames or recolours a tag; the conversations and customers carrying it show the new name. */
export async function updateTag(ctx: ActionContext, actorId: number, tagId: number, patch: { name?: string; color?: string }) {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const tag = await tx.selectFrom('tags').selectAll().where('id', '=', tagId).executeTakeFirst();
    if (!tag) throw notFound('tag');
    if (patch.name !== undefined && patch.name !== tag.name) {
      const clash = await tx.selectFrom('tags').select('id').where('kind', '=', tag.kind).where('name', '=', patch.name).executeTakeFirst();
      if (clash) throw new AppError('tag_name_taken', 'A tag with that name exists.', 409);
    }
    await tx.updateTable('tags').set(patch).where('id', '=', tagId).execute();
    emit(directoryChanged('tag', tagId, false, actorId, now));
    return { ...tag, ...patch };
  });
}

/** Deletes a tag and takes it off every conversation and customer, in one transaction. */
export async function deleteTag(ctx: ActionContext, actorId: number, tagId: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const tag = await tx.selectFrom('tags').select('id').where('id', '=', tagId).executeTakeFirst();
    if (!tag) throw notFound('tag');
    await forgetReportDimension(tx, 'tag', tagId);
    await tx.deleteFrom('conversation_tags').where('tag_id', '=', tagId).execute();
    await tx.deleteFrom('contact_tags').where('tag_id', '=', tagId).execute();
    await tx.deleteFrom('tags').where('id', '=', tagId).execute();
    emit(directoryChanged('tag', tagId, true, actorId, now));
  });
}

/** Renames or recolours a workflow label, built-in ones too. */
export async function updateLabel(ctx: ActionContext, actorId: number, labelId: number, patch: { name?: string; color?: string }) {
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const label = await tx.selectFrom('labels').selectAll().where('id', '=', labelId).executeTakeFirst();
    if (!label) throw notFound('label');
    if (patch.name !== undefined && patch.name !== label.name) {
      const clash = await tx.selectFrom('labels').select('id').where('name', '=', patch.name).executeTakeFirst();
      if (clash) throw new AppError('label_name_taken', 'A label with that name exists.', 409);
    }
    await tx.updateTable('labels').set(patch).where('id', '=', labelId).execute();
    emit(directoryChanged('label', labelId, false, actorId, now));
    return { ...label, ...patch };
  });
}

/** Deletes a custom label and takes it off every conversation; the four built-in labels stay. */
export async function deleteLabel(ctx: ActionContext, actorId: number, labelId: number): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const label = await tx.selectFrom('labels').select(['id', 'builtin']).where('id', '=', labelId).executeTakeFirst();
    if (!label) throw notFound('label');
    if (label.builtin) throw new AppError('label_builtin', 'Built-in labels can be renamed but not deleted.', 409);
    await forgetReportDimension(tx, 'label', labelId);
    await tx.deleteFrom('conversation_labels').where('label_id', '=', labelId).execute();
    await tx.deleteFrom('labels').where('id', '=', labelId).execute();
    emit(directoryChanged('label', labelId, true, actorId, now));
  });
}

/**
 * An administrator sets who serves a queue. Open streams judge later events with the new
 * memberships (and cached sign-ins are dropped) on every node, through `membership.changed`.
 */
export async function setQueueMembership(ctx: ActionContext, actorId: number, queueId: number, memberIds: number[]): Promise<void> {
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    const q = await tx.selectFrom('queues').select('id').where('id', '=', queueId).executeTakeFirst();
    if (!q) throw notFound('queue');
    await setQueueMembers(tx, queueId, memberIds);
    emit({ type: 'membership.changed', scope: { broadcast: true }, data: { queueId, memberIds }, actorId, at: now });
  });
}
