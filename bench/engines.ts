import pg from 'pg';

/** The PostgreSQL every bench measures on: BENCH_PG_URL, else a postgres DATABASE_URL, else the local one. */
export const PG_URL = process.env.BENCH_PG_URL ?? (process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://root@127.0.0.1:5432/test');

/** Whether PostgreSQL answers within two seconds (a bench skips the engine rather than hang). */
export async function pgAnswers(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/** Drops a bench's own schema once it is done. */
export async function dropBenchSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.end();
}
