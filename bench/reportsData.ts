/**
 * Fills a database with a year of conversations for the reports bench: BENCH_CONVERSATIONS (1,000,000)
 * conversations, BENCH_MESSAGES_PER (20) messages each, their reports facts (written directly, as
 * the projection would, with their local days), tags, labels, customer tags and the rollups (built
 * from the facts as migrations 019 and 025 do: per day and month, per tag, label and customer tag).
 * Every row is generated inside the database — set-based INSERT … SELECT over generate_series (PostgreSQL) or a recursive numbers CTE
 * (SQLite) — on a connection of its own: no statement timeout, no synchronous commit (PostgreSQL),
 * no fsync (SQLite), foreign-key triggers off while loading (PostgreSQL: session_replication_role),
 * and the loaded tables' secondary indexes dropped first and built once at the end, which is
 * cheaper than keeping them up to date row by row. Values are deterministic functions of the id,
 * so two runs build the same data.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { sql } from 'kysely';
import type { Store } from '../apps/server/src/store/db.ts';
import { buildCells, localDaySql } from '../apps/server/src/store/reportRollups.ts';
import { rebuildDimensionRollups } from '../apps/server/src/store/reportDimensions.ts';

export interface Sizes { conversations: number; messagesPer: number; queues: number; agents: number; contacts: number }
export interface Target { sqliteDir?: string; sqliteFile?: string; pgUrl?: string; pgSchema?: string }

const YEAR = 365 * 24 * 3600 * 1000;
const LOADED = ['conversations', 'messages', 'conversation_facts', 'conversation_tags', 'conversation_labels', 'contacts', 'contact_tags'];

/** One raw connection for the load: run(sql) and all(sql). */
interface Raw { run(q: string): Promise<void>; all<T>(q: string): Promise<T[]>; close(): Promise<void> }

async function rawConnection(store: Store, t: Target): Promise<Raw> {
  if (store.dialect === 'postgres') {
    const c = new pg.Client({ connectionString: t.pgUrl });
    await c.connect();
    await c.query(`set search_path to "${t.pgSchema}"; set statement_timeout = 0; set synchronous_commit = off; set session_replication_role = replica; set maintenance_work_mem = '256MB'`);
    return { run: async (q) => void (await c.query(q)), all: async (q) => (await c.query(q)).rows, close: () => c.end() };
  }
  const d = new SQLite(path.join(t.sqliteDir!, t.sqliteFile!));
  d.pragma('synchronous = OFF');
  d.pragma('cache_size = -262144'); // 256 MB
  d.pragma('temp_store = MEMORY');
  return { run: async (q) => { d.exec(q); }, all: async <T>(q: string) => d.prepare(q).all() as T[], close: async () => { d.close(); } };
}

/** The secondary indexes of the loaded tables, dropped now; the statements that build them again. */
async function dropIndexes(raw: Raw, pgsql: boolean): Promise<string[]> {
  const list = LOADED.map((t) => `'${t}'`).join(',');
  const rows = pgsql
    ? await raw.all<{ name: string; def: string }>(`select indexname as name, indexdef as def from pg_indexes where schemaname = current_schema() and tablename in (${list})
        and indexname not in (select conname from pg_constraint where contype in ('p', 'u', 'x'))`)
    : await raw.all<{ name: string; def: string }>(`select name, sql as def from sqlite_master where type = 'index' and tbl_name in (${list}) and sql is not null`);
  for (const r of rows) await raw.run(`drop index "${r.name}"`);
  return rows.map((r) => r.def);
}

