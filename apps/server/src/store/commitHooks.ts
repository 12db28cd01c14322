/**
 * Work a transaction saves for its end, just before the commit: writes to rows every transaction
 * touches (the report rollups' cells) are made last, so the row locks they take on PostgreSQL are
 * held for the commit only, not for the rest of the transaction. `Store.transaction` opens the
 * boundary; outside one (scripts, rebuilds on a bare connection) the caller does its work at once.
 */
type Hook = { state: unknown; flush: (state: unknown) => Promise<void> };
const open = new WeakMap<object, Map<string, Hook>>();
const shards = new WeakMap<object, number>();

/** How many shards each rollup cell has (migration 027); a process's transactions use them all. */
export const CELL_SHARDS = 16;

/**
 * The shards of the rollup cells held by this process's open transactions (PostgreSQL): each
 * transaction writes its cell moves into a shard no other of them holds, so two transactions of
 * one queue never wait on one cell's row lock. A pool of ten connections never needs more than
 * ten; a second process starts elsewhere in the ring (random), so its transactions mostly miss
 * this one's. More than CELL_SHARDS at once (not with one pool) share one, as all did before.
 */
export class CellShards {
  private readonly held: number[] = new Array<number>(CELL_SHARDS).fill(0);
  constructor(private readonly start = Math.floor(Math.random() * CELL_SHARDS)) {}
  take(): number {
    let s = this.start;
    for (let i = 0; i < CELL_SHARDS; i++) {
      const c = (this.start + i) % CELL_SHARDS;
      if (this.held[c] === 0) {
        s = c;
        break;
      }
    }
    this.held[s]!++;
    return s;
  }
  release(s: number): void {
    this.held[s]!--;
  }
}

/** The rollup-cell shard this transaction writes into (0 outside a boundary, and on SQLite). */
export function cellShardOf(tx: object): number {
  return shards.get(tx) ?? 0;
}

/** This transaction's state for `key` (made and registered on first use), or null outside a boundary. */
export function atCommit<T>(tx: object, key: string, init: () => T, flush: (state: T) => Promise<void>): T | null {
  const hooks = open.get(tx);
  if (!hooks) return null;
  let h = hooks.get(key);
  if (!h) hooks.set(key, (h = { state: init(), flush: flush as (s: unknown) => Promise<void> }));
  return h.state as T;
}

/**
 * Runs `fn` as one transaction's body, then its saved work. A failure drops the saved work with the
 * rest. `shard`: the rollup-cell shard it writes into, held by the caller until the commit is done.
 */
export async function withCommitHooks<T>(tx: object, fn: () => Promise<T>, shard = 0): Promise<T> {
  const hooks = new Map<string, Hook>();
  open.set(tx, hooks);
  shards.set(tx, shard);
  try {
    const out = await fn();
    for (const h of hooks.values()) await h.flush(h.state);
    return out;
  } finally {
    // SQLite's group commit runs a batch's transactions one after another on one connection object.
    if (open.get(tx) === hooks) open.delete(tx);
  }
}
