import type { User } from '@switchboard/protocol';
import type { Db } from '../store/db.ts';
import { queueIdsByUser, type UserRow } from '../store/users.ts';

export async function presentUsers(db: Db, rows: UserRow[]): Promise<User[]> {
  const queues = await queueIdsByUser(db, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    status: r.status as User['status'],
    capacity: r.capacity,
    queueIds: queues.get(r.id) ?? [],
    active: r.disabled === 0,
    browseContacts: r.browse_contacts === 1,
    avatarUrl: avatarUrlOf(r),
    kind: r.kind,
  }));
}

export async function presentUser(db: Db, row: UserRow): Promise<User> {
  return (await presentUsers(db, [row]))[0]!;
}

/** The avatar's address carries its version, so a new picture is never hidden by a cached old one. */
export function avatarUrlOf(r: Pick<UserRow, 'id' | 'avatar_at'>): string | null {
  return r.avatar_at == null ? null : `/api/v1/users/${r.id}/avatar?v=${r.avatar_at}`;
}
