/**
 * Fills a database with a year of conversations for the reports bench: BENCH_CONVERSATIONS (1,000,000)
 * conversations, BENCH_MESSAGES_PER (20) messages each, their reports facts (written directly, as
 * the projection would), tags, labels and customer tags. Every row is generated inside the database
 * (a numbers CTE on SQLite, generate_series on PostgreSQL) in chunks, so nothing crosses the wire
 * row by row. Values are deterministic functions of the id (multiplicative hashing), so two runs
 * build the same data.
 */
import { sql } from 'kysely';
import type { Store } from '../apps/server/src/store/db.ts';

export interface Sizes { conversations: number; messagesPer: number; queues: number; agents: number; contacts: number }

const YEAR = 365 * 24 * 3600 * 1000;
/** Conversations per statement: PostgreSQL's pool ends a statement after 10 s (PG_TIMEOUTS), so it takes smaller steps. */
const chunkOf = (pg: boolean) => (pg ? 10_000 : 100_000);

export async function fillReportsDatabase(store: Store, sizes: Sizes, end: number, log: (s: string) => void): Promise<void> {
  const db = store.db;
  const pg = store.dialect === 'postgres';
  const start = end - YEAR;
  const t0 = performance.now();
  const numbers = (from: number, to: number) =>
    pg ? `generate_series(${from}::bigint, ${to}::bigint) as g(n)` : `(with recursive s(n) as (select ${from} union all select n + 1 from s where n < ${to}) select n from s) as g`;

  await db.transaction().execute(async (tx) => {
    for (let q = 1; q <= sizes.queues; q++) await tx.insertInto('queues').values({ name: `Queue ${q}`, routing_mode: 'auto_assign', settings: '{}', created_at: start }).execute();
    await sql.raw(`insert into users (email, name, role, password_hash, status, capacity, disabled, created_at)
      select 'agent' || n || '@bench.test', 'Agent ' || n, 'agent', 'x', 'offline', 5, 0, ${start} from ${numbers(1, sizes.agents)}`).execute(tx);
    await sql.raw(`insert into contacts (name, email, attributes, source, blocked, created_at, updated_at)
      select 'Customer ' || n, 'c' || n || '@bench.test', '{}', '{}', 0, ${start}, ${start} from ${numbers(1, sizes.contacts)}`).execute(tx);
    for (let i = 1; i <= 20; i++) await tx.insertInto('tags').values({ kind: 'conversation', name: `topic-${i}`, color: '#64748b' }).execute();
    for (let i = 1; i <= 10; i++) await tx.insertInto('tags').values({ kind: 'customer', name: `segment-${i}`, color: '#64748b' }).execute();
    for (let i = 1; i <= 5; i++) await tx.insertInto('labels').values({ name: `label-${i}`, color: '#f59e0b', builtin: 0 }).execute();
    await sql.raw(`insert into contact_tags (contact_id, tag_id, pinned) select n, 21 + n % 10, 0 from ${numbers(1, sizes.contacts)} where n % 3 = 0`).execute(tx);
  });
  const channel = `case n % 4 when 0 then 'web' when 1 then 'email' when 2 then 'whatsapp' else 'messenger' end`;
  const status = `case when n % 10 < 7 then 'resolved' when n % 10 = 7 then 'abandoned' when n % 10 = 8 then 'callback' else 'closed' end`;
  const created = `(${start} + (n * ${Math.floor(YEAR / sizes.conversations)}) + (n * 7919) % 60000)`;
  const CHUNK = chunkOf(pg);
  for (let from = 1; from <= sizes.conversations; from += CHUNK) {
    const to = Math.min(sizes.conversations, from + CHUNK - 1);
    await db.transaction().execute(async (tx) => {
      await sql.raw(`insert into conversations (id, contact_id, channel, queue_id, assignee_id, status, priority, created_at, updated_at, first_response_at, resolved_at, last_activity_at)
        select n, 1 + (n * 7907) % ${sizes.contacts}, ${channel}, 1 + n % ${sizes.queues}, case when n % 10 < 7 then 1 + (n * 31) % ${sizes.agents} end, ${status}, 'normal',
          ${created}, ${created} + 3600000, ${created} + 10000 + (n * 7901) % 600000, case when n % 10 < 7 then ${created} + 600000 + (n * 7883) % 7200000 end, ${created} + 3600000
        from ${numbers(from, to)}`).execute(tx);
      const wait = `case when n % 10 < 7 then 5000 + (n * 7877) % 300000 end`;
      const frt = `case when n % 10 < 7 then 10000 + (n * 7901) % 600000 end`;
      const res = `case when n % 10 < 7 then 600000 + (n * 7883) % 7200000 end`;
      const handle = `case when n % 10 < 7 then 120000 + (n * 7873) % 3000000 end`;
      const wrap = `case when n % 10 < 7 and n % 3 = 0 then 10000 + (n * 7867) % 180000 end`;
      await sql.raw(`insert into conversation_facts (conversation_id, created_at, queue_id, agent_id, channel, inbox_id, contact_id, linked, resolved, abandoned, callback, reopened,
          offers_declined, offers_timed_out, replies_due, replies_breached, first_response_ms, resolution_ms, handle_ms, wrap_up_ms, wait_ms)
        select n, created_at, queue_id, agent_id, channel, null, contact_id, case when n % 17 = 0 then 1 else 0 end,
          case when n % 10 < 7 then 1 else 0 end, case when n % 10 = 7 then 1 else 0 end, case when n % 10 = 8 then 1 else 0 end, case when n % 23 = 0 then 1 else 0 end,
          n % 3 / 2, n % 5 / 4, case when n % 10 < 7 then 1 else 0 end, case when n % 10 < 7 and n % 6 = 0 then 1 else 0 end,
          frt, res, handle, wrap, wait
        from (select n, ${created} as created_at, 1 + n % ${sizes.queues} as queue_id, case when n % 10 < 7 then 1 + (n * 31) % ${sizes.agents} end as agent_id, ${channel} as channel,
          1 + (n * 7907) % ${sizes.contacts} as contact_id, ${frt} as frt, ${res} as res, ${handle} as handle, ${wrap} as wrap, ${wait} as wait from ${numbers(from, to)}) x`).execute(tx);
      await sql.raw(`insert into conversation_tags (conversation_id, tag_id) select n, 1 + (n * 13) % 20 from ${numbers(from, to)} where n % 2 = 0`).execute(tx);
      await sql.raw(`insert into conversation_labels (conversation_id, label_id) select n, 1 + n % 5 from ${numbers(from, to)} where n % 7 = 0`).execute(tx);
      if (sizes.messagesPer > 0) {
        await sql.raw(`insert into messages (conversation_id, sender_kind, sender_user_id, sender_contact_id, body, internal, attachments, status, created_at)
          select c.id, case when m.n % 2 = 1 then 'customer' else 'agent' end, case when m.n % 2 = 0 then c.assignee_id end, case when m.n % 2 = 1 then c.contact_id end,
            'Message ' || m.n || ' of conversation ' || c.id, 0, '[]', 'sent', c.created_at + m.n * 30000
          from conversations c cross join ${numbers(1, sizes.messagesPer).replace(' as g(n)', ' as m(n)').replace(') as g', ') as m')}
          where c.id between ${from} and ${to}`).execute(tx);
      }
    });
    if (to % 100_000 === 0 || to === sizes.conversations) log(`  ${to.toLocaleString()} conversations (${(to * sizes.messagesPer).toLocaleString()} messages) after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  if (pg) {
    await sql.raw(`select setval(pg_get_serial_sequence('conversations', 'id'), ${sizes.conversations})`).execute(db);
    await sql.raw('analyze').execute(db);
  } else await sql.raw('analyze').execute(db);
}
