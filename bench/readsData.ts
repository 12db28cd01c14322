/**
 * Fills a database for the reads bench: a working inbox of BENCH_CONVERSATIONS (100,000)
 * conversations with BENCH_MESSAGES_PER (10) messages each, plus one long conversation of
 * LONG_MESSAGES (2,000) messages for the history page. 51 users (an administrator, id 1, and 50
 * agents, ids 2–51, each in two of 10 queues), a contact per two conversations with a name, email,
 * phone and an `api` identity, tags, labels, customer tags, read markers and a few consultants.
 *
 * As bench/reportsData.ts does: every row is generated inside the database by set-based
 * INSERT … SELECT over generate_series (PostgreSQL) or a recursive numbers CTE (SQLite), on a raw
 * connection without fsync / synchronous commit, with the loaded tables' secondary indexes and
 * (SQLite) triggers dropped first and built once at the end (the search tables are rebuilt from
 * their content then). Values are deterministic functions of the row number, so the search terms
 * the bench uses are known: `ORD-<100000 + n>` in each conversation's first message, `topic<k>`
 * (k < 997) in every message, `Customer <n>` names, phones `+44 20 <70000000 + n>`.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Store } from '../apps/server/src/store/db.ts';

export interface ReadsSizes { conversations: number; messagesPer: number; longMessages: number }
export interface ReadsTarget { sqliteDir?: string; sqliteFile?: string; pgUrl?: string; pgSchema?: string }

export const QUEUES = 10;
export const AGENTS = 50;
const LOADED = ['conversations', 'messages', 'contacts', 'contact_identities', 'contact_tags', 'conversation_tags', 'conversation_labels', 'conversation_reads', 'conversation_participants'];

interface Raw { run(q: string): Promise<void>; all<T>(q: string): Promise<T[]>; close(): Promise<void> }

async function rawConnection(store: Store, t: ReadsTarget): Promise<Raw> {
  if (store.dialect === 'postgres') {
    const c = new pg.Client({ connectionString: t.pgUrl });
    await c.connect();
    await c.query(`set search_path to "${t.pgSchema}", public; set statement_timeout = 0; set synchronous_commit = off; set session_replication_role = replica; set maintenance_work_mem = '256MB'`);
    return { run: async (q) => void (await c.query(q)), all: async (q) => (await c.query(q)).rows, close: () => c.end() };
  }
  const d = new SQLite(path.join(t.sqliteDir!, t.sqliteFile!));
  d.pragma('synchronous = OFF');
  d.pragma('cache_size = -262144');
  d.pragma('temp_store = MEMORY');
  return { run: async (q) => { d.exec(q); }, all: async <T>(q: string) => d.prepare(q).all() as T[], close: async () => { d.close(); } };
}

/** Secondary indexes (and SQLite's triggers) of the loaded tables, dropped; the statements that make them again. */
async function dropForLoad(raw: Raw, pgsql: boolean): Promise<string[]> {
  const list = LOADED.map((t) => `'${t}'`).join(',');
  const rows = pgsql
    ? await raw.all<{ name: string; def: string; kind: string }>(`select indexname as name, indexdef as def, 'index' as kind from pg_indexes where schemaname = current_schema() and tablename in (${list})
        and indexname not in (select conname from pg_constraint where contype in ('p', 'u', 'x'))`)
    : await raw.all<{ name: string; def: string; kind: string }>(`select name, sql as def, type as kind from sqlite_master where type in ('index', 'trigger') and tbl_name in (${list}) and sql is not null`);
  for (const r of rows) await raw.run(`drop ${r.kind} "${r.name}"`);
  return rows.map((r) => r.def);
}

