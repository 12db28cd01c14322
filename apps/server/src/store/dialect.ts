import { PostgresAdapter } from 'kysely';
import type { Db, Tx } from './db.ts';

/** Whether statements through `db` (or a transaction of it) go to PostgreSQL, for the few that differ by engine. */
export const isPostgres = (db: Db | Tx): boolean => db.getExecutor().adapter instanceof PostgresAdapter;
