import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';

/**
 * The open offer marked on its conversation (issue 18). A routing pass reads the waiting line in
 * processing order for conversations without an open offer; with the offers' NOT EXISTS it walked
 * past every conversation already on offer (up to the agents' free places, 1,000 in the bench:
 * 48 ms a pass on PostgreSQL). With `on_offer` in the line's index, a pass reads unoffered
 * waiting ones only. Triggers on offers keep it, in the transaction that opens or closes an offer, so no write
 * site can forget it; the unique index of open offers makes it exact (at most one each).
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const run = (q: string) => sql.raw(q).execute(db);
  await run(`alter table conversations add column on_offer integer not null default 0`);
  await run(`update conversations set on_offer = 1 where id in (select conversation_id from offers where status = 'offered')`);
  if (dialect === 'postgres') {
    await run(`create or replace function offers_mark_conversation() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') and old.status = 'offered' and (tg_op = 'DELETE' or new.status <> 'offered') then
          update conversations set on_offer = 0 where id = old.conversation_id;
        end if;
        if tg_op in ('INSERT', 'UPDATE') and new.status = 'offered' and (tg_op = 'INSERT' or old.status <> 'offered') then
          update conversations set on_offer = 1 where id = new.conversation_id;
        end if;
        return null;
      end $$`);
    await run(`create trigger offers_mark after insert or update of status or delete on offers for each row execute function offers_mark_conversation()`);
  } else {
    await run(`create trigger offers_mark_insert after insert on offers when new.status = 'offered' begin update conversations set on_offer = 1 where id = new.conversation_id; end`);
    await run(`create trigger offers_mark_update after update of status on offers when (old.status = 'offered') <> (new.status = 'offered') begin update conversations set on_offer = (new.status = 'offered') where id = new.conversation_id; end`);
    await run(`create trigger offers_mark_delete after delete on offers when old.status = 'offered' begin update conversations set on_offer = 0 where id = old.conversation_id; end`);
  }
  // Not partial: without statistics SQLite's planner prefers the index with more equal columns,
  // so the mark is a column of the line's index (after the old one's equal columns, before the order).
  await run(`create index conversations_waiting_line on conversations (queue_id, status, priority, on_offer, queued_at, id)`);
}
