import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Database, Params, PoolStats, RunResult } from '../ports';
import { fromPostgresError } from '../errors';
import { createTxContext } from '../tx-context';
import { listMigrations, MigrationError, resolveMigrationsDir, type MigrationResult } from '../migrations';
import { toPgStatement, type PgStatement } from './placeholders';

interface PgTx {
  client: pg.PoolClient;
  open: boolean;
  savepoints: number;
}

export interface PostgresOptions {
  url: string;
  poolSize: number;
  /** Called with errors of idle connections (a restarted server), which would otherwise end the process. */
  onIdleError?: (err: Error) => void;
}

/** Any key unique to Packway: migrations take this advisory lock so instances starting together apply each once. */
const MIGRATION_LOCK = 7_310_425_117;

/** Counts and ids arrive as BIGINT or NUMERIC text; they stay well inside JavaScript's exact integers. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC)
      return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

function bindable(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value === undefined ? null : value;
}

/** The URL with its password hidden, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unreadable URL)';
  }
}

/**
 * PostgreSQL behind the async port: a node-postgres pool; each statement is prepared once per connection under a
 * name kept by its text; a transaction holds one pooled connection from BEGIN to COMMIT.
 */
export function createPostgresDatabase(options: PostgresOptions): Database & { pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'packway',
    types,
  });
  pool.on('error', (err) => options.onIdleError?.(err));
  const context = createTxContext<PgTx>();
  const statements = new Map<string, PgStatement & { name: string }>();

  const statementFor = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = { ...toPgStatement(sql), name: `p${statements.size + 1}` };
      statements.set(sql, statement);
    }
    return statement;
  };

  async function query<T>(sql: string, params?: Params): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
    const statement = statementFor(sql);
    const values = statement.names
      ? statement.names.map((name) => {
          const source = (params ?? {}) as Record<string, unknown>;
          if (!(name in source)) throw new Error(`missing named parameter @${name}`);
          return bindable(source[name]);
        })
      : ((params as unknown[] | undefined) ?? []).map(bindable);
    const tx = context.current();
    const runner = tx ? tx.client : pool;
    try {
      return await runner.query<T & pg.QueryResultRow>({
        name: statement.name,
        text: statement.text,
        values,
      });
    } catch (err) {
      throw fromPostgresError(err);
    }
  }

  async function savepoint<T>(tx: PgTx, work: () => Promise<T>): Promise<T> {
    const name = `sp${++tx.savepoints}`;
    await tx.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await work();
      await tx.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      await tx.client.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
      throw fromPostgresError(err);
    }
  }

  async function transaction<T>(work: () => Promise<T>): Promise<T> {
    const current = context.current();
    if (current) return savepoint(current, work);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw fromPostgresError(err);
    }
    const tx: PgTx = { client, open: true, savepoints: 0 };
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await context.run(tx, work);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw fromPostgresError(err);
    } finally {
      tx.open = false;
      client.release(broken);
    }
  }

  async function migrate(dir: string = resolveMigrationsDir('postgres')): Promise<MigrationResult> {
    const applied: string[] = [];
    const client = await pool.connect();
    try {
      for (const file of listMigrations(dir)) {
        if (await applyOnce(client, dir, file)) applied.push(file.name);
      }
    } finally {
      client.release();
    }
    return { applied, level: await migrationLevel() };
  }

  async function migrationLevel(): Promise<number> {
    const row = (await pool.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations'))
      .rows[0];
    return row?.v ?? 0;
  }

  return {
    engine: 'postgres',
    pool,
    location: `PostgreSQL ${redactUrl(options.url)}`,
    all: async <T>(sql: string, params?: Params) => (await query<T>(sql, params)).rows,
    get: async <T>(sql: string, params?: Params) => (await query<T>(sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params?: Params): Promise<RunResult> => ({
      changes: (await query(sql, params)).rowCount ?? 0,
    }),
    transaction,
    // PostgreSQL shares WAL flushes between concurrent commits itself: each write is its own transaction.
    grouped: transaction,
    async exec(script: string) {
      const tx = context.current();
      try {
        await (tx ? tx.client : pool).query(script);
      } catch (err) {
        throw fromPostgresError(err);
      }
    },
    async ping() {
      try {
        await pool.query('SELECT 1');
      } catch (err) {
        throw fromPostgresError(err);
      }
    },
    stats: (): PoolStats => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: options.poolSize,
    }),
    migrate,
    migrationLevel,
    close: () => pool.end(),
  };
}

/** One migration in its own transaction, under the advisory lock; false when another instance applied it first. */
async function applyOnce(
  client: pg.PoolClient,
  dir: string,
  file: { version: number; name: string },
): Promise<boolean> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [file.version]);
    if (done.rowCount) {
      await client.query('COMMIT');
      return false;
    }
    await client.query(fs.readFileSync(path.join(dir, file.name), 'utf8'));
    await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
      file.version,
      file.name,
      new Date().toISOString(),
    ]);
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(`Migration ${file.name} failed and was rolled back: ${(err as Error).message}`);
  }
}
