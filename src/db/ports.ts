/**
 * What the rest of the code needs of a database, whatever the engine.
 *
 * Repositories hold SQL written once for both engines, with `?` or `@name` placeholders; where the engines differ they
 * pick a statement by `engine`. Statements run on the transaction of the unit of work they are called inside (carried
 * by async context), so repositories never pass a connection around.
 */
import type { MigrationResult } from './migrations';

export type Engine = 'sqlite' | 'postgres';

/** Positional (`?`) or named (`@name`) parameters. Booleans are stored as 1/0 and dates as ISO-8601 text. */
export type Params = readonly unknown[] | Readonly<Record<string, unknown>>;

export interface RunResult {
  /** Rows changed by the statement. */
  changes: number;
}

/** Runs statements. */
export interface Sql {
  readonly engine: Engine;
  all<T>(sql: string, params?: Params): Promise<T[]>;
  get<T>(sql: string, params?: Params): Promise<T | undefined>;
  run(sql: string, params?: Params): Promise<RunResult>;
}

export interface PoolStats {
  /** Connections open. */
  total: number;
  /** Connections open and not in use. */
  idle: number;
  /** Requests waiting for a connection (or, on SQLite, for the write lock). */
  waiting: number;
  max: number;
}

/** A database: statements, transactions and what operations need to know. */
export interface Database extends Sql {
  /** Runs `work` in one transaction; a call inside another joins it as a savepoint. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Like `transaction`, but may share the commit with other writes arriving at the same moment (group commit): one
   * flush for many writes, each in its own savepoint. Settles only after the commit.
   */
  grouped<T>(work: () => Promise<T>): Promise<T>;
  /** Runs a script of several statements (migrations, tests). */
  exec(script: string): Promise<void>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  stats(): PoolStats;
  /** Applies the engine's migrations not yet applied (from `dir`, or the built-in ones), each once across instances. */
  migrate(dir?: string): Promise<MigrationResult>;
  /** The highest migration applied. */
  migrationLevel(): Promise<number>;
  /** Which engine and where, without any password. */
  readonly location: string;
  close(): Promise<void>;
}

/**
 * What services need of the database: a unit of work. Everything inside one `run` commits together or not at all.
 * A unit of work contains database calls only: no network, no timers (on SQLite it holds the one write lock).
 */
export interface UnitOfWork {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** A unit of work that may share its commit with concurrent ones (see `Database.grouped`). */
  runGrouped<T>(work: () => Promise<T>): Promise<T>;
}

export function createUnitOfWork(db: Database): UnitOfWork {
  return { run: (work) => db.transaction(work), runGrouped: (work) => db.grouped(work) };
}
