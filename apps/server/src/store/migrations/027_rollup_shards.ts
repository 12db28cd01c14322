import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Rollup cells in shards (issue 18): `shard` joins the key of report_days, report_months,
 * report_dim_days and report_dim_months. Every transaction of a queue's day moves the same few
 * cells; on PostgreSQL a cell's row lock made those transactions commit one at a time (62 ms per
 * upsert of the hot day cell in the routing bench). Concurrent transactions now write their moves
 * into different shards of the cell (reportRollups.ts `CellShards`), and every read sums them, as
 * it already summed cells. Existing cells become shard 0.
 */
const TABLES: [string, string[]][] = [
  ['report_days', ['day', 'queue_id', 'agent_id', 'channel', 'inbox_id']],
  ['report_months', ['day', 'queue_id', 'agent_id', 'channel', 'inbox_id']],
  ['report_dim_days', ['dim', 'dim_id', 'day', 'queue_id']],
  ['report_dim_months', ['dim', 'dim_id', 'day', 'queue_id']],
];

export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  for (const [table, key] of TABLES) {
    if (dialect === 'postgres') {
      await sql.raw(`alter table ${table} add column shard integer not null default 0`).execute(db);
      await sql.raw(`alter table ${table} drop constraint ${table}_pk`).execute(db);
      await sql.raw(`alter table ${table} add constraint ${table}_pk primary key (${[...key, 'shard'].join(', ')})`).execute(db);
      continue;
    }
    await rebuildSqlite(db, table);
  }
}

/**
 * SQLite cannot change a primary key in place: the table is made again from its own definition
 * (with `shard`, and the key extended by it), the rows copied, the old table dropped and its
 * indexes made again on the new one.
 */
async function rebuildSqlite(db: Kysely<any>, table: string): Promise<void> {
  const def = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(db);
  const create = def.rows[0]!.sql;
  // Kysely wrote `create table "t" (columns…, constraint "t_pk" primary key ("a", "b"))`.
  const pk = /,\s*constraint\s+("[^"]+")\s+primary key\s*\(([^)]*)\)/i;
  if (!pk.test(create)) throw new Error(`027_rollup_shards: no primary key constraint in ${table}'s definition`);
  const next = create
    .replace(/^create table\s+("[^"]+"|\S+)/i, `create table "${table}_next"`)
    .replace(pk, (_m, name: string, cols: string) => `, "shard" integer not null default 0, constraint ${name} primary key (${cols}, "shard")`);
  const columns = (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)).rows.map((r) => `"${r.name}"`).join(', ');
  await sql.raw(next).execute(db);
  await sql.raw(`insert into "${table}_next" (${columns}, "shard") select ${columns}, 0 from "${table}"`).execute(db);
  await sql.raw(`drop table "${table}"`).execute(db);
  await sql.raw(`alter table "${table}_next" rename to "${table}"`).execute(db);
  for (const i of indexes.rows) await sql.raw(i.sql).execute(db);
}
