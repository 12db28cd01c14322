import type { Db } from './db.ts';

/**
 * Which node polls an inbox's mailbox (`inbox_leases`, 018_email). A node holds an inbox while it
 * renews its lease; a lease that ran out (a crashed node) is taken by the next node that asks. One
 * statement each, so two nodes asking at once cannot both win: the conditional update (or the
 * insert's primary key) lets only one through.
 */
export async function claimInboxLease(db: Db, inboxId: number, owner: string, now: number, leaseMs: number): Promise<boolean> {
  const until = now + leaseMs;
  await db
    .updateTable('inbox_leases')
    .set({ owner, lease_until: until })
    .where('inbox_id', '=', inboxId)
    .where((eb) => eb.or([eb('owner', '=', owner), eb('lease_until', '<=', now)]))
    .execute();
  await db.insertInto('inbox_leases').values({ inbox_id: inboxId, owner, lease_until: until }).onConflict((oc) => oc.column('inbox_id').doNothing()).execute();
  // Read back rather than trust affected-row counts (the engines report them differently): ours only if we wrote it.
  const row = await db.selectFrom('inbox_leases').select(['owner', 'lease_until']).where('inbox_id', '=', inboxId).executeTakeFirst();
  return row?.owner === owner && Number(row.lease_until) === until;
}

/** Gives an inbox up (a clean stop): another node takes it at its next try instead of waiting for the lease to run out. */
export async function releaseInboxLease(db: Db, inboxId: number, owner: string): Promise<void> {
  await db.deleteFrom('inbox_leases').where('inbox_id', '=', inboxId).where('owner', '=', owner).execute();
}

export async function inboxLeaseOwner(db: Db, inboxId: number): Promise<string | null> {
  return (await db.selectFrom('inbox_leases').select('owner').where('inbox_id', '=', inboxId).executeTakeFirst())?.owner ?? null;
}
