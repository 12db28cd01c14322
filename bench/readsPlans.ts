/**
 * BENCH_PLANS=1 for bench/reads.ts: each read's plan as the engine chooses it on the generated
 * database — SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN (ANALYZE) with its timings.
 */
import { CompiledQuery } from 'kysely';
import { ConversationListQuery } from '@switchboard/protocol';
import type { Viewer } from '@switchboard/core';
import type { Server } from '../apps/server/src/server.ts';
import { conversationListQuery } from '../apps/server/src/store/conversations.ts';
import { unreadSummaryQuery } from '../apps/server/src/store/unread.ts';

export async function explainReads(server: Server, viewers: { admin: Viewer; agent: Viewer }, terms: { order: string }): Promise<void> {
  const { db, dialect } = server.services.store;
  const explain = async (name: string, q: { sql: string; parameters: readonly unknown[] }) => {
    const text = dialect === 'postgres' ? `explain (analyze, costs off, timing on, summary on) ${q.sql}` : `explain query plan ${q.sql}`;
    const rows = (await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, [...q.parameters]))).rows;
    const lines = dialect === 'postgres' ? rows.map((r) => String(Object.values(r)[0])) : rows.map((r) => `${'  '.repeat(depth(rows, r))}${String(r.detail)}`);
    console.log(`  plan: ${name}\n${lines.map((l) => `      ${l}`).join('\n')}`);
  };
  for (const [who, viewer] of Object.entries(viewers)) {
    const list = async (name: string, query: Record<string, string>) =>
      explain(`${name} (${who})`, (await conversationListQuery(db, viewer, ConversationListQuery.parse(query))).compile());
    await list('list last_activity', {});
    await list('list created', { sort: 'created' });
    await list('list processing_order', { sort: 'processing_order' });
    await list('list view=queued', { view: 'queued' });
    await list('list status=resolved', { status: 'resolved' });
    await list('list tagId=3', { tagId: '3' });
    await list('list unread', { unread: 'true' });
    await list(`search ${terms.order}`, { q: terms.order });
    await list('search topic123', { q: 'topic123 ' });
    await list('search has not arrived (walks)', { q: 'has not arrived' });
    await list('search name', { q: 'Customer 4321' });
    await list('search phone', { q: '0004321' });
    await explain(`unread total (${who})`, unreadSummaryQuery(db, viewer).compile());
  }
  await explain('history page', db.selectFrom('messages').selectAll().where('conversation_id', '=', 1).orderBy('id', 'desc').limit(201).compile());
}

/** EXPLAIN QUERY PLAN rows nest by `parent`: the depth of one, for indenting. */
function depth(rows: Record<string, unknown>[], r: Record<string, unknown>): number {
  let d = 0;
  let p = r.parent;
  while (p) {
    const up = rows.find((x) => x.id === p);
    if (!up) break;
    d++;
    p = up.parent;
  }
  return d;
}
