/**
 * A write that names a row that is not there (a foreign key with nothing behind it), in either
 * engine: SQLite's SQLITE_CONSTRAINT_FOREIGNKEY, PostgreSQL's 23503. Actions check the references
 * they take from a request and say which is missing; this is the net under them, so a reference
 * an action forgot answers 422 `reference_not_found`, never 500.
 */
export function isMissingReference(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || e.code === '23503') return true;
  return e.cause ? isMissingReference(e.cause) : false;
}
