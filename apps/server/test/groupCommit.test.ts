import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/store/db.ts';

/**
 * SQLite group commit (store/groupCommit.ts) is SQLite's alone, so this file always runs on an
 * SQLite file, whichever engine the rest of the suite uses.
 */
describe('SQLite transactions sharing one commit', () => {
  let dir: string;
  let store: Store;
  let other: SQLite.Database;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sbgroup-'));
    store = await openStore({ dataDir: dir, sqliteFile: 'group.db' });
    // A second connection sees only what has been committed to the file.
    other = new SQLite(path.join(dir, 'group.db'), { readonly: true });
  });
  afterAll(async () => {
    other?.close();
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const addContact = (name: string, fail = false) =>
    store.transaction(async (tx) => {
      const now = Date.now();
      await tx.insertInto('contacts').values({ name, email: null, phone: null, attributes: '{}', source: '{}', blocked: 0, created_at: now, updated_at: now }).execute();
      if (fail) throw new Error(`refused ${name}`);
      // Committed before the caller hears back: another connection already sees the row.
      return name;
    });

  const committedNames = (prefix: string) =>
    (other.prepare('select name from contacts where name like ? order by name').all(`${prefix}%`) as Array<{ name: string }>).map((r) => r.name);

  it('gives each of many simultaneous transactions its own outcome, keeping only the successful ones', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `Batch ${String(i).padStart(2, '0')}`);
    const results = await Promise.allSettled(names.map((n, i) => addContact(n, i === 7 || i === 19)));
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<string>).value)).toEqual(names.filter((_, i) => i !== 7 && i !== 19));
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason.message))).toEqual(['refused Batch 07', 'refused Batch 19']);
    expect(committedNames('Batch ')).toEqual(names.filter((_, i) => i !== 7 && i !== 19));
  });

  it('answers a transaction only once its writes are committed to disk', async () => {
    const seen = await Promise.all(
      Array.from({ length: 10 }, (_, i) => `Durable ${i}`).map(async (n) => {
        await addContact(n);
        return committedNames(n).includes(n);
      }),
    );
    expect(seen).toEqual(Array(10).fill(true));
  });

  it('refuses a lone failing transaction without leaving anything behind', async () => {
    await expect(addContact('Lonely', true)).rejects.toThrow('refused Lonely');
    expect(committedNames('Lonely')).toEqual([]);
    expect(await addContact('After Lonely')).toBe('After Lonely');
    expect(committedNames('After Lonely')).toEqual(['After Lonely']);
  });
});
