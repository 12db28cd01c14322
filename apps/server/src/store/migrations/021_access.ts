import type { Kysely } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

/**
 * Scoped credentials and user groups (issue 16 items 3 and 4). An API token is `personal` (acts as
 * its user with every scope, as before) or `integration` (made by an administrator: its scopes as a
 * JSON array, an optional expiry, its own rate limit). User groups grant rights (a JSON array of
 * core GROUP_RIGHTS) to their members; the lookup goes by user (`user_group_members_user`).
 */
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const ms = 'bigint' as const;
  await db.schema.alterTable('api_tokens').addColumn('kind', 'text', (c) => c.notNull().defaultTo('personal')).execute();
  await db.schema.alterTable('api_tokens').addColumn('scopes', 'text').execute();
  await db.schema.alterTable('api_tokens').addColumn('expires_at', ms).execute();
  await db.schema.alterTable('api_tokens').addColumn('rate_per_minute', 'integer').execute();
  await db.schema.createIndex('api_tokens_kind').on('api_tokens').columns(['kind', 'id']).execute();

  const groups = db.schema.createTable('user_groups');
  await (dialect === 'postgres' ? groups.addColumn('id', 'serial', (c) => c.primaryKey()) : groups.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('rights', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('user_group_members')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('user_groups.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('user_group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('user_group_members_user').on('user_group_members').columns(['user_id', 'group_id']).execute();
}
