import path from 'node:path';
import type { Database } from './ports';
import { createPostgresDatabase } from './postgres/database';
import { createSqliteDatabase } from './sqlite/database';
import type { Synchronous } from './sqlite/open';

export interface DatabaseSettings {
  /** `postgres://…` for PostgreSQL; unset for the SQLite file in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  poolSize: number;
  synchronous: Synchronous;
  onIdleError?: (err: Error) => void;
}

/** The SQLite file kept in DATA_DIR when no DATABASE_URL is set. */
export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'packway.db');
}

/** Opens the engine the settings name: PostgreSQL for a `postgres://` URL, otherwise the embedded SQLite file. */
export function openDatabase(settings: DatabaseSettings): Database {
  return settings.databaseUrl
    ? createPostgresDatabase({
        url: settings.databaseUrl,
        poolSize: settings.poolSize,
        onIdleError: settings.onIdleError,
      })
    : createSqliteDatabase(sqliteFile(settings.dataDir), settings.synchronous);
}
