import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import pg from 'pg';
import { ENGINE } from '../../../../test/harness.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { appendEvents, eventsAfter, latestSeq, type NewEvent } from '../../src/store/events.ts';
import { sequenceEvents } from '../../src/events/sequencer.ts';

/**
 * The PostgreSQL sequencer (events/sequencer.ts) gives committed events their delivery numbers in
 * two round trips: two servers numbering one database at once never give a number twice or skip
 * one, a server that finds the other numbering backs off without leaving a transaction open, and
 * the page it reads with the numbering is what a separate read after it would return.
 */
describe.runIf(ENGINE === 'postgres')('event sequencer on PostgreSQL', () => {
  const schema = `sbseq_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    a = await openStore({ databaseUrl: process.env.DATABASE_URL, pgSchema: schema });
    b = await openStore({ databaseUrl: process.env.DATABASE_URL, pgSchema: schema });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`);
    await c.end();
  });

  const event = (i: number) => ({ type: 'presence.updated', scope: { broadcast: true }, data: { i }, at: i }) as unknown as NewEvent;
  const until = async (store: Store, readAfter?: { seq: number; limit: number }) => {
    for (;;) {
      const r = await sequenceEvents(store, 7, readAfter);
      if (r !== 'busy') return r;
      await new Promise((res) => setTimeout(res, 2));
    }
  };

  it('two servers numbering at once give every committed event one number, none twice, none skipped', async () => {
    const writers = Array.from({ length: 30 }, (_, w) => (w % 2 ? a : b).transaction((tx) => appendEvents(tx, [event(w * 10), event(w * 10 + 1), event(w * 10 + 2)], 'postgres')));
    await Promise.all(writers);
    // Small batches (7), both servers, until nothing is left unnumbered.
    const drain = async (store: Store) => {
      for (;;) if ((await until(store)).numbered === 0) return;
    };
    await Promise.all([drain(a), drain(b)]);
    const rows = await eventsAfter(a.db, 0, 1000);
    expect(rows).toHaveLength(90);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    // One transaction's events keep their order among themselves.
    const byWriter = new Map<number, number[]>();
    for (const r of rows) {
      const i = (JSON.parse(r.data) as { i: number }).i;
      byWriter.set(Math.floor(i / 10), [...(byWriter.get(Math.floor(i / 10)) ?? []), i % 10]);
    }
    for (const order of byWriter.values()) expect(order).toEqual([0, 1, 2]);
  });

  it('reads the page after a seq in the numbering trip, as a separate read would', async () => {
    const before = await latestSeq(a.db);
    await a.transaction((tx) => appendEvents(tx, [event(1000), event(1001), event(1002)], 'postgres'));
    const r = await until(a, { seq: before - 1, limit: 3 });
    expect(r.numbered).toBe(3);
    expect(r.rows?.map((e) => e.seq)).toEqual([before, before + 1, before + 2]);
    expect(r.rows).toEqual(await eventsAfter(a.db, before - 1, 3));
  });

  it('backs off while another server holds the numbering, leaving no transaction open', async () => {
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock(74618)');
      await a.transaction((tx) => appendEvents(tx, [event(2000)], 'postgres'));
      expect(await sequenceEvents(a)).toBe('busy');
      // The connection it used went back to the pool clean: a statement on every pooled connection
      // runs outside any transaction.
      const open = await Promise.all(Array.from({ length: 10 }, () => a.withPgClient!((c) => c.query<{ open: boolean }>('select now() <> statement_timestamp() as open'))));
      expect(open.map((q) => q.rows[0]!.open)).toEqual(Array(10).fill(false));
    } finally {
      await holder.query('select pg_advisory_unlock(74618)');
      await holder.end();
    }
    expect((await until(a)).numbered).toBe(1);
  });
});
