import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { listMigrations, resolveMigrationsDir } from '../../src/db/migrations';
import { openDatabase } from '../../src/db/open';
import type { Database } from '../../src/db/ports';
import { PASSWORD } from '../helpers/app';
import { CookieBrowser } from '../helpers/cookie-browser';
import { createTestDatabase, describeOnPostgres } from '../helpers/engine';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  ProviderBrowser,
  entraClaims,
  startTestProvider,
  type TestProvider,
} from '../helpers/oidc';
import {
  dataDirWithPeople,
  databaseUrlOf,
  startServerProcess,
  tokenFor,
  type ServerProcess,
} from '../helpers/server';

/**
 * Several app instances over one PostgreSQL database, as behind a load balancer: nothing one instance needs is held
 * in another's memory or on its disk. Each instance is the real built server in its own process.
 */

/** One person's browser: one cookie jar, whichever instance answers. */
class Browser extends CookieBrowser {
  async csrf(url: string): Promise<string> {
    const html = await (await this.fetch(url)).text();
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no CSRF token on ${url}`);
    return match[1];
  }
}

const api = (token: string, method = 'GET', body?: unknown): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
});

const METRICS_TOKEN = 'scraper-token-0123456789';

async function metric(server: ServerProcess, pattern: RegExp): Promise<number> {
  const res = await fetch(`${server.baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const text = await res.text();
  return text
    .split('\n')
    .filter((line) => pattern.test(line))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeOnPostgres('two instances over one PostgreSQL database', () => {
  const people = [
    { email: 'admin@example.org', role: 'admin' as const },
    { email: 'learner@example.org', role: 'learner' as const },
    { email: 'typo@example.org', role: 'learner' as const },
  ];
  let dir: string;
  let a: ServerProcess;
  let b: ServerProcess;
  let db: Database;

  beforeAll(async () => {
    dir = await dataDirWithPeople(people);
    const env = { JOBS_POLL_MS: '50', JOBS_LEASE_MS: '3000', DB_POOL_SIZE: '4', METRICS_TOKEN };
    [a, b] = await Promise.all([startServerProcess(dir, env), startServerProcess(dir, env)]);
    db = openDatabase({ databaseUrl: databaseUrlOf(dir), dataDir: dir, poolSize: 2, synchronous: 'FULL' });
  }, 60_000);

  afterAll(async () => {
    for (const s of [a, b]) s?.child.kill('SIGKILL');
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a session made on A on B, and signing out on B ends it on A', async () => {
    const browser = new Browser();
    const csrf = await browser.csrf(`${a.baseUrl}/login`);
    const signIn = await browser.post(`${a.baseUrl}/login`, {
      email: 'learner@example.org',
      password: PASSWORD,
      _csrf: csrf,
    });
    expect(signIn.status).toBe(303);
    expect((await browser.fetch(`${b.baseUrl}/account/password`)).status).toBe(200);
    const signOut = await browser.post(`${b.baseUrl}/logout`, {
      _csrf: await browser.csrf(`${b.baseUrl}/account/password`),
    });
    expect(signOut.status).toBe(303);
    const after = await browser.fetch(`${a.baseUrl}/account/password`);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/\/login/);
  });

  it('sizes each instance’s connection pool by DB_POOL_SIZE and shows its use in /metrics', async () => {
    expect(await metric(a, /^packway_db_pool_connections\{state="max"\}/)).toBe(4);
    expect(await metric(b, /^packway_db_pool_connections\{state="open"\}/)).toBeGreaterThan(0);
    expect(await metric(b, /^packway_db_pool_connections\{state="open"\}/)).toBeLessThanOrEqual(4);
  });

  it('throttles the sixth sign-in after five failures split across A and B', async () => {
    const attempt = (server: ServerProcess, password: string) =>
      fetch(`${server.baseUrl}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'typo@example.org', password }),
      });
    for (const server of [a, b, a, b, a])
      expect((await attempt(server, 'wrong-password-x')).status).toBe(401);
    const sixth = await attempt(b, PASSWORD);
    expect(sixth.status).toBe(429);
  });

  it('shows a membership change made on A at the learner’s next request on B', async () => {
    const admin = await tokenFor(a.baseUrl, 'admin@example.org');
    const learner = await tokenFor(b.baseUrl, 'learner@example.org');
    const assignments = async () =>
      (
        (await (await fetch(`${b.baseUrl}/api/v1/me/assignments`, api(learner))).json()) as {
          assignments: unknown[];
        }
      ).assignments.length;
    expect(await assignments()).toBe(0);

    const cohort = (await (
      await fetch(`${a.baseUrl}/api/v1/cohorts`, api(admin, 'POST', { name: 'North' }))
    ).json()) as {
      id: number;
    };
    const due = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
    expect(
      (
        await fetch(
          `${a.baseUrl}/api/v1/cohorts/${cohort.id}/assignments`,
          api(admin, 'POST', { moduleId: 'case-town-hall', dueAt: due }),
        )
      ).status,
    ).toBe(201);
    const enrol = await fetch(
      `${a.baseUrl}/api/v1/cohorts/${cohort.id}/members`,
      api(admin, 'POST', { emails: ['learner@example.org'] }),
    );
    expect(enrol.status).toBe(201);
    expect(await assignments()).toBe(1);

    const learnerId = (await db.get<{ id: number }>('SELECT id FROM users WHERE email_norm = ?', [
      'learner@example.org',
    ]))!.id;
    expect(
      (await fetch(`${a.baseUrl}/api/v1/cohorts/${cohort.id}/members/${learnerId}`, api(admin, 'DELETE')))
        .status,
    ).toBe(204);
    expect(await assignments()).toBe(0);
  });

  it('runs 1,000 jobs claimed by workers in both processes exactly once', async () => {
    await db.transaction(async () => {
      for (let i = 0; i < 1000; i++) {
        const user = await db.get<{ id: number }>(
          `INSERT INTO users (email, email_norm, name, role, created_at, last_active_at)
           VALUES (?, ?, ?, 'learner', ?, ?) RETURNING id`,
          [
            `gone${i}@example.org`,
            `gone${i}@example.org`,
            `Gone ${i}`,
            '2001-01-01T00:00:00.000Z',
            '2001-01-01T00:00:00.000Z',
          ],
        );
        await db.run(
          `INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ('privacy.retention-erase', ?, 0, 0)`,
          [JSON.stringify({ userId: user!.id })],
        );
      }
    });
    await until(
      async () =>
        (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM jobs WHERE kind = ?', [
          'privacy.retention-erase',
        ]))!.n === 0,
      60_000,
      'the erasure jobs to finish',
    );
    const erased = await db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM users WHERE email_norm LIKE 'erased-%' AND erased_at IS NOT NULL",
    );
    expect(erased!.n).toBe(1000);
    const done = /^packway_jobs_total\{.*kind="privacy.retention-erase".*outcome="done"/;
    const [byA, byB] = [await metric(a, done), await metric(b, done)];
    expect(byA + byB).toBe(1000);
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    const other = /^packway_jobs_total\{.*kind="privacy.retention-erase".*outcome="(failed|lease_lost)"/;
    expect((await metric(a, other)) + (await metric(b, other))).toBe(0);
  }, 90_000);
});

describeOnPostgres('instances and failures', () => {
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  afterAll(() => {
    for (const s of servers) s.child.kill('SIGKILL');
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('applies each migration once and creates the bootstrap admin once when three instances start together', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-three-'));
    dirs.push(dir);
    const url = await createTestDatabase();
    const env = {
      DATABASE_URL: url,
      BOOTSTRAP_ADMIN_EMAIL: 'first@example.org',
      BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
    };
    const three = await Promise.all([1, 2, 3].map(() => startServerProcess(dir, env)));
    servers.push(...three);
    const db = openDatabase({ databaseUrl: url, dataDir: dir, poolSize: 1, synchronous: 'FULL' });
    try {
      const versions = await db.all<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(versions.map((v) => v.version)).toEqual(
        listMigrations(resolveMigrationsDir('postgres')).map((m) => m.version),
      );
      const admins = await db.all<{ role: string }>('SELECT role FROM users');
      expect(admins).toEqual([{ role: 'admin' }]);
      for (const s of three) expect((await fetch(`${s.baseUrl}/readyz`)).status).toBe(200);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('keeps every write answered 2xx when one of two instances is killed with SIGKILL mid-stream', async () => {
    const email = 'writer@example.org';
    const dir = await dataDirWithPeople([{ email, role: 'learner' }]);
    dirs.push(dir);
    const [first, second] = await Promise.all([startServerProcess(dir), startServerProcess(dir)]);
    servers.push(first, second);
    const token = await tokenFor(first.baseUrl, email);
    const outcomes = ['LI1', 'LI2', 'LI3', 'ME1', 'ME2', 'ME3'];
    const acked: string[] = [];
    let seq = 0;
    let stopping = false;
    const worker = async (n: number) => {
      while (!stopping) {
        const i = seq++;
        const target = n % 2 === 0 && first.child.exitCode === null && !first.child.killed ? first : second;
        const evidence = `write-${i}`;
        const status = await fetch(
          `${target.baseUrl}/api/v1/me/outcomes/${outcomes[i % outcomes.length]}`,
          api(token, 'PUT', { status: 'achieved', evidence }),
        ).then(
          (r) => r.status,
          () => 0,
        );
        if (status >= 200 && status < 300) acked.push(evidence);
      }
    };
    const workers = Array.from({ length: 8 }, (_, n) => worker(n));
    await until(async () => acked.length >= 200, 30_000, '200 answered writes');
    first.child.kill('SIGKILL');
    const killedAt = acked.length;
    await until(async () => acked.length >= killedAt + 100, 30_000, 'writes on the surviving instance');
    stopping = true;
    await Promise.all(workers);

    const db = openDatabase({
      databaseUrl: databaseUrlOf(dir),
      dataDir: dir,
      poolSize: 1,
      synchronous: 'FULL',
    });
    try {
      const history = new Set(
        (await db.all<{ evidence: string }>('SELECT evidence FROM outcome_history')).map((r) => r.evidence),
      );
      expect(acked.filter((e) => !history.has(e))).toEqual([]);
      const events = await db.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM events WHERE verb = 'progressed'",
      );
      expect(events!.n).toBe(history.size);
    } finally {
      await db.close();
    }
  }, 90_000);

  it('re-runs a job whose worker was killed mid-job once, after its lease', async () => {
    const posts: { at: number; ids: string[] }[] = [];
    let hold = true;
    const lrs = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += String(c)));
      req.on('end', () => {
        posts.push({ at: Date.now(), ids: (JSON.parse(text) as { id: string }[]).map((s) => s.id) });
        if (hold) return; // the first delivery never gets an answer: its worker dies waiting
        res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      });
    });
    await new Promise<void>((r) => lrs.listen(0, '127.0.0.1', r));
    try {
      const email = 'forwarded@example.org';
      const dir = await dataDirWithPeople([{ email, role: 'learner' }]);
      dirs.push(dir);
      const env = {
        XAPI_LRS_URL: `http://127.0.0.1:${(lrs.address() as AddressInfo).port}/xapi`,
        XAPI_LRS_USERNAME: 'key',
        XAPI_LRS_PASSWORD: 'secret',
        JOBS_POLL_MS: '50',
        JOBS_LEASE_MS: '3000',
      };
      const first = await startServerProcess(dir, env);
      servers.push(first);
      const token = await tokenFor(first.baseUrl, email);
      const put = await fetch(
        `${first.baseUrl}/api/v1/me/outcomes/LI1`,
        api(token, 'PUT', { status: 'achieved', evidence: 'to be forwarded' }),
      );
      expect(put.status).toBe(200);
      await until(async () => posts.length === 1, 15_000, 'the first delivery');
      first.child.kill('SIGKILL');
      await first.exited;
      const killedAt = Date.now();
      hold = false;
      const second = await startServerProcess(dir, env);
      servers.push(second);
      await until(async () => posts.length === 2, 15_000, 'the delivery after the lease');
      await new Promise((r) => setTimeout(r, 1500));
      expect(posts).toHaveLength(2);
      expect(posts[1].ids).toEqual(posts[0].ids);
      expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(2500); // not before the dead worker's lease ran out
      expect(posts[1].at).toBeGreaterThan(killedAt);
    } finally {
      lrs.close();
    }
  }, 60_000);
});

describeOnPostgres('single sign-on across two instances', () => {
  // both instances answer for one public address, as behind a load balancer; the provider sends the browser back there
  const publicUrl = 'http://learning.packway.test';
  let provider: TestProvider;
  let dir: string;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    provider = await startTestProvider({
      redirectUris: [`${publicUrl}/login/sso/callback`],
      postLogoutRedirectUris: [`${publicUrl}/login?signed-out=1`],
    });
    await provider.setAccounts({
      nadia: { claims: entraClaims('oid-nadia', { roles: ['Packway.Trainer'] }) },
    });
    dir = await dataDirWithPeople([{ email: 'admin@example.org', role: 'admin' }]);
    // NODE_ENV=production (the helper's default): the http:// issuer is accepted because it is on loopback
    const env = {
      PUBLIC_URL: publicUrl,
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
    };
    [a, b] = await Promise.all([startServerProcess(dir, env), startServerProcess(dir, env)]);
  }, 60_000);

  afterAll(async () => {
    for (const s of [a, b]) s?.child.kill('SIGKILL');
    await provider?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finishes on B a sign-in that started on A, with the role the claim gives', async () => {
    const browser = new Browser();
    const start = await browser.fetch(`${a.baseUrl}/login/sso?next=%2Fcohorts`);
    expect(start.status).toBe(303);
    const answer = await new ProviderBrowser().signIn(
      start.headers.get('location')!,
      'nadia',
      `${publicUrl}/login/sso/callback`,
    );
    const back = await browser.fetch(`${b.baseUrl}${answer.pathname}${answer.search}`);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/cohorts');
    const cohorts = await browser.fetch(`${a.baseUrl}/cohorts`);
    expect(cohorts.status).toBe(200); // a trainer's page, on the other instance
    // the sign-in under way was taken once: the same answer at A is refused
    const replay = await new Browser().fetch(`${a.baseUrl}${answer.pathname}${answer.search}`);
    expect(replay.status).toBe(400);
  });
});
