import type BetterSqlite3 from 'better-sqlite3';
import type { Database, Params, RunResult } from '../ports';
import { fromSqliteError } from '../errors';
import { createTxContext } from '../tx-context';
import { createGroupCommit } from './group-commit';
import { createFifoLock } from './lock';
import { migrate, migrationLevel } from './migrate';
import { openSqliteFile, type Db, type Synchronous } from './open';

/** The transaction a piece of async work runs inside; `open` turns false at commit, for work that outlives it. */
export interface SqliteTx {
  open: boolean;
  savepoints: number;
}

/** better-sqlite3 takes numbers, strings, bigints, buffers and null: booleans and dates are stored as 1/0 and text. */
function bindable(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value === undefined ? null : value;
}

function bind(params: Params | undefined): unknown[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return (params as unknown[]).map(bindable);
  const named: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) named[key] = bindable(value);
  return [named];
}

/**
 * SQLite behind the async port. One connection; statements prepared once and cached by their text. A transaction
 * holds a first-in, first-out lock from BEGIN IMMEDIATE to COMMIT, so no other request's statement runs inside it;
 * a statement outside any transaction runs at once when the lock is free (better-sqlite3 is synchronous, so it
 * cannot interleave) and waits its turn otherwise.
 */
export function createSqliteDatabase(
  file: string,
  synchronous: Synchronous = 'FULL',
): Database & { raw: Db } {
  const raw = openSqliteFile(file, synchronous);
  const statements = new Map<string, BetterSqlite3.Statement>();
  const context = createTxContext<SqliteTx>();
  const lock = createFifoLock();

  const prepare = (sql: string): BetterSqlite3.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = raw.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };

  const attempt = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(fromSqliteError(err));
    }
  };

  /** Runs now inside our own transaction or when no one holds the lock; otherwise after those ahead of it. */
  const execute = <T>(fn: () => T): Promise<T> => {
    if (context.current() || !lock.held) return attempt(fn);
    return lock.acquire().then(() => {
      try {
        return attempt(fn);
      } finally {
        lock.release();
      }
    });
  };

  async function savepoint<T>(tx: SqliteTx, work: () => Promise<T>): Promise<T> {
    const name = `sp${++tx.savepoints}`;
    raw.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      raw.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      if (raw.inTransaction) raw.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw fromSqliteError(err);
    }
  }

  /** BEGIN IMMEDIATE … COMMIT around `body`, with the lock held; rolled back if anything in it throws. */
  async function withTransaction<T>(body: (tx: SqliteTx) => Promise<T>): Promise<T> {
    await lock.acquire();
    const tx: SqliteTx = { open: true, savepoints: 0 };
    try {
      raw.exec('BEGIN IMMEDIATE');
      const result = await context.run(tx, () => body(tx));
      raw.exec('COMMIT');
      return result;
    } catch (err) {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      throw fromSqliteError(err);
    } finally {
      tx.open = false;
      lock.release();
    }
  }

  const commits = createGroupCommit(withTransaction, savepoint, () => raw.inTransaction);

  return {
    engine: 'sqlite',
    raw,
    location: `SQLite file ${file}`,
    all: <T>(sql: string, params?: Params) => execute(() => prepare(sql).all(...bind(params)) as T[]),
    get: <T>(sql: string, params?: Params) =>
      execute(() => prepare(sql).get(...bind(params)) as T | undefined),
    run: (sql: string, params?: Params) =>
      execute((): RunResult => ({ changes: prepare(sql).run(...bind(params)).changes })),
    transaction<T>(work: () => Promise<T>): Promise<T> {
      const current = context.current();
      return current ? savepoint(current, work) : withTransaction(() => work());
    },
    grouped<T>(work: () => Promise<T>): Promise<T> {
      const current = context.current();
      return current ? savepoint(current, work) : commits.write(work);
    },
    exec: (script: string) => execute(() => void raw.exec(script)),
    migrate: (dir?: string) => execute(() => migrate(raw, dir)),
    migrationLevel: () => execute(() => migrationLevel(raw)),
    ping: () => execute(() => void raw.prepare('SELECT 1').get()),
    stats: () => ({ total: 1, idle: lock.held ? 0 : 1, waiting: lock.waiting, max: 1 }),
    async close() {
      await lock.acquire();
      raw.pragma('wal_checkpoint(TRUNCATE)'); // a clean stop leaves the whole database in the one file
      raw.close();
      lock.release();
    },
  };
}
