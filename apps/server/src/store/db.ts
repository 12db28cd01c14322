import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import { GroupCommit } from './groupCommit.ts';
import { queryStatsLog } from './queryStats.ts';
import { migrateToLatest } from './migrate.ts';

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
  ping(): Promise<void>;
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

export async function openStore(config: StoreConfig): Promise<Store> {
  const url = config.databaseUrl;
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
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      ...(schema ? { options: `-c search_path="${schema.replace(/"/g, '')}"` } : {}),
    });
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
  await migrateToLatest(db, dialect, dialect === 'postgres' ? config.pgSchema : undefined);

  // SQLite: transactions that queue up share one commit (one disk flush); see groupCommit.ts.
  const group = dialect === 'sqlite' ? new GroupCommit(() => store.db) : null;
  const store: Store = {
    db,
    dialect,
    async transaction(fn) {
      if (group) return group.run(fn);
      // Writers run concurrently on PostgreSQL (event order comes from events/sequencer.ts). A
      // deadlock or a lost race on a unique key is retried from the start, as if it came later.
      for (let attempt = 1; ; attempt++) {
        try {
          // store.db, not the closure: a plugin wrapped around store.db (query counting) applies here too.
          return await store.db.transaction().execute(fn);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (dialect !== 'postgres' || attempt >= 4 || !RETRYABLE.has(code ?? '')) throw err;
        }
      }
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
  return store;
}

