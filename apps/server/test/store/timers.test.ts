import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.ts';
import { claimDueTimers, clearTimers, setTimer, takeClaimedTimer } from '../../src/store/timers.ts';
import { openTestStore, seedConversation, seedUser } from './testStore.ts';

/**
 * The timers repository (store/timers.ts) on a migrated database, SQLite or PostgreSQL: a timer is a
 * row written next to the state it guards, claimed by one worker under a lease, fired once.
 */
let store: Store;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ store, close } = await openTestStore());
});
afterAll(async () => {
  await close?.();
});

const timersOf = (conversationId: number) =>
  store.db.selectFrom('timers').select(['kind', 'user_id', 'due_at', 'data', 'claimed_by']).where('conversation_id', '=', conversationId).orderBy('kind').orderBy('user_id').execute();

describe('timers repository', () => {
  it('keeps one timer of a kind per conversation and user: rescheduling moves it and drops its claim', async () => {
    const c = await seedConversation(store);
    await store.transaction((tx) => setTimer(tx, { kind: 'abandon', conversationId: c, dueAt: 1000 }));
    expect(await claimDueTimers(store, 'w1', 1000, 10, 60_000)).toHaveLength(1);
    await store.transaction((tx) => setTimer(tx, { kind: 'abandon', conversationId: c, dueAt: 5000, data: { reason: 'later' } }));
    expect(await timersOf(c)).toEqual([{ kind: 'abandon', user_id: null, due_at: 5000, data: '{"reason":"later"}', claimed_by: null }]);
    // keepExisting: a timer already set stays as it is.
    await store.transaction((tx) => setTimer(tx, { kind: 'abandon', conversationId: c, dueAt: 9000 }, true));
    expect((await timersOf(c))[0]!.due_at).toBe(5000);
  });

  it('clears the timers made moot: by kind, and by user when one is named', async () => {
    const c = await seedConversation(store);
    const [a, b] = [await seedUser(store, 'Al'), await seedUser(store, 'Bo')];
    await store.transaction(async (tx) => {
      await setTimer(tx, { kind: 'offer_timeout', conversationId: c, userId: a, dueAt: 10 });
      await setTimer(tx, { kind: 'offer_timeout', conversationId: c, userId: b, dueAt: 10 });
      await setTimer(tx, { kind: 'wrap_up', conversationId: c, dueAt: 10 });
    });
    await store.transaction((tx) => clearTimers(tx, c, ['offer_timeout'], a));
    expect((await timersOf(c)).map((t) => [t.kind, t.user_id])).toEqual([['offer_timeout', b], ['wrap_up', null]]);
    await store.transaction((tx) => clearTimers(tx, c, ['offer_timeout', 'wrap_up']));
    expect(await timersOf(c)).toEqual([]);
  });

  it('gives each due timer to one worker at a time, in due order, and again once the lease ends', async () => {
    const c = await seedConversation(store);
    const base = 1_000_000;
    await store.transaction(async (tx) => {
      await setTimer(tx, { kind: 'reply_due', conversationId: c, dueAt: base + 2 });
      await setTimer(tx, { kind: 'inactivity_resolve', conversationId: c, dueAt: base + 1 });
      await setTimer(tx, { kind: 'wrap_up', conversationId: c, dueAt: base + 999_999 }); // not due
    });
    const now = base + 10;
    const first = await claimDueTimers(store, 'w1', now, 10, 1000);
    expect(first.filter((t) => t.conversation_id === c).map((t) => t.kind)).toEqual(['inactivity_resolve', 'reply_due']);
    expect((await claimDueTimers(store, 'w2', now, 10, 1000)).filter((t) => t.conversation_id === c)).toEqual([]);
    // w1 crashed: after its lease w2 gets them.
    const again = await claimDueTimers(store, 'w2', now + 1001, 10, 1000);
    expect(again.filter((t) => t.conversation_id === c).map((t) => t.claimed_by)).toEqual(['w2', 'w2']);
  });

  it('fires a claimed timer once: only under the claim that still stands', async () => {
    const c = await seedConversation(store);
    const due = 5_000_000;
    await store.transaction((tx) => setTimer(tx, { kind: 'wrap_up', conversationId: c, dueAt: due }));
    const [t] = (await claimDueTimers(store, 'w1', due, 100, 60_000)).filter((x) => x.conversation_id === c);
    expect(await store.transaction((tx) => takeClaimedTimer(tx, t!.id, 'w2'))).toBe(false);
    expect(await store.transaction((tx) => takeClaimedTimer(tx, t!.id, 'w1'))).toBe(true);
    expect(await store.transaction((tx) => takeClaimedTimer(tx, t!.id, 'w1'))).toBe(false);
    // Rescheduled after the claim: the old claim no longer fires it.
    await store.transaction((tx) => setTimer(tx, { kind: 'wrap_up', conversationId: c, dueAt: due }));
    const [u] = (await claimDueTimers(store, 'w1', due, 100, 60_000)).filter((x) => x.conversation_id === c);
    await store.transaction((tx) => setTimer(tx, { kind: 'wrap_up', conversationId: c, dueAt: due + 1 }));
    expect(await store.transaction((tx) => takeClaimedTimer(tx, u!.id, 'w1'))).toBe(false);
    expect(await timersOf(c)).toHaveLength(1);
  });
});
