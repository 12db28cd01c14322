import type { QueryResult } from 'pg';
import type { Store } from '../store/db.ts';
import type { EventRow } from '../store/events.ts';

/** Advisory lock key: one sequencer at a time across every server on the database. */
const SEQUENCER_LOCK = 74618;

export type SequenceResult = { numbered: number; rows?: EventRow[] } | 'busy';

const int = (n: number, what: string): number => {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer`);
  return n;
};

/**
 * PostgreSQL only: gives committed, unnumbered events their delivery `seq`, in insertion order,
 * above every seq given before. Writers never wait on each other for ordering (their commits can
 * share a disk flush); the numbering happens here, in one short transaction per batch, and a row
 * committed later always gets a higher number than any row already delivered.
 *
 * Two round trips, not five: statements without parameters go together in one simple query (the
 * numbers in them are ours, checked integers). The lock is taken in the first, so the numbering's
 * snapshot, taken by the next statement, sees every number the previous holder committed. With
 * `readAfter` the events after that seq are read in the second round trip too, after the commit.
 */
export async function sequenceEvents(store: Store, batch = 5000, readAfter?: { seq: number; limit: number }): Promise<SequenceResult> {
  if (!store.withPgClient) throw new Error('the sequencer numbers events on PostgreSQL only');
  const read = readAfter ? `; select * from events where seq > ${int(readAfter.seq, 'seq')} order by seq limit ${int(readAfter.limit, 'limit')}` : '';
  return store.withPgClient(async (client) => {
    const [, lock] = (await client.query(`begin; select pg_try_advisory_xact_lock(${SEQUENCER_LOCK}) as ok`)) as unknown as QueryResult<{ ok: boolean }>[];
    if (!lock?.rows[0]?.ok) {
      await client.query('rollback');
      return 'busy' as const;
    }
    const [numbered, , after] = (await client.query(
      `update events set seq = t.next_seq
       from (
         select id, (select coalesce(max(seq), 0) from events) + row_number() over (order by id) as next_seq
         from events where seq is null order by id limit ${int(batch, 'batch')}
       ) as t
       where events.id = t.id; commit${read}`,
    )) as unknown as QueryResult[];
    return { numbered: numbered?.rowCount ?? 0, ...(after ? { rows: after.rows as EventRow[] } : {}) };
  });
}
