import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { listMigrations, resolveMigrationsDir } from '../../src/db/migrations';
import { createPostgresDatabase } from '../../src/db/postgres/database';
import { findPgTool, pgConnection } from '../../src/db/postgres/backup';
import {
  BackupError,
  backupPostgres,
  checkPostgresBackup,
  displayDatabaseUrl,
  restorePostgres,
} from '../../src/ops/backup';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findPgBin, startCluster } = require('../helpers/pg-cluster.js') as {
  findPgBin: () => string | null;
  startCluster: () => Promise<{ url: string; host: string; port: number; bin: string; stop: () => void }>;
};

const pgBin = findPgBin();
if (!pgBin) console.warn('backup-postgres.test.ts skipped: no PostgreSQL (initdb/pg_ctl) found; set PG_BIN');
const describePg = pgBin ? describe : describe.skip;

describePg('PostgreSQL backup and restore', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let url: string;
  let dir: string;
  const lastMigration = listMigrations(resolveMigrationsDir('postgres')).at(-1)!.version;
  const options = () => ({ pgBin: pgBin! });

  beforeAll(async () => {
    cluster = await startCluster();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-pg-backup-'));
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE backup_test');
    } finally {
      await admin.end();
    }
    url = cluster.url.replace(/\/postgres$/, '/backup_test');
    const db = createPostgresDatabase({ url, poolSize: 2 });
    try {
      await db.migrate();
      await db.run(
        `INSERT INTO users (email, email_norm, name, role, password_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        ['Ada@example.org', 'ada@example.org', 'Ada', 'admin', 'x', new Date().toISOString()],
      );
    } finally {
      await db.close();
    }
  });

  afterAll(() => {
    cluster?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('backs up a live database, and restores it after a row was deleted', async () => {
    const file = path.join(dir, 'backups', 'packway.dump');
    const backup = await backupPostgres(url, file, options());
    expect(backup).toEqual({
      file,
      bytes: fs.statSync(file).size,
      migrationLevel: lastMigration,
      users: 1,
    });
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    await expect(checkPostgresBackup(file, options())).resolves.toMatchObject({ users: 1 });
    await expect(backupPostgres(url, file, options())).rejects.toThrow(/already exists/);

    await query("DELETE FROM users WHERE email_norm = 'ada@example.org'");
    expect(await query('SELECT id FROM users')).toHaveLength(0);

    const restored = await restorePostgres(file, url, options());
    expect(restored).toMatchObject({ file, migrationLevel: lastMigration, users: 1 });
    expect(await query('SELECT email, name, role FROM users')).toEqual([
      { email: 'Ada@example.org', name: 'Ada', role: 'admin' },
    ]);
    const [{ v }] = await query<{ v: number }>('SELECT MAX(version) AS v FROM schema_migrations');
    expect(v).toBe(lastMigration);

    // restoring again over the restored database works too (--clean --if-exists)
    await expect(restorePostgres(file, url, options())).resolves.toMatchObject({ users: 1 });
  });

  it('refuses a file that is not a dump, and changes nothing', async () => {
    const junk = path.join(dir, 'junk.dump');
    fs.writeFileSync(junk, 'not a dump at all, just text');
    const failure = restorePostgres(junk, url, options());
    await expect(failure).rejects.toBeInstanceOf(BackupError);
    await expect(restorePostgres(junk, url, options())).rejects.toThrow(
      /is not a PostgreSQL custom-format dump/,
    );
    await expect(restorePostgres(path.join(dir, 'missing.dump'), url, options())).rejects.toThrow(
      /No such file/,
    );
    expect(await query('SELECT id FROM users')).toHaveLength(1);
  });

  it('refuses a dump of a database that is not Packway', async () => {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE other');
    } finally {
      await admin.end();
    }
    const other = cluster.url.replace(/\/postgres$/, '/other');
    const client = new pg.Client({ connectionString: other });
    await client.connect();
    try {
      await client.query('CREATE TABLE t (x INTEGER)');
    } finally {
      await client.end();
    }
    const file = path.join(dir, 'other.dump');
    await expect(backupPostgres(other, file, options())).rejects.toThrow(/not a Packway database dump/);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
  });

  it('refuses a database made by a newer Packway', async () => {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE newer TEMPLATE backup_test');
    } finally {
      await admin.end();
    }
    const newer = cluster.url.replace(/\/postgres$/, '/newer');
    const client = new pg.Client({ connectionString: newer });
    await client.connect();
    try {
      await client.query(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999_future.sql', 'now')",
      );
    } finally {
      await client.end();
    }
    await expect(backupPostgres(newer, path.join(dir, 'newer.dump'), options())).rejects.toThrow(
      new RegExp(`made by a newer Packway \\(migration 999; this version knows up to ${lastMigration}\\)`),
    );
  });

  it('says which program is missing and how to get it', async () => {
    const empty = fs.mkdtempSync(path.join(dir, 'empty-bin-'));
    expect(findPgTool('pg_dump', empty)).toBeNull();
    expect(findPgTool('pg_dump', undefined, empty)).not.toBeNull(); // falls back to /usr/lib/postgresql/N/bin
    const failure = backupPostgres(url, path.join(dir, 'never.dump'), { pgBin: empty });
    await expect(failure).rejects.toBeInstanceOf(BackupError);
    await expect(backupPostgres(url, path.join(dir, 'never.dump'), { pgBin: empty })).rejects.toThrow(
      /pg_dump not found in PG_BIN .*postgresql-client/,
    );
    await expect(restorePostgres(path.join(dir, 'junk.dump'), url, { pgBin: empty })).rejects.toThrow(
      /pg_restore not found in PG_BIN/,
    );
  });

  it('reports pg_dump failures with its error output and never the password', async () => {
    const withPassword = url.replace('postgres@', 'postgres:s3cret-pw@').replace('/backup_test', '/nosuchdb');
    const conn = pgConnection(withPassword);
    expect(conn.dbname).not.toContain('s3cret');
    expect(conn.env.PGPASSWORD).toBe('s3cret-pw');
    expect(displayDatabaseUrl(withPassword)).toBe(
      `postgres://postgres@${cluster.host}:${cluster.port}/nosuchdb`,
    );
    const err = (await backupPostgres(withPassword, path.join(dir, 'fail.dump'), options()).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err).toBeInstanceOf(BackupError);
    expect(err.message).toMatch(/pg_dump of .* failed \(exit \d+\):\n.*nosuchdb/s);
    expect(err.message).not.toContain('s3cret');
  });
});
