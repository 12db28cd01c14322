import { canAdminister, type Viewer } from '@switchboard/core';
import type { SaveUserGroupRequest } from '@switchboard/protocol';
import { AppError, forbidden, notFound } from '../errors.ts';
import type { Tx } from '../store/db.ts';
import type { NewEvent } from '../store/events.ts';
import { listGroups, type GroupRow } from '../store/groups.ts';
import { runAction, type ActionContext } from './context.ts';

/**
 * User groups and their rights (issue 16 item 4). A change is a `directory.changed` of kind `group`:
 * every node's gateway re-reads its viewers and cached token sign-ins are dropped (http/tokenCache.ts),
 * so a right granted or taken counts from the next request or frame on.
 */
function groupChanged(id: number, deleted: boolean, actorId: number, at: number): NewEvent {
  return { type: 'directory.changed', scope: { broadcast: true }, data: { kind: 'group', id, deleted }, actorId, at };
}

function mustAdminister(v: Viewer): void {
  if (!canAdminister(v)) throw forbidden('Only administrators manage user groups.');
}

const nameTaken = () => new AppError('group_name_taken', 'A user group with that name exists.', 409);

async function writeMembers(tx: Tx, groupId: number, userIds: number[]): Promise<void> {
  await tx.deleteFrom('user_group_members').where('group_id', '=', groupId).execute();
  const ids = [...new Set(userIds)];
  if (!ids.length) return;
  const known = await tx.selectFrom('users').select('id').where('id', 'in', ids).execute();
  if (known.length !== ids.length) throw new AppError('reference_not_found', 'One of the members is not a user of this workspace.', 422);
  await tx.insertInto('user_group_members').values(ids.map((user_id) => ({ group_id: groupId, user_id }))).execute();
}

async function groupById(tx: Tx, id: number): Promise<GroupRow> {
  const g = (await listGroups(tx)).find((x) => x.id === id);
  if (!g) throw notFound('user group');
  return g;
}

export async function createGroup(ctx: ActionContext, admin: Viewer, input: SaveUserGroupRequest): Promise<GroupRow> {
  mustAdminister(admin);
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    if (await tx.selectFrom('user_groups').select('id').where('name', '=', input.name).executeTakeFirst()) throw nameTaken();
    const row = await tx
      .insertInto('user_groups')
      .values({ name: input.name, rights: JSON.stringify([...new Set(input.rights)]), created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
      .catch((e: unknown) => {
        if (/unique|duplicate/i.test(String(e))) throw nameTaken();
        throw e;
      });
    await writeMembers(tx, row.id, input.memberIds);
    emit(groupChanged(row.id, false, admin.id, now));
    return groupById(tx, row.id);
  });
}

export async function updateGroup(ctx: ActionContext, admin: Viewer, id: number, input: SaveUserGroupRequest): Promise<GroupRow> {
  mustAdminister(admin);
  const now = ctx.clock.now();
  return runAction(ctx, async (tx, emit) => {
    const clash = await tx.selectFrom('user_groups').select('id').where('name', '=', input.name).where('id', '!=', id).executeTakeFirst();
    if (clash) throw nameTaken();
    const res = await tx.updateTable('user_groups').set({ name: input.name, rights: JSON.stringify([...new Set(input.rights)]), updated_at: now }).where('id', '=', id).executeTakeFirst();
    if (!Number(res.numUpdatedRows)) throw notFound('user group');
    await writeMembers(tx, id, input.memberIds);
    emit(groupChanged(id, false, admin.id, now));
    return groupById(tx, id);
  });
}

export async function deleteGroup(ctx: ActionContext, admin: Viewer, id: number): Promise<void> {
  mustAdminister(admin);
  const now = ctx.clock.now();
  await runAction(ctx, async (tx, emit) => {
    await tx.deleteFrom('user_group_members').where('group_id', '=', id).execute();
    const res = await tx.deleteFrom('user_groups').where('id', '=', id).executeTakeFirst();
    if (!Number(res.numDeletedRows)) throw notFound('user group');
    emit(groupChanged(id, true, admin.id, now));
  });
}
