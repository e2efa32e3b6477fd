import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { listMigrations, resolveMigrationsDir } from '../db/migrations';
import type { Engine } from '../db/ports';
import {
  findPgTool,
  inspectPostgres,
  pgConnection,
  runPgTool,
  stderrTail,
  type PgTool,
  type ToolResult,
} from '../db/postgres/backup';
import { migrationLevel } from '../db/sqlite/migrate';

export class BackupError extends Error {}

export interface BackupCheck {
  file: string;
  bytes: number;
  migrationLevel: number;
  users: number;
}

/** The newest migration this version has for the engine. */
export function knownMigrationLevel(engine: Engine): number {
  return listMigrations(resolveMigrationsDir(engine)).at(-1)?.version ?? 0;
}

function assertKnownLevel(file: string, level: number, engine: Engine): void {
  const known = knownMigrationLevel(engine);
  if (level > known)
    throw new BackupError(
      `${file} was made by a newer Packway (migration ${level}; this version knows up to ${known})`,
    );
}

/** Opens a copy read-only and checks it is a whole Packway database this version can run. */
export function checkBackup(file: string): BackupCheck {
  if (!fs.existsSync(file)) throw new BackupError(`No such file: ${file}`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupError(`${file} is not an SQLite database: ${(err as Error).message}`);
  }
  try {
    let integrity: unknown;
    try {
      integrity = db.pragma('integrity_check', { simple: true });
    } catch (err) {
      throw new BackupError(`${file} is not an SQLite database: ${(err as Error).message}`);
    }
    if (integrity !== 'ok') throw new BackupError(`${file} failed the integrity check: ${String(integrity)}`);
    let level: number;
    try {
      level = migrationLevel(db);
    } catch {
      throw new BackupError(`${file} is not a Packway database (it has no migration table)`);
    }
    assertKnownLevel(file, level, 'sqlite');
    const users = (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
    return { file, bytes: fs.statSync(file).size, migrationLevel: level, users };
  } finally {
    db.close();
  }
}

/**
 * A consistent copy of the live database while the app keeps serving (SQLite's online backup API),
 * written beside the target and renamed into place only once it checks out.
 */
export async function backupDatabase(dbFile: string, target: string): Promise<BackupCheck> {
  if (!fs.existsSync(dbFile)) throw new BackupError(`No database at ${dbFile}`);
  if (fs.existsSync(target)) throw new BackupError(`${target} already exists: choose a new file name`);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const partial = `${target}.partial`;
  const source = new Database(dbFile, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(partial);
  } finally {
    source.close();
  }
  try {
    checkBackup(partial);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  }
  fs.renameSync(partial, target);
  return checkBackup(target);
}

/** Restores a checked backup into a DATA_DIR that holds no database yet. The app migrates it forward on start. */
export function restoreDatabase(backup: string, dbFile: string): BackupCheck {
  const check = checkBackup(backup);
  for (const existing of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) {
    if (fs.existsSync(existing))
      throw new BackupError(
        `${existing} already exists: restore only into an empty DATA_DIR (move the old database away first)`,
      );
  }
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const partial = `${dbFile}.restoring`;
  fs.copyFileSync(backup, partial);
  fs.renameSync(partial, dbFile);
  return check;
}

// PostgreSQL: pg_dump's custom format, checked with pg_restore, restored in one transaction.

export interface PostgresBackupOptions {
  /** The folder holding pg_dump and pg_restore (setting PG_BIN); else PATH, else /usr/lib/postgresql/N/bin. */
  pgBin?: string;
}

function pgTool(tool: PgTool, options: PostgresBackupOptions): string {
  const exe = findPgTool(tool, options.pgBin);
  if (exe) return exe;
  const where = options.pgBin ? `in PG_BIN (${options.pgBin})` : 'on PATH or in /usr/lib/postgresql/*/bin';
  throw new BackupError(
    `${tool} not found ${where}: install the PostgreSQL client programs (e.g. apt-get install postgresql-client,` +
      ` the server's major version or newer) or set PG_BIN to the folder that holds ${tool}`,
  );
}

async function run(
  exe: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): Promise<ToolResult> {
  try {
    return await runPgTool(exe, args, env, onLine);
  } catch (err) {
    throw new BackupError(`could not run ${exe}: ${(err as Error).message}`);
  }
}

/** Rows of one table's data in a dump, as `pg_restore --data-only` prints them (COPY … FROM stdin; rows; `\.`). */
async function dumpRows(
  exe: string,
  file: string,
  table: string,
  onRow: (columns: string[]) => void,
): Promise<void> {
  let inCopy = false;
  const copyStart = new RegExp(`^COPY (\\S+\\.)?"?${table}"? `);
  const result = await run(
    exe,
    ['--data-only', `--table=${table}`, '--file=-', file],
    process.env,
    (line) => {
      if (inCopy) {
        if (line === '\\.') inCopy = false;
        else onRow(line.split('\t'));
      } else if (copyStart.test(line)) inCopy = true;
    },
  );
  if (result.code !== 0)
    throw new BackupError(`pg_restore could not read ${table} from ${file}:\n${stderrTail(result.stderr)}`);
}

/**
 * Checks a dump without restoring it: a pg_dump custom-format archive whose contents list the migration table, made
 * by this version or an older one. Reads its migration level and user count from the archive itself.
 */
export async function checkPostgresBackup(
  file: string,
  options: PostgresBackupOptions = {},
): Promise<BackupCheck> {
  if (!fs.existsSync(file)) throw new BackupError(`No such file: ${file}`);
  const exe = pgTool('pg_restore', options);
  const list = await run(exe, ['--list', file], process.env);
  if (list.code !== 0)
    throw new BackupError(
      `${file} is not a PostgreSQL custom-format dump (make one with npm run backup):\n${stderrTail(list.stderr)}`,
    );
  const hasTable = (name: string) => new RegExp(`^\\d+; [\\d ]+ TABLE \\S+ ${name} `, 'm').test(list.stdout);
  if (!hasTable('schema_migrations') || !hasTable('users'))
    throw new BackupError(`${file} is not a Packway database dump (it has no migration table)`);
  let level = 0;
  await dumpRows(exe, file, 'schema_migrations', ([version]) => {
    level = Math.max(level, Number.parseInt(version, 10) || 0);
  });
  assertKnownLevel(file, level, 'postgres');
  let users = 0;
  await dumpRows(exe, file, 'users', () => users++);
  return { file, bytes: fs.statSync(file).size, migrationLevel: level, users };
}

/**
 * A consistent copy of a live PostgreSQL database (pg_dump reads one snapshot while the app keeps writing), written
 * beside the target and renamed into place only once pg_restore reads it back and it checks out.
 */
export async function backupPostgres(
  databaseUrl: string,
  target: string,
  options: PostgresBackupOptions = {},
): Promise<BackupCheck> {
  if (fs.existsSync(target)) throw new BackupError(`${target} already exists: choose a new file name`);
  const pgDump = pgTool('pg_dump', options);
  pgTool('pg_restore', options);
  const conn = pgConnection(databaseUrl);
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const partial = `${target}.partial`;
  try {
    const dump = await run(
      pgDump,
      [
        '--format=custom',
        '--no-owner',
        '--no-privileges',
        '--no-password',
        `--file=${partial}`,
        `--dbname=${conn.dbname}`,
      ],
      conn.env,
    );
    if (dump.code !== 0)
      throw new BackupError(
        `pg_dump of ${conn.display} failed (exit ${dump.code}):\n${stderrTail(dump.stderr, conn.password)}`,
      );
    const check = await checkPostgresBackup(partial, options);
    fs.renameSync(partial, target);
    return { ...check, file: target };
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

/**
 * Restores a checked dump into the database at `databaseUrl`, replacing the tables it holds, in one transaction
 * (on any error nothing changes). Refuses a database already at a newer migration than the dump: dropping only the
 * dump's tables would leave the newer ones behind. The app migrates the restored database forward on start.
 */
export async function restorePostgres(
  backup: string,
  databaseUrl: string,
  options: PostgresBackupOptions = {},
): Promise<BackupCheck> {
  const check = await checkPostgresBackup(backup, options);
  const pgRestore = pgTool('pg_restore', options);
  const conn = pgConnection(databaseUrl);
  const inspect = async () => {
    try {
      return await inspectPostgres(databaseUrl);
    } catch (err) {
      throw new BackupError(`cannot read ${conn.display}: ${(err as Error).message}`);
    }
  };
  const before = await inspect();
  if (before && before.migrationLevel > check.migrationLevel)
    throw new BackupError(
      `${conn.display} is at migration ${before.migrationLevel}, newer than the backup's ${check.migrationLevel}:` +
        ' restore into an empty database instead (dropdb, createdb, then restore)',
    );
  const restore = await run(
    pgRestore,
    [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-privileges',
      '--single-transaction',
      '--exit-on-error',
      '--no-password',
      `--dbname=${conn.dbname}`,
      backup,
    ],
    conn.env,
  );
  if (restore.code !== 0)
    throw new BackupError(
      `pg_restore into ${conn.display} failed (exit ${restore.code}); it ran in one transaction, so nothing changed:\n` +
        stderrTail(restore.stderr, conn.password),
    );
  const after = await inspect();
  if (!after || after.migrationLevel !== check.migrationLevel)
    throw new BackupError(
      `after the restore ${conn.display} is at migration ${after?.migrationLevel ?? 'none'}, not the backup's ${check.migrationLevel}`,
    );
  return { ...check, users: after.users };
}

/** The database URL as shown to people: no password. */
export function displayDatabaseUrl(databaseUrl: string): string {
  return pgConnection(databaseUrl).display;
}
