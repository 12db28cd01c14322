import { GROUP_RIGHTS, type GroupRight } from '@switchboard/core';
import type { Db, Tx } from './db.ts';

export interface GroupRow {
  id: number;
  name: string;
  rights: GroupRight[];
  memberIds: number[];
}

/** A stored rights list, keeping only rights the core knows (a removed right grants nothing). */
export function parseRights(json: string): GroupRight[] {
  try {
    const list: unknown = JSON.parse(json);
    return Array.isArray(list) ? GROUP_RIGHTS.filter((r) => list.includes(r)) : [];
  } catch {
    return [];
  }
}

/** Every user group with its rights and members, in two queries. */
export async function listGroups(db: Db | Tx): Promise<GroupRow[]> {
  const [groups, members] = await Promise.all([
    db.selectFrom('user_groups').selectAll().orderBy('name').execute(),
    db.selectFrom('user_group_members').select(['group_id', 'user_id']).orderBy('user_id').execute(),
  ]);
  return groups.map((g) => ({ id: g.id, name: g.name, rights: parseRights(g.rights), memberIds: members.filter((m) => m.group_id === g.id).map((m) => m.user_id) }));
}

/** The rights a user holds through their groups (the role's defaults are the core's business). */
export async function groupRightsOf(db: Db | Tx, userId: number): Promise<Set<GroupRight>> {
  return (await groupRightsByUser(db, [userId])).get(userId) ?? new Set();
}

/** Group rights for many users in one query (viewers built in bulk, e.g. who lost sight of a conversation). */
export async function groupRightsByUser(db: Db | Tx, userIds: number[]): Promise<Map<number, Set<GroupRight>>> {
  const out = new Map<number, Set<GroupRight>>(userIds.map((id) => [id, new Set()]));
  if (userIds.length === 0) return out;
  const rows = await db
    .selectFrom('user_group_members as m')
    .innerJoin('user_groups as g', 'g.id', 'm.group_id')
    .select(['m.user_id', 'g.rights'])
    .where('m.user_id', 'in', userIds)
    .execute();
  for (const r of rows) for (const right of parseRights(r.rights)) out.get(r.user_id)?.add(right);
  return out;
}
