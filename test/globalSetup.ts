import pg from 'pg';

/**
 * Runs once per `vitest run`. On PostgreSQL it drops the per-file schemas an earlier run left behind,
 * so every run starts clean.
 */
export default async function setup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url || !/^postgres/.test(url)) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ nspname: string }>("select nspname from pg_namespace where nspname like 'sbtest_%'");
  for (const r of rows) {
    // Leave schemas of test processes still running (another run on this machine).
    const pid = Number(/^sbtest_(\d+)_/.exec(r.nspname)?.[1]);
    if (pid && isAlive(pid)) continue;
    await client.query(`drop schema if exists "${r.nspname}" cascade`);
  }
  await client.end();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
