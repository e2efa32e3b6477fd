/**
 * What PostgreSQL backups need of the engine: finding pg_dump and pg_restore, running them without the password ever
 * appearing in a command line, and reading the migration level and user count of a database.
 * The rules (what is checked, what is refused) live in src/ops/backup.ts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import pg from 'pg';

export type PgTool = 'pg_dump' | 'pg_restore';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The path of a PostgreSQL client program: in `pgBin` when that is set (and nowhere else), else the first on PATH,
 * else in the newest `/usr/lib/postgresql/N/bin`. Null when there is none.
 */
export function findPgTool(tool: PgTool, pgBin?: string, envPath = process.env.PATH ?? ''): string | null {
  if (pgBin) {
    const file = path.join(pgBin, tool);
    return isExecutable(file) ? file : null;
  }
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, tool);
    if (isExecutable(file)) return file;
  }
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = fs
      .readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
  } catch {
    // no Debian-style installation
  }
  for (const v of versions) {
    const file = path.join(root, v, 'bin', tool);
    if (isExecutable(file)) return file;
  }
  return null;
}

export interface PgConnection {
  /** A connection URI without the password, for `--dbname` (libpq takes a URI there). */
  dbname: string;
  /** The environment for the tool: PGPASSWORD carries the password, so `ps` never shows it. */
  env: NodeJS.ProcessEnv;
  /** The URL as shown to people: no password. */
  display: string;
  password?: string;
}

/** Splits a `postgres://` URL into a password-free URI for the tools' command line and the password for their environment. */
export function pgConnection(url: string, baseEnv: NodeJS.ProcessEnv = process.env): PgConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('DATABASE_URL is not a readable postgres:// URL');
  }
  const password = u.password
    ? decodeURIComponent(u.password)
    : (u.searchParams.get('password') ?? undefined);
  u.password = '';
  u.searchParams.delete('password');
  const dbname = u.toString();
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  if (password !== undefined) env.PGPASSWORD = password;
  return { dbname, env, display: dbname, password };
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a client program. Stdout is collected, or handed line by line to `onLine` (for output too big to hold).
 * Never rejects for a non-zero exit: the caller reads `code` and `stderr`.
 */
export function runPgTool(
  exe: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const stdoutDone = new Promise<void>((done) => {
      if (onLine) {
        const lines = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
        lines.on('line', onLine);
        lines.on('close', done);
      } else {
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk: string) => (stdout += chunk));
        child.stdout.on('end', done);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      void stdoutDone.then(() =>
        resolve({
          code: code ?? (signal ? 128 : 1),
          stdout,
          stderr: signal ? `${stderr}killed by ${signal}` : stderr,
        }),
      );
    });
  });
}

/** The last lines of a tool's error output, with the password (should a tool echo it) hidden. */
export function stderrTail(stderr: string, password?: string, lines = 12): string {
  let text = stderr.trim().split('\n').slice(-lines).join('\n');
  if (password) text = text.split(password).join('***');
  return text || '(no error output)';
}

/** Migration level and user count of a database, read over a fresh connection. */
export async function inspectPostgres(
  url: string,
): Promise<{ migrationLevel: number; users: number } | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const exists = await client.query<{ t: string | null }>(
      "SELECT to_regclass('schema_migrations')::text AS t",
    );
    if (!exists.rows[0]?.t) return null;
    const level = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    const hasUsers = await client.query<{ t: string | null }>("SELECT to_regclass('users')::text AS t");
    const users = hasUsers.rows[0]?.t
      ? Number((await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM users')).rows[0].n)
      : 0;
    return { migrationLevel: Number(level.rows[0]?.v ?? 0), users };
  } finally {
    await client.end();
  }
}