export async function fillReportsDatabase(store: Store, target: Target, sizes: Sizes, end: number, tz: string, log: (s: string) => void): Promise<void> {
  const db = store.db;
  const pgsql = store.dialect === 'postgres';
  const start = end - YEAR;
  const t0 = performance.now();
  const secs = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  const numbers = (from: number, to: number, alias = 'g') =>
    pgsql ? `generate_series(${from}::bigint, ${to}::bigint) as ${alias}(n)` : `(with recursive s(n) as (select ${from} union all select n + 1 from s where n < ${to}) select n from s) as ${alias}`;

  await db.transaction().execute(async (tx) => {
    for (let q = 1; q <= sizes.queues; q++) await tx.insertInto('queues').values({ name: `Queue ${q}`, routing_mode: 'auto_assign', settings: '{}', created_at: start }).execute();
    await sql.raw(`insert into users (email, name, role, password_hash, status, capacity, disabled, created_at)
      select 'agent' || n || '@bench.test', 'Agent ' || n, 'agent', 'x', 'offline', 5, 0, ${start} from ${numbers(1, sizes.agents)}`).execute(tx);
    for (let i = 1; i <= 20; i++) await tx.insertInto('tags').values({ kind: 'conversation', name: `topic-${i}`, color: '#64748b' }).execute();
    for (let i = 1; i <= 10; i++) await tx.insertInto('tags').values({ kind: 'customer', name: `segment-${i}`, color: '#64748b' }).execute();
    for (let i = 1; i <= 5; i++) await tx.insertInto('labels').values({ name: `label-${i}`, color: '#f59e0b', builtin: 0 }).execute();
  });

  const raw = await rawConnection(store, target);
  const rebuild = await dropIndexes(raw, pgsql);
  log(`  dropped ${rebuild.length} indexes of the loaded tables for the load`);
  await raw.run(`insert into contacts (name, email, attributes, source, blocked, created_at, updated_at)
    select 'Customer ' || n, 'c' || n || '@bench.test', '{}', '{}', 0, ${start}, ${start} from ${numbers(1, sizes.contacts)}`);
  await raw.run(`insert into contact_tags (contact_id, tag_id, pinned) select n, 21 + n % 10, 0 from ${numbers(1, sizes.contacts)} where n % 3 = 0`);

  const channel = `case n % 4 when 0 then 'web' when 1 then 'email' when 2 then 'whatsapp' else 'messenger' end`;
  const status = `case when n % 10 < 7 then 'resolved' when n % 10 = 7 then 'abandoned' when n % 10 = 8 then 'callback' else 'closed' end`;
  const created = `(${start} + (n * ${Math.floor(YEAR / sizes.conversations)}) + (n * 7919) % 60000)`;
  const day = localDaySql('created_at', start, end + 60_000, tz);
  const CHUNK = 100_000;
  for (let from = 1; from <= sizes.conversations; from += CHUNK) {
    const to = Math.min(sizes.conversations, from + CHUNK - 1);
    await raw.run('begin');
    await raw.run(`insert into conversations (id, contact_id, channel, queue_id, assignee_id, status, priority, created_at, updated_at, first_response_at, resolved_at, last_activity_at)
      select n, 1 + (n * 7907) % ${sizes.contacts}, ${channel}, 1 + n % ${sizes.queues}, case when n % 10 < 7 then 1 + (n * 31) % ${sizes.agents} end, ${status}, 'normal',
        ${created}, ${created} + 3600000, ${created} + 10000 + (n * 7901) % 600000, case when n % 10 < 7 then ${created} + 600000 + (n * 7883) % 7200000 end, ${created} + 3600000
      from ${numbers(from, to)}`);
    const wait = `case when n % 10 < 7 then 5000 + (n * 7877) % 300000 end`;
    const frt = `case when n % 10 < 7 then 10000 + (n * 7901) % 600000 end`;
    const res = `case when n % 10 < 7 then 600000 + (n * 7883) % 7200000 end`;
    const handle = `case when n % 10 < 7 then 120000 + (n * 7873) % 3000000 end`;
    const wrap = `case when n % 10 < 7 and n % 3 = 0 then 10000 + (n * 7867) % 180000 end`;
    await raw.run(`insert into conversation_facts (conversation_id, created_at, day, queue_id, agent_id, channel, inbox_id, contact_id, linked, resolved, abandoned, callback, reopened,
        offers_declined, offers_timed_out, replies_due, replies_breached, first_response_ms, resolution_ms, handle_ms, wrap_up_ms, wait_ms)
      select n, created_at, ${day}, queue_id, agent_id, channel, null, contact_id, case when n % 17 = 0 then 1 else 0 end,
        case when n % 10 < 7 then 1 else 0 end, case when n % 10 = 7 then 1 else 0 end, case when n % 10 = 8 then 1 else 0 end, case when n % 23 = 0 then 1 else 0 end,
        n % 3 / 2, n % 5 / 4, case when n % 10 < 7 then 1 else 0 end, case when n % 10 < 7 and n % 6 = 0 then 1 else 0 end,
        frt, res, handle, wrap, wait
      from (select n, ${created} as created_at, 1 + n % ${sizes.queues} as queue_id, case when n % 10 < 7 then 1 + (n * 31) % ${sizes.agents} end as agent_id, ${channel} as channel,
        1 + (n * 7907) % ${sizes.contacts} as contact_id, ${frt} as frt, ${res} as res, ${handle} as handle, ${wrap} as wrap, ${wait} as wait from ${numbers(from, to)}) x`);
    await raw.run(`insert into conversation_tags (conversation_id, tag_id) select n, 1 + (n * 13) % 20 from ${numbers(from, to)} where n % 2 = 0`);
    await raw.run(`insert into conversation_labels (conversation_id, label_id) select n, 1 + n % 5 from ${numbers(from, to)} where n % 7 = 0`);
    if (sizes.messagesPer > 0) {
      // Generated from the numbers alone (the conversation's fields are functions of its id), so no join.
      const cCreated = created.replaceAll('n', 'c.n');
      await raw.run(`insert into messages (conversation_id, sender_kind, sender_user_id, sender_contact_id, body, internal, attachments, status, created_at)
        select c.n, case when m.n % 2 = 1 then 'customer' else 'agent' end, case when m.n % 2 = 0 and c.n % 10 < 7 then 1 + (c.n * 31) % ${sizes.agents} end,
          case when m.n % 2 = 1 then 1 + (c.n * 7907) % ${sizes.contacts} end,
          'Message ' || m.n || ' of conversation ' || c.n, 0, '[]', 'sent', ${cCreated} + m.n * 30000
        from ${numbers(from, to, 'c')} cross join ${numbers(1, sizes.messagesPer, 'm')}`);
    }
    await raw.run('commit');
    log(`  ${to.toLocaleString()} conversations (${(to * sizes.messagesPer).toLocaleString()} messages) after ${secs()}`);
  }
  for (const def of rebuild) await raw.run(def);
  log(`  indexes built again after ${secs()}`);
  if (pgsql) await raw.run(`select setval(pg_get_serial_sequence('conversations', 'id'), ${sizes.conversations})`);
  // SQLite: statistics from a sample of each index (a full ANALYZE reads all 20M messages again).
  await raw.run(pgsql ? 'analyze' : 'pragma analysis_limit = 1000; analyze');
  await raw.close();
  // The rollups, as migration 019's rebuild writes them (the facts' days are already set).
  await sql`delete from report_rollup_state`.execute(db);
  await db.insertInto('report_rollup_state').values({ id: 1, time_zone: tz }).execute();
  await buildCells(db, start, end, tz);
  log(`  day rollups built after ${secs()}`);
  await rebuildDimensionRollups(db, tz);
  for (const t of ['report_days', 'report_months', 'report_dim_days', 'report_dim_months']) await sql.raw(`analyze ${t}`).execute(db);
  log(`  dimension rollups built after ${secs()}`);
}

