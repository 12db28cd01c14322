import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { rebuildDimensionRollups } from '../reportDimensions.ts';

/**
 * Reports at scale, per dimension (issue 15): `report_dim_days` / `report_dim_months`, per local
 * day (month) × queue, the figures of each conversation tag, label and customer tag (`dim` 'tag',
 * 'label', 'customerTag', `dim_id` its id) and of every conversation (`dim` 'all', `dim_id` 0),
 * with the same counts, sums and histograms as report_days — so the tag, label and customer-tag
 * tables over a year, and the series with its percentiles, read cells instead of the facts.
 * Built here from the facts, in the time zone the day rollups are in.
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  for (const table of ['report_dim_days', 'report_dim_months']) {
    let t = db.schema
      .createTable(table)
      .addColumn('dim', 'text', (c) => c.notNull())
      .addColumn('dim_id', 'integer', (c) => c.notNull())
      .addColumn('day', 'integer', (c) => c.notNull())
      .addColumn('queue_id', 'integer', (c) => c.notNull());
    for (const name of ['created', 'resolved', 'abandoned', 'callback', 'reopened', 'linked', 'offers_declined', 'offers_timed_out', 'replies_due', 'replies_breached']) {
      t = t.addColumn(name, 'integer', (c) => c.notNull().defaultTo(0));
    }
    for (const m of ['first_response', 'resolution', 'handle', 'wrap_up', 'wait']) {
      t = t
        .addColumn(`${m}_n`, 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn(`${m}_sum`, 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn(`${m}_hist`, 'text', (c) => c.notNull().defaultTo(''));
    }
    await t.addPrimaryKeyConstraint(`${table}_pk`, ['dim', 'dim_id', 'day', 'queue_id']).execute();
    // A table of a dimension reads all its ids over a range of days.
    await db.schema.createIndex(`${table}_day`).on(table).columns(['dim', 'day']).execute();
  }
  const row = await db.selectFrom('report_rollup_state').select('time_zone').where('id', '=', 1).executeTakeFirst();
  await rebuildDimensionRollups(db, (row?.time_zone as string | undefined) ?? 'UTC');
}
