import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listMigrations, MigrationError, resolveMigrationsDir } from '../../src/db/migrations';
import { openDatabase } from '../../src/db/open';
import type { Database } from '../../src/db/ports';
import { createTestDatabase, dropTestDatabase, ENGINE, onSqlite } from '../helpers/engine';

/** Migrations on the project's engine: each applied once, in order; a broken one rolled back whole and named. */

async function tempDb(): Promise<{ db: Database; done(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-mig-'));
  const url = onSqlite ? undefined : await createTestDatabase();
  const db = openDatabase({ databaseUrl: url, dataDir: dir, poolSize: 2, synchronous: 'FULL' });
  return {
    db,
    async done() {
      await db.close();
      if (url) await dropTestDatabase(url);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const tables = async (db: Database): Promise<string[]> =>
  (
    await db.all<{ name: string }>(
      onSqlite
        ? "SELECT name FROM sqlite_master WHERE type = 'table'"
        : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
    )
  ).map((t) => t.name);

describe(`migrations (${ENGINE})`, () => {
  it('migrates a fresh database and applies nothing on a second start', async () => {
    const { db, done } = await tempDb();
    const first = await db.migrate();
    expect(first.applied).toEqual(listMigrations(resolveMigrationsDir(ENGINE)).map((m) => m.name));
    expect(first.level).toBeGreaterThan(0);
    expect((await db.migrate()).applied).toEqual([]);
    if (onSqlite) {
      expect(await db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
    }
    await done();
  });

  it('rolls back a broken migration completely and names it', async () => {
    const { db, done } = await tempDb();
    const migDir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-migs-'));
    fs.writeFileSync(path.join(migDir, '001_ok.sql'), 'CREATE TABLE a (x INTEGER);');
    fs.writeFileSync(
      path.join(migDir, '002_broken.sql'),
      'CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);',
    );
    await expect(db.migrate(migDir)).rejects.toThrow(MigrationError);
    await expect(db.migrate(migDir)).rejects.toThrow(/002_broken\.sql/);
    expect(await tables(db)).toContain('a');
    expect(await tables(db)).not.toContain('b');
    expect(await db.all('SELECT name FROM schema_migrations')).toEqual([{ name: '001_ok.sql' }]);
    await done();
    fs.rmSync(migDir, { recursive: true });
  });

  it('applies each migration once when several instances migrate at the same moment', async () => {
    const { db, done } = await tempDb();
    const dir = resolveMigrationsDir(ENGINE);
    const results = await Promise.all([db.migrate(dir), db.migrate(dir), db.migrate(dir)]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(
      listMigrations(dir)
        .map((m) => m.name)
        .sort(),
    );
    await done();
  });
});
