// The PostgreSQL migrations must build the same schema as the SQLite ones: tables, columns (name, NOT NULL), primary
// keys, unique constraints, foreign keys, indexes and triggers. Only the differences listed below are allowed.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findPgBin, startCluster } = require('../helpers/pg-cluster.js') as {
  findPgBin(): string | null;
  startCluster(): Promise<{ url: string; stop(): void }>;
};

/** Deliberate dialect differences, each with its reason. Everything else must match. */
const DIALECT_DIFFERENCES = {
  sqliteOnly: {
    // SQLite full-text search is an external-content FTS5 table kept in step by triggers (011_search).
    tables: ['users_fts'],
    triggers: ['users.users_fts_insert', 'users.users_fts_delete', 'users.users_fts_update'],
  },
  pgOnly: {
    // PostgreSQL full-text search is a generated tsvector column with a GIN index instead (011_search).
    columns: ['users.search'],
    // The xAPI forwarder reads events in commit order, (tx, id), only on PostgreSQL (013_xapi_commit_order); SQLite
    // commits in id order and leaves events.tx empty, so it needs no index there.
    indexes: ['users_search', 'events_tx'],
  },
  // COLLATE NOCASE indexes become expression indexes on lower(col) in PostgreSQL: compared by name and column, with
  // "lower(col)" on the PostgreSQL side read as "col". (None in the schema today; kept so one added later compares.)
  lowerExpressionIndexes: true,
};

type Column = { name: string; notNull: boolean };
type ForeignKey = { column: string; references: string; onDelete: string };
type Index = { name: string; columns: string[] };
type Table = {
  columns: Column[];
  primaryKey: string[];
  unique: string[][];
  foreignKeys: ForeignKey[];
  indexes: Index[];
  triggers: string[];
};
type Schema = Record<string, Table>;

const root = path.join(__dirname, '..', '..', 'migrations');
const migrationFiles = (engine: string) =>
  fs
    .readdirSync(path.join(root, engine))
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .sort()
    .map((f) => path.join(root, engine, f));

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortSets = (sets: string[][]) =>
  sets.map((s) => [...s].sort()).sort((a, b) => byString(a.join(), b.join()));

function normalise(schema: Schema): Schema {
  const out: Schema = {};
  for (const name of Object.keys(schema).sort()) {
    const t = schema[name];
    out[name] = {
      columns: [...t.columns].sort((a, b) => byString(a.name, b.name)),
      primaryKey: [...t.primaryKey], // order matters: it is the key's index
      unique: sortSets(t.unique),
      foreignKeys: [...t.foreignKeys].sort((a, b) => byString(a.column, b.column)),
      indexes: [...t.indexes].sort((a, b) => byString(a.name, b.name)),
      triggers: [...t.triggers].sort(),
    };
  }
  return out;
}

/** One line per fact, each naming its table, so a failing comparison reads as a plain list of differences. */
function lines(schema: Schema): string[] {
  const out: string[] = [];
  for (const [table, t] of Object.entries(schema)) {
    out.push(`${table}: table`);
    for (const c of t.columns) out.push(`${table}: column ${c.name}${c.notNull ? ' NOT NULL' : ''}`);
    out.push(`${table}: primary key (${t.primaryKey.join(', ')})`);
    for (const u of t.unique) out.push(`${table}: unique (${u.join(', ')})`);
    for (const f of t.foreignKeys)
      out.push(`${table}: foreign key ${f.column} -> ${f.references} ON DELETE ${f.onDelete}`);
    for (const i of t.indexes) out.push(`${table}: index ${i.name} (${i.columns.join(', ')})`);
    for (const g of t.triggers) out.push(`${table}: trigger ${g}`);
  }
  return out.sort();
}

