import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FactRow } from '@switchboard/core';
import { ENGINE } from '../../../../test/harness.ts';
import { atCommit } from '../../src/store/commitHooks.ts';
import { aggregateRollups, moveRollups } from '../../src/store/reportRollups.ts';
import type { Store } from '../../src/store/db.ts';
import { openTestStore } from './testStore.ts';

/**
 * The rollup cells' shards (migration 027): two transactions of one queue's day move the same
 * cells; on PostgreSQL the second no longer waits for the first's commit, and a report sums both.
 */
let store: Store;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ store, close } = await openTestStore());
});
afterAll(async () => {
  await close?.();
});

const DAY = 20_000;
const fact = (handleMs: number): FactRow => ({
  created_at: DAY * 86_400_000, queue_id: 7, agent_id: 3, channel: 'web', inbox_id: null, contact_id: null, linked: 0, resolved: 1, abandoned: 0, callback: 0,
  reopened: 0, offers_declined: 0, offers_timed_out: 0, replies_due: 0, replies_breached: 0, first_response_ms: null, resolution_ms: null, handle_ms: handleMs,
  wrap_up_ms: null, wait_ms: null, handling_since: null, wrap_up_since: null, day: DAY,
});
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe(`rollup cells in shards (${ENGINE})`, () => {
  it('a second transaction of the same cells commits while the first holds its cells, and the report counts both', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held!: () => void;
    const wrote = new Promise<void>((r) => (held = r));
    // The first transaction writes its cells (its last statements), then waits before its commit.
    const first = store.transaction(async (tx) => {
      await moveRollups(tx, null, fact(60_000));
      atCommit(tx, 'zz-test-gate', () => 0, async () => {
        held();
        await gate;
      });
    });
    if (ENGINE === 'postgres') await wrote;
    const second = store.transaction((tx) => moveRollups(tx, null, fact(120_000)));
    // SQLite has one writer: there the second runs after the first, as every transaction does.
    const alongside = ENGINE === 'postgres' ? await within(second, 3000) : null;
    release();
    await Promise.all([first, second]);
    if (ENGINE === 'postgres') expect(alongside).toBe(true);

    const day = await aggregateRollups(store.db, { fromDay: DAY, toDay: DAY + 1, queueIds: [7] }, 'queue', true);
    const a = day.get('7')!;
    expect(a.counts.created).toBe(2);
    expect(a.counts.resolved).toBe(2);
    expect(a.durations.handle.count).toBe(2);
    expect(a.durations.handle.sum).toBe(180_000);
    expect([...a.durations.handle.hist!.values()].reduce((x, y) => x + y, 0)).toBe(2);
    // The month's cells (read for whole months) hold the same.
    const month = await aggregateRollups(store.db, { fromDay: DAY - 40, toDay: DAY + 40, queueIds: [7] }, 'all', false);
    expect(month.get('0')!.counts.created).toBe(2);
  });
});
