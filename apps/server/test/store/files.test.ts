import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.ts';
import { customerFilesFor, fileByKey, filesOfTickets, keysHeldBy, newFileKey, placeFilesIn, storeChatLog, storeUpload } from '../../src/store/files.ts';
import { openTestStore, seedContact, seedConversation } from './testStore.ts';

/**
 * The files repository (store/files.ts) on a migrated database, SQLite or PostgreSQL: a visitor's
 * upload is theirs until sent, then belongs to the conversation it was sent in and to no other; a
 * chat log is attached to a ticket once.
 */
let store: Store;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ store, close } = await openTestStore());
});
afterAll(async () => {
  await close?.();
});

async function upload(contactId: number, name = 'photo.png'): Promise<string> {
  const key = newFileKey();
  await store.transaction((tx) => storeUpload(tx, { key, name, contentType: 'image/png', data: Buffer.from('png bytes'), contactId, now: 5 }));
  return key;
}

describe('files repository', () => {
  it('keeps an upload with its bytes under an unguessable key', async () => {
    const contactId = await seedContact(store);
    const key = await upload(contactId);
    expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newFileKey()).not.toBe(key);
    const f = await fileByKey(store.db, key);
    expect({ ...f, data: Buffer.from(f!.data).toString() }).toEqual({ name: 'photo.png', content_type: 'image/png', data: 'png bytes', conversationId: null, ticketId: null, contactId });
    expect(await fileByKey(store.db, newFileKey())).toBeUndefined();
  });

  it("gives a contact only their own files, unsent or in this conversation; once sent, a file stays in its conversation", async () => {
    const [casey, dana] = [await seedContact(store, 'Casey'), await seedContact(store, 'Dana')];
    const [c1, c2] = [await seedConversation(store, casey), await seedConversation(store, casey)];
    const mine = await upload(casey);
    const theirs = await upload(dana);
    expect((await customerFilesFor(store.db, casey, c1, [mine, theirs])).map((f) => f.key)).toEqual([mine]);
    expect(await keysHeldBy(store.db, c1, [mine])).toEqual(new Set());

    await store.transaction((tx) => placeFilesIn(tx, c1, [mine]));
    expect(await keysHeldBy(store.db, c1, [mine, theirs])).toEqual(new Set([mine]));
    expect((await customerFilesFor(store.db, casey, c1, [mine]))[0]).toMatchObject({ key: mine, conversation_id: c1, size: 9 });
    // Sent in c1: not for another conversation, and placing it again does not move it.
    expect(await customerFilesFor(store.db, casey, c2, [mine])).toEqual([]);
    await store.transaction((tx) => placeFilesIn(tx, c2, [mine]));
    expect(await keysHeldBy(store.db, c2, [mine])).toEqual(new Set());
  });

  it("attaches a conversation's chat log to a ticket once", async () => {
    const c = await seedConversation(store);
    const ticket = (await store.db.insertInto('tickets').values({ contact_id: null, subject: 'Printer', assignee_id: null, queue_id: null, status: 'open', source_conversation_id: c, created_at: 1, updated_at: 1 }).returning('id').executeTakeFirstOrThrow()).id;
    const log = (text: string) => store.transaction((tx) => storeChatLog(tx, { ticketId: ticket, conversationId: c, name: `chat-${c}.txt`, data: Buffer.from(text), now: 7 }));
    await log('first');
    await log('second');
    const files = await filesOfTickets(store.db, [ticket]);
    expect(files).toEqual([expect.objectContaining({ ticket_id: ticket, conversation_id: c, name: `chat-${c}.txt`, content_type: 'text/plain; charset=utf-8', size: 5, created_at: 7 })]);
    expect(Buffer.from((await fileByKey(store.db, files[0]!.key))!.data).toString()).toBe('first');
    expect(await filesOfTickets(store.db, [])).toEqual([]);
  });
});
