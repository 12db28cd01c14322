import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import { GroupCommit } from './groupCommit.ts';
import { queryStatsLog } from './queryStats.ts';
import { migrateToLatest } from './migrate.ts';
import { CellShards, withCommitHooks } from './commitHooks.ts';
import pino, { type Logger } from 'pino';
import { DatabaseHealth } from './health.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export interface StoreConfig {
  /** postgres://… selects PostgreSQL; otherwise the embedded SQLite file in dataDir. */
  databaseUrl?: string;
  /** PostgreSQL schema to use (tests give each file its own). */
  pgSchema?: string;
  dataDir?: string;
  /** SQLite file name inside dataDir, or ':memory:'. */
  sqliteFile?: string;
}

export interface Store {
  db: Db;
  dialect: Dialect;
  /** Runs `fn` in one transaction; events appended in it become visible in commit order. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Answers within a second: resolves if the database answered, rejects if not. */
  ping(): Promise<void>;
  /** Whether the database is reachable as this node last saw it (down: answer 503, reconnecting). */
  readonly health: DatabaseHealth;
  /** Database work waiting its turn: for a pooled connection (PostgreSQL) or a group commit (SQLite). */
  queueDepth(): number;
  /**
   * PostgreSQL only: a pooled connection of its own for work that sends several statements in one
   * round trip (the sequencer). It is closed rather than pooled again when `fn` throws, so a
   * transaction left open by a failure never reaches another caller.
   */
  withPgClient?<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** deadlock_detected, serialization_failure, unique_violation (two first messages of one new customer). */
const RETRYABLE = new Set(['40P01', '40001', '23505']);

// COUNT(*) and bigint columns come back from pg as strings; our ids and times fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

/** How many distinct SQL texts keep their prepared statement (an `in (?, ?)` list of each length is one). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query afresh; compiling the SQL costs more than running most of ours. The
 * same text reuses its prepared statement (least recently used ones are dropped beyond the limit).
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt && !stmt.busy) {
        cache.delete(text);
        cache.set(text, stmt);
        return stmt;
      }
      stmt = database.prepare(text);
      cache.set(text, stmt);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      return stmt;
    },
    close() {
      cache.clear();
      database.close();
    },
  };
}

/** PostgreSQL timeouts (ms); see openStore. */
export const PG_TIMEOUTS = { connectMs: 2000, queryMs: 10_000, statementMs: 9000, idleInTransactionMs: 10_000 };

/** How long /readyz waits for the database before saying it is not ready. */
const PING_TIMEOUT_MS = 800;

export async function openStore(config: StoreConfig, log: Logger = pino({ level: 'silent' })): Promise<Store> {
  const url = config.databaseUrl;
  let health: DatabaseHealth | undefined;
  let pgPool: pg.Pool | undefined;
  let db: Db;
  let dialect: Dialect;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    dialect = 'postgres';
    const schema = config.pgSchema;
    if (schema) {
      // Create the schema first so the pool can put it on every connection's search_path.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`create schema if not exists "${schema.replace(/"/g, '')}"`);
      await admin.end();
    }
    const searchPath = schema ? `-c search_path="${schema.replace(/"/g, '')}"` : '';
    // Migrations run on a connection of their own without the timeouts below (an index on a large
    // table may take longer than any request should).
    const migrations = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1, ...(searchPath ? { options: searchPath } : {}) }) }) });
    try {
      await migrateToLatest(migrations, dialect, schema);
    } finally {
      await migrations.destroy();
    }
    const t = PG_TIMEOUTS;
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      // No request waits on a dead or frozen database: connecting (or waiting for a free connection)
      // gives up after 2 s, a statement after 10 s on the client's clock (a frozen server enforces
      // nothing itself), and the server ends statements and idle transactions left running.
      connectionTimeoutMillis: t.connectMs,
      query_timeout: t.queryMs,
      keepAlive: true,
      options: `${searchPath} -c statement_timeout=${t.statementMs} -c idle_in_transaction_session_timeout=${t.idleInTransactionMs}`.trim(),
    });
    // A connection the server closed while idle in the pool (restart, pg_terminate_backend) is
    // reported here; without a listener it would be an uncaught error and end the process.
    pgPool = pool;
    pool.on('error', (err) => health?.failed(err));
    // The same for a connection lost while checked out between two statements of a transaction (the
    // pool listens only to idle ones): the statement after fails and the pool drops the connection.
    pool.on('connect', (client) => client.on('error', (err) => health?.failed(err)));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...queryStatsLog() });
  } else {
    dialect = 'sqlite';
    const file = config.sqliteFile ?? 'switchboard.db';
    let location = file;
    if (file !== ':memory:') {
      const dir = config.dataDir ?? './data';
      fs.mkdirSync(dir, { recursive: true });
      location = path.join(dir, file);
    }
    const database = new SQLite(location);
    database.pragma('journal_mode = WAL');
    // FULL: an acknowledged message survives a power cut, not only a crash.
    database.pragma('synchronous = FULL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }), ...queryStatsLog() });
  }
  if (dialect === 'sqlite') await migrateToLatest(db, dialect);

  // SQLite: transactions that queue up share one commit (one disk flush); see groupCommit.ts.
  const group = dialect === 'sqlite' ? new GroupCommit(() => store.db) : null;
  const cellShards = new CellShards();
  const store: Store = {
    db,
    dialect,
    async transaction(fn) {
      if (group) return group.run((tx: Tx) => withCommitHooks(tx, () => fn(tx)));
      // Writers run concurrently on PostgreSQL (event order comes from events/sequencer.ts). A
      // deadlock or a lost race on a unique key is retried from the start, as if it came later.
      for (let attempt = 1; ; attempt++) {
        // A rollup-cell shard of its own from when it has a connection until its commit is done.
        let shard: number | null = null;
        try {
          // store.db, not the closure: a plugin wrapped around store.db (query counting) applies here too.
          return await store.db.transaction().execute((tx: Tx) => withCommitHooks(tx, () => fn(tx), (shard = cellShards.take())));
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (dialect !== 'postgres' || attempt >= 4 || !RETRYABLE.has(code ?? '')) throw err;
        } finally {
          if (shard != null) cellShards.release(shard);
        }
      }
    },
    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('Query read timeout: the database did not answer the ping'), { code: 'ETIMEDOUT' })), PING_TIMEOUT_MS);
      });
      try {
        await Promise.race([sql`select 1`.execute(db), late]);
      } catch (err) {
        health?.failed(err);
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
    get health() {
      return health!;
    },
    queueDepth() {
      return group ? group.waiting : (pgPool?.waitingCount ?? 0);
    },
    ...(pgPool ? { withPgClient: usingClientOf(pgPool) } : {}),
    async close() {
      health?.stop();
      await db.destroy();
    },
  };
  health = new DatabaseHealth(() => store.ping(), log);
  return store;
}

function usingClientOf(pool: pg.Pool) {
  return async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let failed: Error | undefined;
    try {
      return await fn(client);
    } catch (err) {
      failed = err instanceof Error ? err : new Error(String(err));
      throw err;
    } finally {
      client.release(failed);
    }
  };
}
