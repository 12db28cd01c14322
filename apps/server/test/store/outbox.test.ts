import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.ts';
import { appendEvents, eventsAfter, latestSeq, oldestSeq, type NewEvent } from '../../src/store/events.ts';
import {
  LeaseLost,
  advanceCursor,
  blockedKeys,
  claimLease,
  consumerExists,
  consumerLags,
  consumerStatuses,
  countDead,
  deadLetters,
  deleteDelivery,
  dueRetries,
  ensureCursor,
  eventsForConsumer,
  insertDeliveries,
  nextRetryAt,
  promoteNext,
  recordFailure,
  releaseLease,
  renewLease,
  reviveDeadLetter,
} from '../../src/store/outbox.ts';
import { sequenceEvents } from '../../src/events/sequencer.ts';
import { openTestStore } from './testStore.ts';

/**
 * The events and outbox repositories (store/events.ts, store/outbox.ts) on a migrated database,
 * SQLite or PostgreSQL: events are numbered in commit order; a consumer's cursor is leased by one
 * owner at a time; items parked for retry keep their key's order and can be dead-lettered and revived.
 */
let store: Store;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ store, close } = await openTestStore());
});
afterAll(async () => {
  await close?.();
});

/** The store keeps an event's data opaque: these tests only read types, order and keys. */
function opaqueEvent(type: NewEvent['type']): NewEvent {
  return { type, scope: { broadcast: true }, data: { type }, at: 1 } as unknown as NewEvent;
}

/** Appends events in one transaction and (PostgreSQL) numbers them as the sequencer does. */
async function append(...types: NewEvent['type'][]): Promise<number[]> {
  const before = await latestSeq(store.db);
  await store.transaction((tx) => appendEvents(tx, types.map(opaqueEvent), store.dialect));
  // The sequencer's lock is database-wide: another test file's sequencer may hold it a moment.
  if (store.dialect === 'postgres') while ((await sequenceEvents(store)) === 'busy') await new Promise((r) => setTimeout(r, 20));
  return (await eventsAfter(store.db, before, 100)).map((e) => e.seq);
}

describe('events repository', () => {
  it('numbers events in commit order and reads them back after a seq', async () => {
    expect(await latestSeq(store.db)).toBe(0);
    const seqs = await append('presence.updated', 'queue.counts', 'presence.updated');
    expect(seqs).toEqual([1, 2, 3]);
    expect(await oldestSeq(store.db)).toBe(1);
    expect(await latestSeq(store.db)).toBe(3);
    const after = await eventsAfter(store.db, 1, 1);
    expect(after.map((e) => [e.seq, e.type, JSON.parse(e.data)])).toEqual([[2, 'queue.counts', { type: 'queue.counts' }]]);
  });
});

