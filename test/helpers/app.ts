import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { loadConfig, type AppConfig } from '../../src/config';
import { openDatabase } from '../../src/db/open';
import type { Database } from '../../src/db/ports';
import { createTestDatabase, dropTestDatabase, onPostgres } from './engine';
import { loadPack } from '../../src/content/load';
import { createApp } from '../../src/app';
import { registeredRoutes, type RegisteredRoute } from './routes';
import { withResponseValidation } from './contract';
import { withPageChecks } from './page-checks';
import { compose, type Services } from '../../src/compose';
import { manualClock, type Clock } from '../../src/shared/clock';
import { londonDay } from '../../src/shared/dates';
import { createLogger } from '../../src/shared/logger';
import type { Role } from '../../src/users/users.schema';
import type { Logger } from '../../src/shared/logger';
import type { MailTransport } from '../../src/messages/mail.port';

export const FIXTURE_PACK = path.join(__dirname, '..', 'fixtures', 'pack-basic');
export const REAL_PACK = path.join(__dirname, '..', '..', 'content');
export const PASSWORD = 'correct-horse-battery-42';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  /** The composed services behind the app (for setting up data quickly). */
  services: Services;
  /** The clock the services read: tests move it instead of rewriting timestamps. */
  clock: ReturnType<typeof manualClock>;
  /** The database behind the app (SQLite or PostgreSQL, by the jest project): for set-up and checks. */
  db: Database;
  config: AppConfig;
  dir: string;
  close(): Promise<void>;
  /** Creates a user directly through the service (fast path for tests). */
  user(role: Role, email?: string, name?: string): Promise<{ id: number; email: string }>;
  /** A supertest agent signed in through the real sign-in form, and its CSRF token. */
  signIn(email: string, password?: string): Promise<{ agent: TestAgent; csrf: string }>;
  /** An API bearer token for the user. */
  token(email: string, password?: string): Promise<string>;
  /**
   * A variant uploaded and published through the API by an admin (`adminToken`): one file of the pack's replaced or
   * added (`fileName` as an upload names it). Returns the variant's id and the published version's id.
   */
  publishVariant(
    adminToken: string,
    name: string,
    file: { fileName: string; text: string },
  ): Promise<{ variantId: number; versionId: number }>;
  /** The same app over these services instead of the composed ones (fakes that fail on demand), with the same checks. */
  appWith(overrides: Partial<Services>): Express;
  /** Every route the application registers (the app inside the test's response-checking wrapper). */
  routes(): RegisteredRoute[];
}

let counter = 0;

/** A migrated database of the project's engine, for tests that build their own app or processes. */
export async function makeTestDatabase(
  dir: string,
): Promise<{ url?: string; db: Database; drop(): Promise<void> }> {
  const url = onPostgres ? await createTestDatabase() : undefined;
  const db = openDatabase({ databaseUrl: url, dataDir: dir, poolSize: 5, synchronous: 'FULL' });
  await db.migrate();
  return {
    url,
    db,
    async drop() {
      await db.close();
      if (url) await dropTestDatabase(url);
    },
  };
}

export async function makeTestApp(
  options: {
    content?: string;
    env?: Record<string, string>;
    logger?: Logger;
    clock?: Clock;
    mail?: MailTransport;
  } = {},
): Promise<TestApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-test-'));
  const database = await makeTestDatabase(dir);
  const settings = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    CONTENT_DIR: options.content ?? FIXTURE_PACK,
    LOG_LEVEL: 'silent',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  });
  const db = database.db;
  const logger = options.logger ?? createLogger('silent');
  const clock = manualClock();
  const services = compose({
    db,
    pack: loadPack(settings.contentDir),
    config: settings,
    logger,
    clock: options.clock ?? clock,
    mail: options.mail,
  });
  const config: AppConfig = {
    ...settings,
    sessionSecret: await services.auth.cookieSecret(settings.SESSION_SECRET),
  };
  // every API response of every test file is checked against the OpenAPI document (test/helpers/contract.ts), and
  // every page against the rules every page keeps (test/helpers/page-checks.ts)
  const checked = (built: Express) => withPageChecks(withResponseValidation(built));
  const inner = createApp(services, config, logger);
  const app = checked(inner);
  return {
    app,
    routes: () => registeredRoutes(inner),
    appWith: (overrides) => checked(createApp({ ...services, ...overrides }, config, logger)),
    services,
    clock,
    db,
    config,
    dir,
    async close() {
      services.mail.close();
      await services.exportBuilds.close();
      await database.drop();
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
    async publishVariant(adminToken, name, { fileName, text }) {
      const bearer = { Authorization: `Bearer ${adminToken}` };
      const up = await request(app)
        .post('/api/v1/variants')
        .set(bearer)
        .field('name', name)
        .attach('file', Buffer.from(text), fileName);
      if (up.status !== 201)
        throw new Error(`variant upload failed: ${up.status} ${JSON.stringify(up.body)}`);
      const pub = await request(app).post(`/api/v1/variants/${up.body.id}/publish`).set(bearer);
      if (pub.status !== 201) throw new Error(`publish failed: ${pub.status} ${JSON.stringify(pub.body)}`);
      return { variantId: up.body.id as number, versionId: pub.body.versionId as number };
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

/** The day (in London, as the service counts days) some days from now, `YYYY-MM-DD`. */
export function inDays(days: number): string {
  return londonDay(Date.now() + days * 86400_000);
}
