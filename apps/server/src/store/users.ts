import type { Viewer } from '@switchboard/core';
import type { Db, Tx } from './db.ts';
import type { UsersTable } from './schema.ts';
import { groupRightsOf } from './groups.ts';
import type { Selectable } from 'kysely';

export type UserRow = Selectable<UsersTable>;

export async function findUserByEmail(db: Db | Tx, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function findUser(db: Db | Tx, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listUsers(db: Db | Tx): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('name').execute();
}

export async function queueIdsOf(db: Db | Tx, userId: number): Promise<number[]> {
  const rows = await db.selectFrom('queue_members').select('queue_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.queue_id);
}

/** Queue memberships for many users in one query. */
export async function queueIdsByUser(db: Db | Tx, userIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await db.selectFrom('queue_members').select(['user_id', 'queue_id']).where('user_id', 'in', userIds).execute();
  for (const r of rows) out.get(r.user_id)?.push(r.queue_id);
  return out;
}

/** Who a user is for the core's rules: role, queues, the contacts right, and their groups' rights. */
export async function loadViewer(db: Db | Tx, user: Pick<UserRow, 'id' | 'role'> & Partial<Pick<UserRow, 'browse_contacts'>>): Promise<Viewer> {
  const [queueIds, rights] = await Promise.all([queueIdsOf(db, user.id), groupRightsOf(db, user.id)]);
  return { id: user.id, role: user.role, queueIds: new Set(queueIds), browseContacts: user.browse_contacts === 1, rights };
}

export async function insertUser(
  db: Db | Tx,
  u: { email: string; name: string; role: UserRow['role']; passwordHash: string; capacity?: number | null; now: number },
): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({
      email: u.email.toLowerCase(),
      name: u.name,
      role: u.role,
      password_hash: u.passwordHash,
      status: 'offline',
      capacity: u.capacity ?? null,
      disabled: 0,
      created_at: u.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setQueueMembers(db: Db | Tx, queueId: number, userIds: number[]): Promise<void> {
  await db.deleteFrom('queue_members').where('queue_id', '=', queueId).execute();
  if (userIds.length) await db.insertInto('queue_members').values(userIds.map((user_id) => ({ queue_id: queueId, user_id }))).execute();
}

