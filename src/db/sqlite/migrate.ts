import fs from 'node:fs';
import path from 'node:path';
import { listMigrations, MigrationError, resolveMigrationsDir, type MigrationResult } from '../migrations';
import type { Db } from './open';

/** Applies each `NNN_name.sql` not yet recorded, in order, each in its own transaction. */
export function migrate(db: Db, dir: string = resolveMigrationsDir('sqlite')): MigrationResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: string[] = [];
  for (const file of listMigrations(dir)) {
    if (done.has(file.version)) continue;
    const sql = fs.readFileSync(path.join(dir, file.name), 'utf8');
    try {
      db.transaction(() => {
        db.exec(sql);
        record.run(file.version, file.name, new Date().toISOString());
      })();
    } catch (err) {
      throw new MigrationError(
        `Migration ${file.name} failed and was rolled back: ${(err as Error).message}`,
      );
    }
    applied.push(file.name);
  }
  return { applied, level: migrationLevel(db) };
}

export function migrationLevel(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
