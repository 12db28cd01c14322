import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.ts';
import {
  addConsultant,
  conversationRow,
  getConversation,
  loadConversation,
  lockConversation,
  lockLatestConversationOf,
  participantsOf,
  patchConversation,
  removeConversations,
  removeParticipant,
} from '../../src/store/conversations.ts';
import { openTestStore, seedContact, seedConversation, seedUser } from './testStore.ts';

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

  it("finds a channel customer's latest conversation on that channel, with its participants and the contact's name and blocked flag", async () => {
    const contact = await seedContact(store, 'Quinn');
    await store.db.insertInto('contact_identities').values({ contact_id: contact, channel: 'web', external_id: 'quinn-1' }).execute();
    const latest = (tx: Parameters<typeof lockConversation>[0], channel: string, externalId: string) => lockLatestConversationOf(tx, channel, externalId, store.dialect);
    // Known identity, no conversation on that channel yet; an unknown identity.
    expect(await store.transaction((tx) => latest(tx, 'web', 'quinn-1'))).toBeUndefined();
    expect(await store.transaction((tx) => latest(tx, 'web', 'nobody'))).toBeUndefined();
    const older = await seedConversation(store, contact);
    const newer = await seedConversation(store, contact);
    const other = await seedConversation(store);
    const sam = await seedUser(store, 'Sam');
    const kim = await seedUser(store, 'Kim');
    await store.transaction(async (tx) => {
      await addConsultant(tx, newer, sam);
      await addConsultant(tx, newer, kim);
      await addConsultant(tx, older, kim);
      await addConsultant(tx, other, sam);
    });
    await store.db.updateTable('contacts').set({ blocked: 1 }).where('id', '=', contact).execute();
    const found = await store.transaction((tx) => latest(tx, 'web', 'quinn-1'));
    expect(found?.contact).toEqual({ name: 'Quinn', blocked: 1 });
    expect(found?.conversation).toEqual({ ...(await getConversation(store.db, newer))!, participantIds: expect.any(Array) });
    expect(found?.conversation.participantIds.sort((a, b) => a - b)).toEqual([sam, kim].sort((a, b) => a - b));
    expect(found?.conversation.id).not.toBe(older);
    // Another channel's identity of the same contact has no conversation on its own channel.
    await store.db.insertInto('contact_identities').values({ contact_id: contact, channel: 'whatsapp', external_id: '+4930' }).execute();
    expect(await store.transaction((tx) => latest(tx, 'whatsapp', '+4930'))).toBeUndefined();
  });
});
