import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/sqlite/open';
import { migrate } from '../../src/db/sqlite/migrate';
import { loadPack } from '../../src/content/load';
import { compose } from '../../src/compose';
import { createLogger } from '../../src/shared/logger';
import { freePort } from '../../src/ops/free-port';
import { FIXTURE_PACK, PASSWORD } from './app';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'src', 'server.js');

/** A DATA_DIR with a migrated database holding the given learners (password PASSWORD). */
export async function dataDirWithLearners(emails: string[]): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-proc-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    CONTENT_DIR: FIXTURE_PACK,
    LOG_LEVEL: 'silent',
  });
  const db = openDatabase(config.dbFile);
  migrate(db);
  const services = compose({ db, pack: loadPack(FIXTURE_PACK), config, logger: createLogger('silent') });
  for (const email of emails)
    await services.users.create(
      { email, name: email.split('@')[0], role: 'learner', password: PASSWORD },
      null,
    );
  db.close();
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
): Promise<ServerProcess> {
  const port = await freePort();
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