function withoutDifferences(schema: Schema, engine: 'sqlite' | 'pg'): Schema {
  const copy: Schema = JSON.parse(JSON.stringify(schema));
  if (engine === 'sqlite') {
    for (const t of DIALECT_DIFFERENCES.sqliteOnly.tables) delete copy[t];
    for (const qualified of DIALECT_DIFFERENCES.sqliteOnly.triggers) {
      const [table, trigger] = qualified.split('.');
      if (copy[table]) copy[table].triggers = copy[table].triggers.filter((n) => n !== trigger);
    }
  } else {
    for (const qualified of DIALECT_DIFFERENCES.pgOnly.columns) {
      const [table, column] = qualified.split('.');
      if (copy[table]) copy[table].columns = copy[table].columns.filter((c) => c.name !== column);
    }
    for (const t of Object.values(copy))
      t.indexes = t.indexes.filter((i) => !DIALECT_DIFFERENCES.pgOnly.indexes.includes(i.name));
  }
  return copy;
}

function sqliteSchema(): Schema {
  const db = new Database(':memory:');
  try {
    db.pragma('foreign_keys = ON');
    for (const file of migrationFiles('sqlite')) db.exec(fs.readFileSync(file, 'utf8'));
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'users\\_fts\\_%' ESCAPE '\\'
         AND name <> 'schema_migrations'`,
      )
      .all() as { name: string }[];
    const schema: Schema = {};
    for (const { name } of tables) {
      const info = db.prepare('SELECT name, "notnull", pk FROM pragma_table_info(?)').all(name) as {
        name: string;
        notnull: number;
        pk: number;
      }[];
      const primaryKey = info
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      const columns = info.map((c) => ({
        name: c.name,
        // a PRIMARY KEY column is NOT NULL in PostgreSQL (and for INTEGER PRIMARY KEY / WITHOUT ROWID in SQLite too)
        notNull: c.notnull === 1 || primaryKey.includes(c.name),
      }));
      const indexList = db.prepare('SELECT name, "unique", origin FROM pragma_index_list(?)').all(name) as {
        name: string;
        unique: number;
        origin: string;
      }[];
      const unique: string[][] = [];
      const indexes: Index[] = [];
      for (const ix of indexList) {
        const cols = (
          db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(ix.name) as {
            name: string;
          }[]
        ).map((c) => c.name);
        if (ix.origin === 'pk') continue;
        if (ix.unique === 1) unique.push(cols);
        if (ix.origin === 'c') indexes.push({ name: ix.name, columns: cols });
      }
      const foreignKeys = (
        db.prepare('SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?)').all(name) as {
          from: string;
          table: string;
          to: string | null;
          on_delete: string;
        }[]
      ).map((f) => ({ column: f.from, references: `${f.table}(${f.to ?? 'id'})`, onDelete: f.on_delete }));
      const triggers = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?").all(name) as {
          name: string;
        }[]
      ).map((t) => t.name);
      schema[name] = { columns, primaryKey, unique, foreignKeys, indexes, triggers };
    }
    return normalise(schema);
  } finally {
    db.close();
  }
}

const PG_ON_DELETE: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

async function pgSchema(client: Client): Promise<Schema> {
  const q = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[];
  const tables = await q<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'`,
  );
  const schema: Schema = {};
  for (const { name } of tables) {
    const columns = (
      await q<{ name: string; is_nullable: string }>(
        `SELECT column_name AS name, is_nullable FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
        [name],
      )
    ).map((c) => ({ name: c.name, notNull: c.is_nullable === 'NO' }));
    // every index with its key columns; an expression key is reported as its text (pg_get_indexdef)
    const idx = await q<{
      name: string;
      unique: boolean;
      primary: boolean;
      constraint: boolean;
      columns: string[];
    }>(
      `SELECT ic.relname AS name, i.indisunique AS unique, i.indisprimary AS primary,
              EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u'))
                AS constraint,
              ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k
                    ORDER BY k) AS columns
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_class tc ON tc.oid = i.indrelid
       JOIN pg_namespace ns ON ns.oid = tc.relnamespace
       WHERE ns.nspname = 'public' AND tc.relname = $1`,
      [name],
    );
    const unlower = (c: string) => {
      const m = DIALECT_DIFFERENCES.lowerExpressionIndexes ? /^lower\(\(?([a-z_]+)\)?\)$/.exec(c) : null;
      return m ? m[1] : c;
    };
    const primaryKey = idx.find((i) => i.primary)?.columns ?? [];
    const unique = idx.filter((i) => i.unique && !i.primary).map((i) => i.columns.map(unlower));
    const indexes = idx
      .filter((i) => !i.constraint)
      .map((i) => ({ name: i.name, columns: i.columns.map(unlower) }));
    const foreignKeys = await q<ForeignKey>(
      `SELECT a.attname AS column, rt.relname || '(' || ra.attname || ')' AS references, con.confdeltype AS "onDelete"
       FROM pg_constraint con
       JOIN pg_class t ON t.oid = con.conrelid
       JOIN pg_namespace ns ON ns.oid = t.relnamespace
       JOIN pg_class rt ON rt.oid = con.confrelid
       JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
       JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1]
       WHERE con.contype = 'f' AND ns.nspname = 'public' AND t.relname = $1`,
      [name],
    );
    for (const f of foreignKeys) f.onDelete = PG_ON_DELETE[f.onDelete] ?? f.onDelete;
    const triggers = (
      await q<{ name: string }>(
        `SELECT tg.tgname AS name FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace
         WHERE NOT tg.tgisinternal AND ns.nspname = 'public' AND t.relname = $1`,
        [name],
      )
    ).map((t) => t.name);
    schema[name] = { columns, primaryKey, unique, foreignKeys, indexes, triggers };
  }
  return normalise(schema);
}

describe('SQLite schema', () => {
  it('builds from migrations/sqlite and has the jobs table', () => {
    const s = sqliteSchema();
    expect(Object.keys(s)).toContain('jobs');
    expect(s.jobs.indexes).toEqual([{ name: 'jobs_due', columns: ['run_at', 'id'] }]);
  });

  it('has one PostgreSQL migration for each SQLite migration, with the same name', () => {
    const names = (engine: string) => migrationFiles(engine).map((f) => path.basename(f));
    expect(names('postgres')).toEqual(names('sqlite'));
  });
});

const pgBin = findPgBin();
if (!pgBin) console.warn('PostgreSQL not found: schema comparison skipped');
const describePg = pgBin ? describe : describe.skip;

describePg('PostgreSQL schema', () => {
  let cluster: { url: string; stop(): void } | undefined;
  let client: Client;

  beforeAll(async () => {
    cluster = await startCluster();
    const admin = new Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('CREATE DATABASE packway_schema');
    await admin.end();
    client = new Client({ connectionString: cluster.url.replace(/\/postgres$/, '/packway_schema') });
    await client.connect();
    for (const file of migrationFiles('postgres')) {
      await client.query('BEGIN');
      try {
        await client.query(fs.readFileSync(file, 'utf8'));
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`${path.basename(file)}: ${(err as Error).message}`, { cause: err });
      }
    }
  }, 120_000);

  afterAll(async () => {
    await client?.end().catch(() => undefined);
    cluster?.stop();
  });

  it('matches the SQLite schema, apart from the listed dialect differences', async () => {
    const pg = withoutDifferences(await pgSchema(client), 'pg');
    const sqlite = withoutDifferences(sqliteSchema(), 'sqlite');
    expect(lines(pg)).toEqual(lines(sqlite)); // one readable diff of every difference
  });

  it('has the deliberate differences it claims (so the list cannot go stale)', async () => {
    const pg = await pgSchema(client);
    const sqlite = sqliteSchema();
    expect(Object.keys(sqlite)).toEqual(expect.arrayContaining(DIALECT_DIFFERENCES.sqliteOnly.tables));
    expect(pg.users.columns.map((c) => c.name)).toContain('search');
    expect(pg.users.indexes.map((i) => i.name)).toContain('users_search');
    expect(sqlite.users.triggers).toEqual(
      expect.arrayContaining(['users_fts_insert', 'users_fts_delete', 'users_fts_update']),
    );
  });

  it('keeps a published variant version immutable, as the SQLite triggers do', async () => {
    await client.query('BEGIN');
    try {
      await client.query(
        `INSERT INTO variants (id, name, name_norm, created_at) VALUES (1, 'v', 'v', 'now');
         INSERT INTO variant_versions (id, variant_id, status, version, files, hash, summary, created_at)
         VALUES (1, 1, 'published', 1, '{}', 'h', 's', 'now')`,
      );
      await expect(client.query("UPDATE variant_versions SET hash = 'x' WHERE id = 1")).rejects.toThrow(
        /published variant versions are immutable/,
      );
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
