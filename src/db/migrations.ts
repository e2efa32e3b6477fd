import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from './ports';

export class MigrationError extends Error {}

export interface MigrationResult {
  applied: string[];
  level: number;
}

/** `NNN_name.sql` files in a folder, in order of their numbers. */
export function listMigrations(dir: string): { version: number; name: string }[] {
  return fs
    .readdirSync(dir)
    .filter((n) => /^\d+_.+\.sql$/.test(n))
    .map((name) => ({ version: Number.parseInt(name, 10), name }))
    .sort((a, b) => a.version - b.version);
}

/** `migrations/<engine>/`, from src/ (ts-jest) and from dist/src/ (built). */
export function resolveMigrationsDir(engine: Engine): string {
  for (const up of [
    ['..', '..'],
    ['..', '..', '..'],
  ]) {
    const candidate = path.join(__dirname, ...up, 'migrations', engine);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new MigrationError(`migrations/${engine}/ folder not found`);
}
