import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * Reads at scale (issue 18): the list's search (`q`: message content, subject, a contact's name,
 * email or phone) served by trigram indexes, so a substring is found without reading every message.
 * Trigrams keep today's meaning exactly — a case-insensitive substring anywhere in the text — where
 * word-based full-text search would not find "7946" inside a phone number or "ORD-12" in "ORD-1234".
 *
 * SQLite: FTS5 tables with the trigram tokenizer. `messages_search` and `conversations_search` are
 * external-content tables over messages.body and conversations.subject (no copy of the text);
 * `contacts_search` holds the contact's name, email and phone digits (the phone without spacing or
 * punctuation, as the search compares it). Triggers keep them in step in the writing transaction,
 * also when a conversation's deletion cascades to its messages.
 *
 * PostgreSQL: GIN indexes of pg_trgm over the same expressions the search writes (lower(body), …),
 * which `LIKE '%…%'` uses directly. pg_trgm ships with PostgreSQL and is a trusted extension
 * (PostgreSQL 13+: a database owner may create it); it is created in `public` so that dropping one
 * server's schema never drops it under another's. Where it cannot be created, the migration skips
 * the indexes and search keeps working by reading the tables, as before.
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await listOrders(db);
  if (dialect === 'sqlite') return sqliteSearch(db);
  const ops = await trigramOps(db);
  if (!ops) return;
  const gin = (name: string, table: string, expr: string) => sql.raw(`create index ${name} on ${table} using gin ((${expr}) ${ops})`).execute(db);
  await gin('messages_body_trgm', 'messages', 'lower(body)');
  await gin('conversations_subject_trgm', 'conversations', 'lower(subject)');
  await gin('contacts_name_trgm', 'contacts', 'lower(name)');
  await gin('contacts_email_trgm', 'contacts', 'lower(email)');
  await gin('contacts_phone_trgm', 'contacts', DIGITS('phone'));
}

/**
 * The list's other two orders, read from an index as "newest activity" already is: by creation, and
 * seed 002's processing order (deadline soonest first, then the rest newest activity first: the
 * expression of store/conversations.ts `processingOrder`, written the same so both engines match it).
 */
async function listOrders(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('conversations_created').on('conversations').columns(['created_at', 'id']).execute();
  const processing = sql`(case when reply_due_at is null then 8000000000000000 - last_activity_at else reply_due_at end)`;
  await sql`create index conversations_processing on conversations (${processing}, id)`.execute(db);
  // Filtered by one status (resolved: most of them), the same orders without sorting the status's rows.
  await db.schema.createIndex('conversations_status_created').on('conversations').columns(['status', 'created_at', 'id']).execute();
  await sql`create index conversations_status_processing on conversations (status, ${processing}, id)`.execute(db);
  // The unread count reads customers' messages after a read marker: from this index alone (messages_customer
  // holds half the rows and no table lookups), with 'customer' written as a literal so both engines match it.
  await sql`create index messages_customer on messages (conversation_id, id) where sender_kind = 'customer'`.execute(db);
}

/** The phone column without spacing and punctuation: the same expression as store/conversations.ts `phoneDigits`. */
const DIGITS = (col: string) => `replace(replace(replace(replace(replace(${col}, ' ', ''), '-', ''), '(', ''), ')', ''), '.', '')`;

/**
 * pg_trgm's operator class, qualified by its schema; null when the extension is not there and
 * cannot be made (not installed on the server, or no right to create it). A savepoint keeps the
 * migration's transaction usable after a refusal; two servers creating it at once is no error.
 */
async function trigramOps(db: Kysely<any>): Promise<string | null> {
  const find = async () =>
    (await sql<{ schema: string }>`select n.nspname as schema from pg_opclass o join pg_namespace n on n.oid = o.opcnamespace where o.opcname = 'gin_trgm_ops' limit 1`.execute(db)).rows[0]?.schema;
  let schema = await find();
  if (!schema) {
    await sql`savepoint trgm`.execute(db);
    try {
      await sql`create extension if not exists pg_trgm with schema public`.execute(db);
      await sql`release savepoint trgm`.execute(db);
    } catch {
      await sql`rollback to savepoint trgm`.execute(db);
    }
    schema = await find();
  }
  return schema ? `"${schema}".gin_trgm_ops` : null;
}

async function sqliteSearch(db: Kysely<any>): Promise<void> {
  const run = (s: string) => sql.raw(s).execute(db);
  for (const [table, column] of [['messages', 'body'], ['conversations', 'subject']] as const) {
    const fts = `${table}_search`;
    await run(`create virtual table ${fts} using fts5(${column}, content='${table}', content_rowid='id', tokenize='trigram')`);
    const remove = `insert into ${fts}(${fts}, rowid, ${column}) values ('delete', old.id, old.${column});`;
    const add = `insert into ${fts}(rowid, ${column}) values (new.id, new.${column});`;
    await run(`create trigger ${fts}_insert after insert on ${table} begin ${add} end`);
    await run(`create trigger ${fts}_delete after delete on ${table} begin ${remove} end`);
    await run(`create trigger ${fts}_update after update of ${column} on ${table} begin ${remove} ${add} end`);
    await run(`insert into ${fts}(${fts}) values ('rebuild')`);
  }
  await run(`create virtual table contacts_search using fts5(name, email, phone, tokenize='trigram')`);
  const add = `insert into contacts_search(rowid, name, email, phone) values (new.id, new.name, new.email, ${DIGITS('new.phone')});`;
  const remove = `delete from contacts_search where rowid = old.id;`;
  await run(`create trigger contacts_search_insert after insert on contacts begin ${add} end`);
  await run(`create trigger contacts_search_delete after delete on contacts begin ${remove} end`);
  await run(`create trigger contacts_search_update after update of name, email, phone on contacts begin ${remove} ${add} end`);
  await run(`insert into contacts_search(rowid, name, email, phone) select id, name, email, ${DIGITS('phone')} from contacts`);
}