describe('outbox repository', () => {
  it('leases a consumer to one owner at a time; a lapsed lease passes on and fences the old owner', async () => {
    await ensureCursor(store.db, 'mail', 0, 1);
    await ensureCursor(store.db, 'mail', 99, 2); // registered again: the cursor stays where it was
    expect(await consumerExists(store.db, 'mail')).toBe(true);
    expect(await consumerExists(store.db, 'nobody')).toBe(false);
    expect((await claimLease(store, 'mail', 'a', 1000, 500))?.last_seq).toBe(0);
    expect(await claimLease(store, 'mail', 'b', 1200, 500)).toBeNull();
    expect(await claimLease(store, 'mail', 'a', 1400, 500)).not.toBeNull(); // kept by its owner
    expect(await claimLease(store, 'mail', 'b', 1901, 500)).toMatchObject({ lease_owner: 'b', lease_until: 2401 });
    await expect(store.transaction((tx) => renewLease(tx, 'mail', 'a', 1950, 500))).rejects.toBeInstanceOf(LeaseLost);
    await store.transaction((tx) => renewLease(tx, 'mail', 'b', 1950, 500));
    await releaseLease(store.db, 'mail', 'b');
    expect(await claimLease(store, 'mail', 'a', 1960, 500)).toMatchObject({ lease_owner: 'a' });
  });

  it('reads a consumer its types up to the head, and the cursor may move past events of other types', async () => {
    const head = await latestSeq(store.db);
    await append('presence.updated', 'message.created', 'presence.updated', 'message.created');
    const all = await eventsForConsumer(store.db, head, ['message.created'], 10);
    expect(all.rows.map((e) => e.seq)).toEqual([head + 2, head + 4]);
    expect(all.upTo).toBe(head + 4);
    const first = await eventsForConsumer(store.db, head, ['message.created'], 1);
    expect(first).toMatchObject({ rows: [{ seq: head + 2 }], upTo: head + 2 });
    expect(await eventsForConsumer(store.db, head + 4, ['message.created'], 10)).toEqual({ rows: [], upTo: head + 4 });
    await store.transaction((tx) => advanceCursor(tx, 'mail', head + 2, 5));
    expect((await consumerLags(store.db, ['mail', 'nobody'])).get('mail')).toBe(2);
    expect((await consumerLags(store.db, ['nobody'])).size).toBe(0);
  });

  it('parks failed items per key in order, retries them when due, dead-letters and revives them', async () => {
    await ensureCursor(store.db, 'hooks', 0, 1);
    const [s1, s2, s3] = await append('message.created', 'message.created', 'message.created');
    await store.transaction((tx) =>
      insertDeliveries(
        tx,
        'hooks',
        [
          { seq: s1!, key: 'conversation:1', state: 'retry', attempts: 1, nextAttemptAt: 100, error: 'timeout' },
          { seq: s2!, key: 'conversation:1', state: 'waiting', attempts: 0, nextAttemptAt: 0, error: null },
          { seq: s3!, key: 'conversation:2', state: 'retry', attempts: 1, nextAttemptAt: 300, error: '502' },
        ],
        10,
      ),
    );
    // The same item parked twice (a node that lost its lease mid-batch) is kept once.
    await store.transaction((tx) => insertDeliveries(tx, 'hooks', [{ seq: s1!, key: 'conversation:1', state: 'retry', attempts: 5, nextAttemptAt: 0, error: 'x' }], 11));
    expect([...(await blockedKeys(store.db, 'hooks', ['conversation:1', 'conversation:3']))]).toEqual(['conversation:1']);
    expect(await nextRetryAt(store.db, 'hooks')).toBe(100);
    const due = await dueRetries(store.db, 'hooks', 200, 10);
    expect(due.map((d) => [d.delivery.seq, d.delivery.attempts, d.event?.seq])).toEqual([[s1, 1, s1]]);

    // The first item of conversation 1 gives up: dead; the next one of the key becomes due.
    await store.transaction((tx) => recordFailure(tx, due[0]!.delivery, 'dead', 0, 'gone', 200));
    await store.transaction((tx) => promoteNext(tx, 'hooks', 'conversation:1', 200));
    expect((await dueRetries(store.db, 'hooks', 200, 10)).map((d) => d.delivery.seq)).toEqual([s2]);
    expect(await countDead(store.db, 'hooks')).toBe(1);
    const [dead] = await deadLetters(store.db, 'hooks', 10);
    expect(dead).toMatchObject({ seq: s1, state: 'dead', attempts: 2, last_error: 'gone', first_failed_at: 10, type: 'message.created' });
    expect(await consumerStatuses(store.db)).toContainEqual(expect.objectContaining({ cursor: expect.objectContaining({ consumer: 'hooks' }), retrying: 2, waiting: 0, dead: 1 }));

    // Revived while its key still has an item pending: it waits behind it.
    expect(await store.transaction((tx) => reviveDeadLetter(tx, 'hooks', dead!.id, 300))).toBe(true);
    expect(await store.transaction((tx) => reviveDeadLetter(tx, 'hooks', dead!.id, 300))).toBe(false);
    expect(await countDead(store.db, 'hooks')).toBe(0);
    const second = (await dueRetries(store.db, 'hooks', 300, 10)).find((d) => d.delivery.seq === s2)!;
    await store.transaction(async (tx) => {
      await deleteDelivery(tx, second.delivery.id);
      await promoteNext(tx, 'hooks', 'conversation:1', 400);
    });
    expect((await dueRetries(store.db, 'hooks', 400, 10)).map((d) => [d.delivery.seq, d.delivery.attempts])).toEqual([[s1, 0], [s3, 1]]);
  });
});
