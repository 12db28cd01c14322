import { sql } from 'kysely';
import type { Db, Tx } from './db.ts';

interface Waiting {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Most transactions a batch takes, so one slow burst cannot hold the connection for long. */
const MAX_BATCH = 100;

/**
 * SQLite group commit. SQLite has one writer and pays one disk flush per commit (synchronous=FULL),
 * so transactions that queue up while a batch runs are run together in the next batch, each inside
 * its own savepoint, and committed with one flush. Each caller still gets its own outcome: a failing
 * transaction rolls back to its savepoint alone, and nobody's promise settles before the commit that
 * makes their writes durable. The batch holds the connection from BEGIN to COMMIT, so reads on it
 * never see uncommitted writes.
 */
export class GroupCommit {
  private readonly queue: Waiting[] = [];
  private running = false;

  constructor(private readonly db: () => Db) {}

  /** Transactions waiting for the next batch (a measure of overload). */
  get waiting(): number {
    return this.queue.length;
  }

  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.running) return;
      this.running = true;
      // Start after this turn's I/O: better-sqlite3 runs a whole transaction without yielding to
      // the event loop, so requests read in the same turn only get to join if we wait for them.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) await this.runBatch(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.running = false;
    }
  }

  private async runBatch(batch: Waiting[]): Promise<void> {
    const done: Array<{ w: Waiting; out: unknown }> = [];
    let next = 0;

    await this.db()
      .connection()
      .execute(async (conn) => {
        // A connection-bound Kysely: it has every query method a Transaction has.
        const tx = conn as unknown as Tx;
        // One transaction alone needs no savepoint: its failure rolls the whole thing back.
        const alone = batch.length === 1;
        try {
          await sql`begin immediate`.execute(conn);
          for (; next < batch.length; next++) {
            const w = batch[next]!;
            if (!alone) await sql`savepoint sb_tx`.execute(conn);
            try {
              done.push({ w, out: await w.fn(tx) });
            } catch (err) {
              w.reject(err);
              if (alone) {
                await sql`rollback`.execute(conn);
                return;
              }
              // Undo this transaction only. If SQLite already ended the whole transaction (some I/O
              // errors do), this throws and the batch fails below.
              await sql`rollback to sb_tx`.execute(conn);
            }
            if (!alone) await sql`release sb_tx`.execute(conn);
          }
          await sql`commit`.execute(conn);
        } catch (err) {
          // Nothing in the batch is durable (a failed commit or a broken transaction): everyone in it
          // not yet answered gets the error, so nothing is acknowledged that was not stored.
          await sql`rollback`.execute(conn).catch(() => undefined);
          for (const { w } of done) w.reject(err);
          done.length = 0;
          // (A promise settles once: rejecting one already answered changes nothing.)
          for (const w of batch.slice(next)) w.reject(err);
        }
      });
    for (const { w, out } of done) w.resolve(out);
  }
}
