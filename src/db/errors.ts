import { Conflict, Unavailable } from '../shared/errors';

/** What node-postgres says when the server or the pool is gone (such errors carry no code). */
const CONNECTION_LOST =
  /Connection terminated|Cannot use a pool after calling end|ECONNREFUSED|ECONNRESET|timeout exceeded when trying to connect/i;

const CANNOT_SAVE =
  'The service cannot save data right now. Nothing you saved before is lost. Try again in a few minutes.';

/** A write lost a race with another one for the same unique value (on another instance, or a moment earlier). */
export class UniqueViolation extends Conflict {
  constructor(override readonly cause: unknown) {
    super('That was changed by someone else at the same moment. Check it and try again.');
  }
}

/** The database cannot take writes now (disk full, read-only, connection lost): 503, never 500. */
export class StorageUnavailable extends Unavailable {
  constructor(override readonly cause: unknown) {
    super(CANNOT_SAVE);
  }
}

const SQLITE_UNAVAILABLE = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|NOMEM)/;
const SQLITE_UNIQUE = /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/;

/** better-sqlite3's errors as the typed errors every engine raises. */
export function fromSqliteError(err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  // a request still running while the process stops, after the connection was closed
  if ((err as { message?: unknown })?.message === 'The database connection is not open')
    return new StorageUnavailable(err);
  if (typeof code !== 'string') return err;
  if (SQLITE_UNIQUE.test(code)) return new UniqueViolation(err);
  if (SQLITE_UNAVAILABLE.test(code)) return new StorageUnavailable(err);
  return err;
}

/**
 * node-postgres's errors as the same typed errors. SQLSTATE classes: 08 connection, 53 insufficient resources,
 * 57 operator intervention (shutdown), 25006 read-only transaction; 23505 unique violation.
 */
export function fromPostgresError(err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') {
    const message = err instanceof Error ? err.message : '';
    return CONNECTION_LOST.test(message) ? new StorageUnavailable(err) : err;
  }
  if (code === '23505') return new UniqueViolation(err);
  if (/^(08|53|57)/.test(code) || code === '25006' || code === 'ECONNREFUSED' || code === 'ECONNRESET')
    return new StorageUnavailable(err);
  return err;
}
