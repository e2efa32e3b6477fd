import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './open';

export const MIGRATIONS_DIR = path.join(__dirname, '..', '..', '..', '..', 'migrations');

export class MigrationError extends Error {}

export interface MigrationResult {
  applied: string[];
  level: number;
}

/** Applies each `NNN_name.sql` not yet recorded, in order, each in its own transaction. */
export function migrate(db: Db, dir: string = resolveMigrationsDir()): MigrationResult {
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

export function listMigrations(dir: string = resolveMigrationsDir()): { version: number; name: string }[] {
  return fs
    .readdirSync(dir)
    .filter((n) => /^\d+_.+\.sql$/.test(n))
    .map((name) => ({ version: Number.parseInt(name, 10), name }))
    .sort((a, b) => a.version - b.version);
}

/** Works from src/ (ts-jest) and from dist/src/ (built). */
function resolveMigrationsDir(): string {
  for (const candidate of [path.join(__dirname, '..', '..', '..', 'migrations'), MIGRATIONS_DIR]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new MigrationError('migrations/ folder not found');
}