export async function fillReadsDatabase(store: Store, target: ReadsTarget, sizes: ReadsSizes, end: number, log: (s: string) => void): Promise<void> {
  const pgsql = store.dialect === 'postgres';
  const N = sizes.conversations;
  const per = sizes.messagesPer;
  const contacts = Math.max(1, Math.floor(N / 2));
  const span = 180 * 24 * 3600 * 1000;
  const start = end - span;
  const t0 = performance.now();
  const secs = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  const numbers = (from: number, to: number, alias = 'g') =>
    pgsql ? `generate_series(${from}::bigint, ${to}::bigint) as ${alias}(n)` : `(with recursive s(n) as (select ${from} union all select n + 1 from s where n < ${to}) select n from s) as ${alias}`;
  const raw = await rawConnection(store, target);
  const rebuild = await dropForLoad(raw, pgsql);
  log(`  dropped ${rebuild.length} indexes and triggers of the loaded tables for the load`);

  await raw.run('begin');
  await raw.run(`insert into users (id, email, name, role, password_hash, status, capacity, disabled, created_at) values (1, 'admin@bench.test', 'Bench Admin', 'admin', 'x', 'offline', null, 0, ${start})`);
  await raw.run(`insert into users (id, email, name, role, password_hash, status, capacity, disabled, created_at)
    select n + 1, 'agent' || n || '@bench.test', 'Agent ' || n, 'agent', 'x', 'offline', 5, 0, ${start} from ${numbers(1, AGENTS)}`);
  await raw.run(`insert into queues (id, name, routing_mode, settings, created_at) select n, 'Queue ' || n, 'manual', '{}', ${start} from ${numbers(1, QUEUES)}`);
  // Agent k (user k + 1) serves queues 1 + k % 10 and 1 + (k + 3) % 10.
  await raw.run(`insert into queue_members (queue_id, user_id) select 1 + n % ${QUEUES}, n + 1 from ${numbers(1, AGENTS)}
    union all select 1 + (n + 3) % ${QUEUES}, n + 1 from ${numbers(1, AGENTS)}`);
  await raw.run(`insert into tags (id, kind, name, color) select n, case when n <= 20 then 'conversation' else 'customer' end, case when n <= 20 then 'topic-' || n else 'segment-' || n end, '#64748b' from ${numbers(1, 30)}`);
  await raw.run(`insert into labels (name, color, builtin) select 'bench-label-' || n, '#f59e0b', 0 from ${numbers(1, 5)}`);
  await raw.run(`insert into contacts (id, name, email, phone, attributes, source, blocked, created_at, updated_at)
    select n, 'Customer ' || n, 'c' || n || '@bench.test', '+44 20 ' || (70000000 + n), '{}', '{}', 0, ${start}, ${start} from ${numbers(1, contacts)}`);
  await raw.run(`insert into contact_identities (contact_id, channel, external_id) select n, 'api', 'ext-' || n from ${numbers(1, contacts)}`);
  await raw.run(`insert into contact_tags (contact_id, tag_id, pinned) select n, 21 + n % 10, n % 2 from ${numbers(1, contacts)} where n % 3 = 0`);
  await raw.run('commit');

  // Conversation n: contact 1 + n % contacts; most resolved, the newest 5% open (active, pending,
  // queued, closed, abandoned, callback) so the inbox views and the unread total have work to do.
  const open = Math.max(1, Math.floor(N * 0.05));
  const status = `case when n <= ${N - open} then 'resolved' else case n % 8 when 0 then 'queued' when 1 then 'pending' when 2 then 'closed' when 3 then 'abandoned' when 4 then 'callback' else 'active' end end`;
  const unassigned = `(n > ${N - open} and n % 8 in (0, 3, 4))`;
  const assignee = `case when ${unassigned} or n % 20 = 7 then null else 2 + (n * 31) % ${AGENTS} end`;
  const created = `(${start} + n * ${Math.floor(span / N)})`;
  const lastMsg = `(n * ${per})`;
  const CHUNK = 50_000;
  for (let from = 1; from <= N; from += CHUNK) {
    const to = Math.min(N, from + CHUNK - 1);
    await raw.run('begin');
    await raw.run(`insert into conversations (id, contact_id, channel, subject, queue_id, assignee_id, status, priority, created_at, updated_at, resolved_at, last_message_id, last_activity_at, last_customer_message_at, reply_due_at)
      select n, 1 + n % ${contacts}, case n % 4 when 0 then 'web' when 1 then 'email' when 2 then 'whatsapp' else 'api' end,
        case when n % 4 = 1 then 'Question about invoice INV-' || (500000 + n) end, 1 + n % ${QUEUES}, ${assignee}, ${status},
        case when n % 13 = 0 then 'high' else 'normal' end, ${created}, ${created} + ${per} * 30000,
        case when n <= ${N - open} then ${created} + ${per} * 30000 end, ${lastMsg}, ${created} + ${per} * 30000, ${created} + ${per - 1} * 30000,
        case when n > ${N - open} and n % 3 = 0 then ${created} + 86400000 end
      from ${numbers(from, to)}`);
    // Message m of conversation n has id (n - 1) * per + m; odd ones are the customer's.
    const cCreated = created.replaceAll('n', 'c.n');
    await raw.run(`insert into messages (id, conversation_id, sender_kind, sender_user_id, sender_contact_id, body, internal, attachments, status, created_at)
      select (c.n - 1) * ${per} + m.n, c.n, case when m.n % 2 = 1 then 'customer' else 'agent' end,
        case when m.n % 2 = 0 then 2 + (c.n * 31) % ${AGENTS} end, case when m.n % 2 = 1 then 1 + c.n % ${contacts} end,
        case when m.n = 1 then 'Hello, my order ORD-' || (100000 + c.n) || ' has not arrived yet (topic' || ((c.n * 7 + m.n * 13) % 997) || ')'
             else 'Message ' || m.n || ' of conversation ' || c.n || ' about topic' || ((c.n * 7 + m.n * 13) % 997) end,
        0, '[]', 'sent', ${cCreated} + m.n * 30000
      from ${numbers(from, to, 'c')} cross join ${numbers(1, per, 'm')}`);
    await raw.run(`insert into conversation_tags (conversation_id, tag_id) select n, 1 + (n * 13) % 20 from ${numbers(from, to)} where n % 2 = 0`);
    await raw.run(`insert into conversation_labels (conversation_id, label_id) select n, (select min(id) from labels) + n % 5 from ${numbers(from, to)} where n % 7 = 0`);
    // The assignee read their conversation: all of it, or (a third of the open ones) up to two messages before the end.
    await raw.run(`insert into conversation_reads (user_id, conversation_id, last_read_message_id, marked_unread)
      select 2 + (n * 31) % ${AGENTS}, n, case when n > ${N - open} and n % 3 = 0 then ${lastMsg} - 2 else ${lastMsg} end, case when n % 97 = 0 then 1 else 0 end
      from ${numbers(from, to)} where not (${unassigned} or n % 20 = 7)`);
    await raw.run(`insert into conversation_participants (conversation_id, user_id, role) select n, 2 + (n * 17 + 5) % ${AGENTS}, 'consultant' from ${numbers(from, to)}
      where n % 250 = 0 and (n * 17 + 5) % ${AGENTS} <> (n * 31) % ${AGENTS}`);
    await raw.run('commit');
    log(`  ${to.toLocaleString()} conversations (${(to * per).toLocaleString()} messages) after ${secs()}`);
  }
  // The long conversation (the newest): LONG_MESSAGES more messages for the history page.
  const longFrom = N * per + 1;
  await raw.run(`insert into messages (id, conversation_id, sender_kind, sender_user_id, sender_contact_id, body, internal, attachments, status, created_at)
    select ${N * per} + n, ${N}, case when n % 2 = 1 then 'customer' else 'agent' end, case when n % 2 = 0 then 2 end, case when n % 2 = 1 then 1 + ${N} % ${contacts} end,
      'Long thread message ' || n || ' about topic' || (n % 997), 0, '[]', 'sent', ${end} - 3600000 + n
    from ${numbers(1, sizes.longMessages)}`);
  await raw.run(`update conversations set last_message_id = ${longFrom + sizes.longMessages - 1} where id = ${N}`);
  for (const def of rebuild) await raw.run(def);
  log(`  indexes and triggers built again after ${secs()}`);
  if (pgsql) {
    for (const [table, max] of [['users', AGENTS + 1], ['queues', QUEUES], ['tags', 30], ['contacts', contacts], ['conversations', N], ['messages', N * per + sizes.longMessages]] as const) {
      await raw.run(`select setval(pg_get_serial_sequence('${table}', 'id'), ${max})`);
    }
    await raw.run('analyze');
  } else {
    // The search tables are external-content FTS5 tables: built from their content in one pass.
    const fts = await raw.all<{ name: string }>(`select name from sqlite_master where type = 'table' and sql like 'create virtual table%fts5%content=%'`);
    for (const t of fts) await raw.run(`insert into "${t.name}"("${t.name}") values ('rebuild')`);
    // contacts_search keeps its own copy (the phone as digits): its trigger writes it, once per contact.
    if (fts.length) await raw.run('update contacts set name = name');
    log(`  ${fts.length + 1} search tables built after ${secs()}`);
    await raw.run('pragma analysis_limit = 1000; analyze');
  }
  await raw.close();
  log(`  statistics after ${secs()}`);
}
