import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { rebuildDayRollups } from '../reportRollups.ts';

/**
 * Reports at scale (issue 15): daily and monthly rollups of the conversation facts.
 * - `conversation_facts.day`: the local day (days since 1970-01-01 in the rollups' time zone) the
 *   conversation arrived on, fixed when the fact is written, so moving it needs no time zone.
 * - `report_days`: per day × queue × agent × channel × inbox (0 = none), the counts, duration
 *   sums and duration histograms (text "bucket:count", core histogram.ts) of those conversations,
 *   moved in the transaction of every fact change.
 * - `report_months`: the same per local month (`day` is the month's 1st), so a year reads twelve
 *   months of cells instead of 365 days of them.
 * - `report_rollup_state`: the one time zone the days are local to (the workspace's when built);
 *   reports asked in another zone read the facts instead.
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('conversation_facts').addColumn('day', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  for (const table of ['report_days', 'report_months']) await rollupTable(db, table);
  await db.schema
    .createTable('report_rollup_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .execute();
  const row = await db.selectFrom('widget_settings').select('settings').where('id', '=', 1).executeTakeFirst().catch(() => undefined);
  let tz = 'UTC';
  try {
    const asked = (JSON.parse((row?.settings as string | undefined) ?? '{}') as { officeHours?: { timezone?: string } }).officeHours?.timezone;
    if (asked) {
      new Intl.DateTimeFormat('en-US', { timeZone: asked });
      tz = asked;
    }
  } catch {
    tz = 'UTC';
  }
  await rebuildDayRollups(db, tz);
}

async function rollupTable(db: Kysely<any>, table: string): Promise<void> {
  let t = db.schema
    .createTable(table)
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('queue_id', 'integer', (c) => c.notNull())
    .addColumn('agent_id', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('inbox_id', 'integer', (c) => c.notNull());
  for (const name of ['created', 'resolved', 'abandoned', 'callback', 'reopened', 'linked', 'offers_declined', 'offers_timed_out', 'replies_due', 'replies_breached']) {
    t = t.addColumn(name, 'integer', (c) => c.notNull().defaultTo(0));
  }
  for (const m of ['first_response', 'resolution', 'handle', 'wrap_up', 'wait']) {
    t = t
      .addColumn(`${m}_n`, 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn(`${m}_sum`, 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn(`${m}_hist`, 'text', (c) => c.notNull().defaultTo(''));
  }
  await t.addPrimaryKeyConstraint(`${table}_pk`, ['day', 'queue_id', 'agent_id', 'channel', 'inbox_id']).execute();
  // Supervisors' reports are of some queues over a range of days.
  await db.schema.createIndex(`${table}_queue`).on(table).columns(['queue_id', 'day']).execute();
}
