import type { Db } from '../store/db.ts';
import { eventsAfter, latestSeq, oldestSeq, type EventRow } from '../store/events.ts';

/** How far back a reconnecting client may resume before it is told to refetch instead. */
export const REPLAY_LIMIT = 10_000;

export type ResumePlan = { kind: 'ready' | 'resync'; seq: number } | { kind: 'replay'; from: number; head: number };

/**
 * What a `hello {lastSeq}` gets, for agents and visitors alike: nothing to replay (ready), too far
 * behind or pruned (resync: refetch), or the events after lastSeq up to the current head.
 */
export async function planResume(db: Db, head: number, lastSeq: number | undefined): Promise<ResumePlan> {
  if (lastSeq === undefined || lastSeq === head) return { kind: 'ready', seq: head };
  if (lastSeq > head) {
    // Ahead of this node's dispatcher: another node may simply have delivered newer events (this one
    // catches up and skips what the client has), but ahead of the database itself means the client's
    // cursor comes from a history that is gone (a restore): waiting for it would skip real events.
    const latest = await latestSeq(db);
    return lastSeq > latest ? { kind: 'resync', seq: head } : { kind: 'ready', seq: lastSeq };
  }
  const oldest = await oldestSeq(db);
  if (lastSeq < oldest - 1 || head - lastSeq > REPLAY_LIMIT) return { kind: 'resync', seq: head };
  return { kind: 'replay', from: lastSeq, head };
}

/** Hands the events after `from` up to `head` to `send`, in order, in pages; returns the new cursor. */
export async function replayRange(db: Db, from: number, head: number, send: (rows: EventRow[]) => void | Promise<void>): Promise<number> {
  let cursor = from;
  while (cursor < head) {
    const rows = await eventsAfter(db, cursor, 1000);
    const upToHead = rows.filter((r) => r.seq <= head);
    if (upToHead.length) {
      await send(upToHead);
      cursor = upToHead[upToHead.length - 1]!.seq;
    }
    if (!rows.length || rows[rows.length - 1]!.seq >= head) break;
  }
  return Math.max(cursor, head);
}
