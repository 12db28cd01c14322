import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.ts';
import {
  addConsultant,
  conversationRow,
  getConversation,
  loadConversation,
  lockConversation,
  participantsOf,
  patchConversation,
  removeConversations,
  removeParticipant,
} from '../../src/store/conversations.ts';
import { openTestStore, seedConversation, seedUser } from './testStore.ts';

/**
 * The conversations repository's writes and loads (store/conversations.ts) on a migrated database,
 * SQLite or PostgreSQL: a conversation comes with its invited participants (consultants), a patch
 * writes only what it names, and deleting keeps later conversations (without the link).
 */
let store: Store;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ store, close } = await openTestStore());
});
afterAll(async () => {
  await close?.();
});

describe('conversations repository', () => {
  it('opens a queued conversation and reads it back, with or without its participants', async () => {
    const id = await seedConversation(store);
    const row = await conversationRow(store.db, id);
    expect(row).toMatchObject({ id, channel: 'web', status: 'queued', priority: 'normal', assignee_id: null, queue_id: null });
    expect(await getConversation(store.db, id)).toEqual({ ...row, participantIds: [] });
    expect(await loadConversation(store.db, id)).toEqual({ ...row, participantIds: [] });
    expect(await conversationRow(store.db, id + 1000)).toBeUndefined();
    expect(await getConversation(store.db, id + 1000)).toBeUndefined();
    await expect(loadConversation(store.db, id + 1000)).rejects.toThrow();
  });

  it('adds a consultant once and removes her again; each conversation lists its own', async () => {
    const [c1, c2] = [await seedConversation(store), await seedConversation(store)];
    const [sam, sue] = [await seedUser(store, 'Sam'), await seedUser(store, 'Sue')];
    await store.transaction(async (tx) => {
      await addConsultant(tx, c1, sam);
      await addConsultant(tx, c1, sam);
      await addConsultant(tx, c1, sue);
      await addConsultant(tx, c2, sue);
    });
    const parts = await participantsOf(store.db, [c1, c2, c2 + 1000]);
    expect([...parts.get(c1)!].sort((a, b) => a - b)).toEqual([sam, sue].sort((a, b) => a - b));
    expect(parts.get(c2)).toEqual([sue]);
    expect(parts.get(c2 + 1000)).toEqual([]);
    expect((await participantsOf(store.db, [])).size).toBe(0);
    await store.transaction((tx) => removeParticipant(tx, c1, sam));
    expect((await store.transaction((tx) => lockConversation(tx, c1, store.dialect)))?.participantIds).toEqual([sue]);
  });

  it('writes only the fields a patch names', async () => {
    const id = await seedConversation(store);
    const agent = await seedUser(store, 'Al');
    const before = (await conversationRow(store.db, id))!;
    await store.transaction((tx) => patchConversation(tx, id, { assignee_id: agent, status: 'active', updated_at: 50, queued_at: null }));
    expect(await conversationRow(store.db, id)).toEqual({ ...before, assignee_id: agent, status: 'active', updated_at: 50, queued_at: null });
  });

  it('deletes conversations; a later one raised from a deleted one stays, without the link', async () => {
    const [gone, kept] = [await seedConversation(store), await seedConversation(store)];
    await store.transaction((tx) => patchConversation(tx, kept, { previous_conversation_id: gone }));
    const cy = await seedUser(store, 'Cy');
    await store.transaction((tx) => addConsultant(tx, gone, cy));
    await store.transaction((tx) => removeConversations(tx, [gone]));
    expect(await conversationRow(store.db, gone)).toBeUndefined();
    expect((await participantsOf(store.db, [gone])).get(gone)).toEqual([]);
    expect((await conversationRow(store.db, kept))?.previous_conversation_id).toBeNull();
    await store.transaction((tx) => removeConversations(tx, []));
  });
});
