import type { Kysely } from 'kysely';

type AnyDb = Kysely<any>;
type Dialect = 'sqlite' | 'postgres';

/** Canned messages (seed 004) and the composer's sensitive-data and clean-up rules (seed 001). */
export async function up(db: AnyDb, dialect: Dialect): Promise<void> {
  const ms = 'bigint' as const;
  const id = dialect === 'postgres' ? ('serial' as const) : ('integer' as const);
  await db.schema
    .createTable('canned_messages')
    .addColumn('id', id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  // One row per rule set ('composer'), its value JSON text like every JSON column here.
  await db.schema
    .createTable('composer_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
}
