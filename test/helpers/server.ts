import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { loadPack } from '../../src/content/load';
import { compose } from '../../src/compose';
import { createLogger } from '../../src/shared/logger';
import { freePort } from '../../src/ops/free-port';
import { FIXTURE_PACK, makeTestDatabase, PASSWORD } from './app';
import type { Role } from '../../src/users/users.schema';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'src', 'server.js');

/** On PostgreSQL, the database each DATA_DIR made here goes with (startServerProcess passes it as DATABASE_URL). */
const databaseOf = new Map<string, string>();

/** The DATABASE_URL a DATA_DIR made here goes with, on PostgreSQL. */
export const databaseUrlOf = (dir: string): string | undefined => databaseOf.get(dir);

/** A DATA_DIR with a migrated database (the project's engine) holding the given learners (password PASSWORD). */
export function dataDirWithLearners(emails: string[]): Promise<string> {
  return dataDirWithPeople(emails.map((email) => ({ email, role: 'learner' as const })));
}

/** A DATA_DIR with a migrated database holding these people (password PASSWORD). */
export async function dataDirWithPeople(people: { email: string; role: Role }[]): Promise<string> {
  const emails = people.map((p) => p.email);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-proc-'));
  const { url, db } = await makeTestDatabase(dir);
  if (url) databaseOf.set(dir, url);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    CONTENT_DIR: FIXTURE_PACK,
    LOG_LEVEL: 'silent',
    ...(url ? { DATABASE_URL: url } : {}),
  });
  const services = compose({ db, pack: loadPack(FIXTURE_PACK), config, logger: createLogger('silent') });
  for (const [i, email] of emails.entries())
    await services.users.create(
      { email, name: email.split('@')[0], role: people[i].role, password: PASSWORD },
      null,
    );
  await db.close();
  return dir;
}

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built server (production settings) on a free loopback port and waits for /healthz. */
export async function startServerProcess(
  dataDir: string,
  env: Record<string, string> = {},
  /** a port chosen beforehand (e.g. registered at an identity provider); a free one otherwise */
  chosenPort?: number,
): Promise<ServerProcess> {
  const port = chosenPort ?? (await freePort());
  const child = spawn(process.execPath, [SERVER], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CONTENT_DIR: FIXTURE_PACK,
      LOG_LEVEL: 'warn',
      ...(databaseOf.has(dataDir) ? { DATABASE_URL: databaseOf.get(dataDir) } : {}),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, baseUrl, port, exited };
}

export async function tokenFor(baseUrl: string, email: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (res.status !== 201) throw new Error(`token: ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}
