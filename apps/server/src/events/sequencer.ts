import { sql } from 'kysely';
import type { Store } from '../store/db.ts';

/** Advisory lock key: one sequencer at a time across every server on the database. */
const SEQUENCER_LOCK = 74618;

export type SequenceResult = { numbered: number } | 'busy';

/**
 * PostgreSQL only: gives committed, unnumbered events their delivery `seq`, in insertion order,
 * above every seq given before. Writers never wait on each other for ordering (their commits can
 * share a disk flush); the numbering happens here, in one short transaction per batch, and a row
 * committed later always gets a higher number than any row already delivered.
 */
export async function sequenceEvents(store: Store, batch = 5000): Promise<SequenceResult> {
  return store.db.transaction().execute(async (tx) => {
    const got = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${SEQUENCER_LOCK}) as ok`.execute(tx);
    if (!got.rows[0]?.ok) return 'busy' as const;
    const res = await sql`
      update events set seq = t.next_seq
      from (
        select id, (select coalesce(max(seq), 0) from events) + row_number() over (order by id) as next_seq
        from events where seq is null order by id limit ${batch}
      ) as t
      where events.id = t.id`.execute(tx);
    return { numbered: Number(res.numAffectedRows ?? 0) };
  });
}
