import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/db/sqlite/open';
import { migrate, listMigrations, MigrationError } from '../../src/db/sqlite/migrate';

const realDir = path.join(__dirname, '..', '..', 'migrations');

function tempDb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-mig-'));
  return { dir, db: openDatabase(path.join(dir, 'packway.db')) };
}

describe('migrations', () => {
  it('migrates a fresh database and applies nothing on a second start', () => {
    const { dir, db } = tempDb();
    const first = migrate(db, realDir);
    expect(first.applied).toEqual(listMigrations(realDir).map((m) => m.name));
    expect(first.level).toBeGreaterThan(0);
    const second = migrate(db, realDir);
    expect(second.applied).toEqual([]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
    fs.rmSync(dir, { recursive: true });
  });

  it('rolls back a broken migration completely and names it', () => {
    const { dir, db } = tempDb();
    const migDir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-migs-'));
    fs.writeFileSync(path.join(migDir, '001_ok.sql'), 'CREATE TABLE a (x INTEGER);');
    fs.writeFileSync(
      path.join(migDir, '002_broken.sql'),
      'CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);',
    );
    expect(() => migrate(db, migDir)).toThrow(MigrationError);
    expect(() => migrate(db, migDir)).toThrow(/002_broken\.sql/);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    expect(tables).toContain('a');
    expect(tables).not.toContain('b');
    const recorded = db.prepare('SELECT name FROM schema_migrations').all();
    expect(recorded).toEqual([{ name: '001_ok.sql' }]);
    db.close();
    fs.rmSync(dir, { recursive: true });
    fs.rmSync(migDir, { recursive: true });
  });
});
