import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { listMigrations, migrationLevel } from '../db/sqlite/migrate';

export class BackupError extends Error {}

export interface BackupCheck {
  file: string;
  bytes: number;
  migrationLevel: number;
  users: number;
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
    const known = listMigrations().at(-1)?.version ?? 0;
    if (level > known)
      throw new BackupError(
        `${file} was made by a newer Packway (migration ${level}; this version knows up to ${known})`,
      );
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
