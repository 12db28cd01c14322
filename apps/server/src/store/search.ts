import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from './db.ts';
import { isPostgres } from './dialect.ts';
import type { ConversationsTable, Database } from './schema.ts';

/**
 * The conversation list's search (`q`): a case-insensitive substring of a message, the subject, the
 * contact's name or email, the contact's phone digits (3 or more, punctuation ignored), or `#id`.
 *
 * Two ways to answer it, the same rows either way (migration 023 explains the indexes):
 * - from the index: the trigram indexes give the few conversations that match, and the list sorts
 *   those (a rare term: an order number, a name, a phone);
 * - walking the list: in its order, each conversation is tested until the page is full (a common
 *   term: the first conversations already match, while collecting every match would read most of
 *   the index). Also for a text under 3 characters, which has no trigram.
 * A probe of at most FROM_INDEX_LIMIT matches chooses between them.
 */
export const FROM_INDEX_LIMIT = 5000;

type CEB = ExpressionBuilder<Database & { c: ConversationsTable }, 'c'>;

export interface SearchTerms {
  text: string;
  /** `%text%` lowercased, with LIKE's wildcards escaped by a backslash. */
  pattern: string;
  /** The text's digits when there are 3 or more (a phone search), else ''. */
  digits: string;
  id: number | null;
}

export function searchTerms(q: string): SearchTerms {
  const idMatch = /^#?(\d{1,9})$/.exec(q);
  const digits = q.replace(/[^0-9]/g, '');
  return { text: q, pattern: `%${q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`, digits: digits.length >= 3 ? digits : '', id: idMatch ? Number(idMatch[1]) : null };
}

/** A phone column with its spacing and punctuation removed, so "+44 20 7946" is found by "207946". */
export function phoneDigits(column: string) {
  return sql`replace(replace(replace(replace(replace(${sql.ref(column)}, ' ', ''), '-', ''), '(', ''), ')', ''), '.', '')`;
}

const like = (expr: RawBuilder<unknown>, pattern: string) => sql<SqlBool>`${expr} like ${pattern} escape '\\'`;

/**
 * Walking the list: the search as a test of one conversation (alias `c`). On PostgreSQL the
 * messages' EXISTS carries `OFFSET 0`, which keeps the planner from turning it into a hashed
 * subplan — one that collects every matching message first (0.55 s for a term in 100,000 of them).
 */
export function matchesSearch(eb: CEB, t: SearchTerms, postgres: boolean): Expression<SqlBool> {
  let inMessages = eb.selectFrom('messages as m').select('m.id').whereRef('m.conversation_id', '=', 'c.id').where(like(sql`lower(m.body)`, t.pattern));
  if (postgres) inMessages = inMessages.offset(0);
  const ors: Expression<SqlBool>[] = [
    eb.exists(
      eb
        .selectFrom('contacts as k')
        .select('k.id')
        .whereRef('k.id', '=', 'c.contact_id')
        .where((k) => k.or([like(sql`lower(k.name)`, t.pattern), like(sql`lower(k.email)`, t.pattern), ...(t.digits ? [k(phoneDigits('k.phone'), 'like', `%${t.digits}%`)] : [])])),
    ),
    eb.exists(inMessages),
    like(sql`lower(c.subject)`, t.pattern),
  ];
  if (t.id !== null) ors.push(eb('c.id', '=', t.id));
  return eb.or(ors);
}

/** An FTS5 phrase: the text as one literal substring (trigram tables match a phrase anywhere). */
const phrase = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * From the index: the ids of the conversations the search matches, as one statement (a union over
 * the trigram indexes); `all` for the probe, which counts (UNION ALL, duplicates allowed).
 */
function matchingIds(db: Db, t: SearchTerms, all: boolean): RawBuilder<{ id: number }> {
  const union = all ? sql`union all` : sql`union`;
  const byId = t.id !== null ? sql`${union} select ${t.id}` : sql``;
  if (isPostgres(db)) {
    const phone = t.digits ? sql` or ${phoneDigits('k.phone')} like ${`%${t.digits}%`}` : sql``;
    return sql<{ id: number }>`select m.conversation_id as id from messages m where lower(m.body) like ${t.pattern}
      ${union} select s.id from conversations s where lower(s.subject) like ${t.pattern}
      ${union} select s.id from conversations s where s.contact_id in (select k.id from contacts k where lower(k.name) like ${t.pattern} or lower(k.email) like ${t.pattern}${phone})
      ${byId}`;
  }
  const contactQuery = `{name email} : ${phrase(t.text)}${t.digits ? ` OR phone : ${phrase(t.digits)}` : ''}`;
  return sql<{ id: number }>`select m.conversation_id as id from messages m where m.id in (select rowid from messages_search where messages_search match ${phrase(t.text)})
    ${union} select rowid as id from conversations_search where conversations_search match ${phrase(t.text)}
    ${union} select s.id from conversations s where s.contact_id in (select rowid from contacts_search where contacts_search match ${contactQuery})
    ${byId}`;
}

/**
 * How to answer this search: 'walk', or the statement of the matching ids. A text of under 3
 * characters (no trigram) walks; otherwise a probe counts matches up to FROM_INDEX_LIMIT.
 */
export async function searchPlan(db: Db, t: SearchTerms): Promise<'walk' | RawBuilder<{ id: number }>> {
  if ([...t.text].length < 3) return 'walk';
  const probe = await sql<{ n: number | string }>`select count(*) as n from (select id from (${matchingIds(db, t, true)}) p limit ${FROM_INDEX_LIMIT}) x`.execute(db);
  return Number(probe.rows[0]?.n ?? 0) >= FROM_INDEX_LIMIT ? 'walk' : matchingIds(db, t, false);
}
