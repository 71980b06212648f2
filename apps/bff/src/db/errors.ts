/** Driver errors that services react to, recognised on both databases. */

/** A unique index refused the row (SQLite SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY, PostgreSQL 23505). */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof Error) || !('code' in err)) return false;
  const code = (err as { code: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** A foreign key refused the change (SQLite SQLITE_CONSTRAINT_FOREIGNKEY, PostgreSQL 23503). */
export function isForeignKeyViolation(err: unknown): boolean {
  if (!(err instanceof Error) || !('code' in err)) return false;
  const code = (err as { code: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

/**
 * The disk is full or the database cannot be written (SQLite SQLITE_FULL / IOERR / READONLY, PostgreSQL 53xxx
 * insufficient resources, 57P03 cannot connect now, 25006 read-only transaction — a standby after a failover).
 */
export function isStorageUnavailable(err: unknown): boolean {
  if (!(err instanceof Error) || !('code' in err)) return false;
  const code = String((err as { code: unknown }).code);
  return (
    /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/.test(code) ||
    /^53/.test(code) ||
    code === '57P03' ||
    code === '25006' ||
    code === 'ECONNREFUSED'
  );
}
