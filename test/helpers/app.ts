import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { loadConfig, type Config } from '../../src/config';
import { openDatabase, type Db } from '../../src/db/sqlite/open';
import { migrate } from '../../src/db/sqlite/migrate';
import { loadPack } from '../../src/content/load';
import { createApp } from '../../src/app';
import { withResponseValidation } from './contract';
import { compose, type Services } from '../../src/compose';
import { manualClock, type Clock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import type { Role } from '../../src/users/users.schema';
import type { Logger } from '../../src/shared/logger';

export const FIXTURE_PACK = path.join(__dirname, '..', 'fixtures', 'pack-basic');
export const REAL_PACK = path.join(__dirname, '..', '..', 'content');
export const PASSWORD = 'correct-horse-battery-42';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  /** The composed services behind the app (for setting up data quickly). */
  services: Services;
  /** The clock the services read: tests move it instead of rewriting timestamps. */
  clock: ReturnType<typeof manualClock>;
  db: Db;
  config: Config;
  dir: string;
  close(): void;
  /** Creates a user directly through the service (fast path for tests). */
  user(role: Role, email?: string, name?: string): Promise<{ id: number; email: string }>;
  /** A supertest agent signed in through the real sign-in form, and its CSRF token. */
  signIn(email: string, password?: string): Promise<{ agent: TestAgent; csrf: string }>;
  /** An API bearer token for the user. */
  token(email: string, password?: string): Promise<string>;
}

let counter = 0;

export function makeTestApp(
  options: { content?: string; env?: Record<string, string>; logger?: Logger; clock?: Clock } = {},
): TestApp {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    CONTENT_DIR: options.content ?? FIXTURE_PACK,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const db = openDatabase(config.dbFile);
  migrate(db);
  const logger = options.logger ?? createLogger('silent');
  const clock = manualClock();
  const services = compose({
    db,
    pack: loadPack(config.contentDir),
    config,
    logger,
    clock: options.clock ?? clock,
  });
  // every API response of every test file is checked against the OpenAPI document (test/helpers/contract.ts)
  const app = withResponseValidation(createApp(services, config, logger));
  return {
    app,
    services,
    clock,
    db,
    config,
    dir,
    close() {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    async user(role, email, name) {
      counter++;
      const address = email ?? `${role}${counter}@example.org`;
      const u = await services.users.create(
        {
          email: address,
          name: name ?? `${role[0].toUpperCase()}${role.slice(1)} ${counter}`,
          role,
          password: PASSWORD,
        },
        null,
      );
      return { id: u.id, email: u.email };
    },
    async signIn(email, password = PASSWORD) {
      const agent = request.agent(app);
      const csrf = await csrfFrom(agent, '/login');
      const res = await agent.post('/login').type('form').send({ email, password, _csrf: csrf });
      if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
      return { agent, csrf: await csrfFrom(agent, '/account/password') };
    },
    async token(email, password = PASSWORD) {
      const res = await request(app).post('/api/v1/auth/token').send({ email, password });
      if (res.status !== 201) throw new Error(`token failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
  };
}

/** Reads the hidden `_csrf` field from a page. */
export async function csrfFrom(agent: TestAgent, url: string): Promise<string> {
  const res = await agent.get(url);
  const match = /name="_csrf" value="([^"]+)"/.exec(res.text);
  if (!match) throw new Error(`no CSRF token on ${url} (status ${res.status})`);
  return match[1];
}

export function inDays(days: number): string {
  return new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
}
