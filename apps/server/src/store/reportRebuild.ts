import type { Kysely } from 'kysely';
import { dropSavedCellMoves, rebuildDayRollups } from './reportRollups.ts';
import type { Tx } from './db.ts';
import { rebuildDimensionRollups } from './reportDimensions.ts';

/**
 * Rebuilds every rollup for a time zone — the day rollups (and the facts' local days), then the
 * dimension rollups — in the caller's transaction when given one, so reports see the old rollups
 * or the new ones, never half. For a changed workspace time zone and the bench.
 */
export async function rebuildRollups(db: Kysely<any>, tz: string, log?: (s: string) => void): Promise<void> {
  dropSavedCellMoves(db as Tx); // the transaction's moves so far are in the facts the rebuild reads
  await rebuildDayRollups(db, tz, log);
  await rebuildDimensionRollups(db, tz);
  log?.('  dimension rollups built');
}
