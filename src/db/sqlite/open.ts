import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export type Db = BetterSqlite3.Database;

export type Synchronous = 'FULL' | 'NORMAL';

/**
 * Opens the file with the pragmas the app relies on.
 * synchronous=FULL (the default): with WAL every committed transaction is fsynced before the response is sent,
 * so neither a SIGKILL nor a power cut loses an answered write. NORMAL (DB_SYNCHRONOUS=normal) still survives a
 * crash of the app and never corrupts the file, but a power cut may roll back the last commits. Group commit
 * (group-commit.ts) shares one fsync among concurrent writes, so FULL costs little.
 */
export function openSqliteFile(file: string, synchronous: Synchronous = 'FULL'): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32000');
  return db;
}
