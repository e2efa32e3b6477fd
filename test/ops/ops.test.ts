import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import SqliteFile from 'better-sqlite3';
import type pg from 'pg';
import { makeTestApp, type TestApp } from '../helpers/app';
import { itOnSqlite, onSqlite } from '../helpers/engine';
import type { Db } from '../../src/db/sqlite/open';
import { createLogger } from '../../src/shared/logger';
import { backupDatabase, checkBackup, restoreDatabase } from '../../src/ops/backup';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The SQLite connection behind the async port: for what only a file database has (its pragmas). */
const sqliteOf = (t: TestApp): Db => (t.db as TestApp['db'] & { raw: Db }).raw;

/**
 * Makes the database refuse writes, or take them again: SQLite's query_only on its one connection; on PostgreSQL,
 * default_transaction_read_only on every connection of the pool (all checked out at once, so none is missed).
 */
async function setReadOnly(t: TestApp, on: boolean): Promise<void> {
  if (onSqlite) {
    sqliteOf(t).pragma(`query_only = ${on ? 'ON' : 'OFF'}`);
    return;
  }
  const pool = (t.db as TestApp['db'] & { pool: pg.Pool }).pool;
  const clients = await Promise.all(Array.from({ length: pool.options.max ?? 10 }, () => pool.connect()));
  try {
    for (const client of clients)
      await client.query(`SET default_transaction_read_only = ${on ? 'on' : 'off'}`);
  } finally {
    for (const client of clients) client.release();
  }
}

describe('health and metrics', () => {
  let t: TestApp;
  afterEach(() => t.close());

  it('/readyz says the database answers and the pack is compiled', async () => {
    t = await makeTestApp();
    const res = await request(t.app).get('/readyz').expect(200);
    expect(res.body.status).toBe('ready');
    expect(res.body.checks.database).toMatch(/^ok \(migration \d+\)/);
    expect(res.body.checks.pack).toMatch(/^ok \(fixture-pack@0\.1\.0, 9 modules\)/);
  });

  it('/readyz answers 503 when the database does not', async () => {
    t = await makeTestApp();
    await t.db.close();
    t.db.close = () => Promise.resolve(); // closed already: t.close() still removes the test's database
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks.database).toMatch(/^failing/);
  });

  it('a page whose session cannot be read (the database stopped) gets the unavailable page, not a hung request', async () => {
    t = await makeTestApp();
    const learner = await t.user('learner');
    const { agent } = await t.signIn(learner.email);
    await t.db.close();
    t.db.close = () => Promise.resolve();
    // the session is read by middleware that runs before any route: its failure must still reach the error handler
    const res = await agent.get('/pack').timeout(5000);
    expect(res.status).toBe(503);
    expect(res.text).toContain('Sorry, the service is unavailable');
  });

  it('/metrics is Prometheus text for admins and for the scraper token, refused to others', async () => {
    t = await makeTestApp({ env: { METRICS_TOKEN: 'scraper-token-0123456789' } });
    const admin = await t.user('admin');
    const learner = await t.user('learner');
    const adminToken = await t.token(admin.email);
    await request(t.app).get('/api/v1/pack').set(bearer(adminToken)).expect(200);
    await request(t.app).get('/api/v1/modules/nope').set(bearer(adminToken)).expect(404);
    const res = await request(t.app).get('/metrics').set(bearer('scraper-token-0123456789')).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(
      /packway_http_requests_total\{method="GET",route="\/api\/v1\/pack",status="200"\} 1/,
    );
    expect(res.text).toMatch(
      /packway_http_requests_total\{method="GET",route="\/api\/v1\/modules\/:id",status="404"\} 1/,
    );
    expect(res.text).toMatch(
      /packway_http_request_duration_seconds_bucket\{le="\+Inf",route="\/api\/v1\/pack"\} 1/,
    ); // prom-client writes le first
    if (onSqlite) expect(res.text).toMatch(/packway_database_size_bytes\{file="db"\} [1-9]\d*/);
    // the connection pool (on SQLite, its one connection and write lock) is measured on both engines
    expect(res.text).toMatch(/packway_db_pool_connections\{state="max"\} [1-9]\d*/);
    await request(t.app).get('/metrics').set(bearer(adminToken)).expect(200);
    await request(t.app)
      .get('/metrics')
      .set(bearer(await t.token(learner.email)))
      .expect(403);
    await request(t.app)
      .get('/metrics')
      .set(bearer('wrong-token-0123456789abcdef'))
      .set('Accept', 'application/json')
      .expect(401);
  });
});

describe('a full disk or a read-only database', () => {
  let t: TestApp;
  afterEach(() => t.close());

  // SQLite only: the full disk is simulated under the database file (max_page_count)
  itOnSqlite(
    'answers 503 with a clear message, keeps what was stored, and recovers when space returns (SQLite file)',
    async () => {
      t = await makeTestApp();
      const learner = await t.user('learner');
      const token = await t.token(learner.email);
      await request(t.app)
        .put('/api/v1/me/outcomes/LI1')
        .set(bearer(token))
        .send({ status: 'achieved', evidence: 'Stored before the disk filled' })
        .expect(200);

      const pages = sqliteOf(t).pragma('page_count', { simple: true }) as number;
      sqliteOf(t).pragma(`max_page_count = ${pages}`); // the database cannot grow: what SQLite sees on a full disk
      const big = 'x'.repeat(4000);
      const results = [];
      for (let i = 0; i < 20; i++)
        results.push(
          await request(t.app)
            .put('/api/v1/me/outcomes/LI2')
            .set(bearer(token))
            .send({ status: 'achieved', evidence: `${big}${i}` }),
        );
      const full = results.find((r) => r.status !== 200)!;
      expect(full.status).toBe(503);
      expect(full.body.error.code).toBe('unavailable');
      expect(full.body.error.message).toMatch(/cannot save data right now/);

      const { agent, csrf } = await t.signIn(learner.email);
      const page = await agent
        .post('/outcomes/LI3')
        .type('form')
        .send({ _csrf: csrf, status: 'achieved', evidence: big });
      expect(page.status).toBe(503);
      expect(page.text).toContain('Sorry, the service is unavailable');

      const progress = await request(t.app).get('/api/v1/me/progress').set(bearer(token)).expect(200);
      const li1 = progress.body.areas
        .flatMap((a: { outcomes: { id: string; evidence: string }[] }) => a.outcomes)
        .find((o: { id: string }) => o.id === 'LI1');
      expect(li1.evidence).toBe('Stored before the disk filled');
      expect(sqliteOf(t).pragma('integrity_check', { simple: true })).toBe('ok');

      sqliteOf(t).pragma('max_page_count = 1073741823'); // space returns
      await request(t.app)
        .put('/api/v1/me/outcomes/LI2')
        .set(bearer(token))
        .send({ status: 'achieved', evidence: big })
        .expect(200);
    },
  );

  it('answers 503 while the database is read-only', async () => {
    t = await makeTestApp();
    const learner = await t.user('learner');
    const token = await t.token(learner.email);
    await setReadOnly(t, true);
    const res = await request(t.app)
      .put('/api/v1/me/outcomes/LI1')
      .set(bearer(token))
      .send({ status: 'in_progress' });
    expect(res.status).toBe(503);
    await setReadOnly(t, false);
    await request(t.app)
      .put('/api/v1/me/outcomes/LI1')
      .set(bearer(token))
      .send({ status: 'in_progress' })
      .expect(200);
  });
});

describe('logs', () => {
  it('are JSON lines with a request id, and hold no password, token, cookie or learner text', async () => {
    const lines: string[] = [];
    const logger = createLogger('trace', { destination: { write: (line: string) => void lines.push(line) } });
    const t = await makeTestApp({ logger });
    try {
      const learner = await t.user('learner');
      const secretEvidence = 'Confidential evidence about a named resident';
      const token = await t.token(learner.email);
      const { agent, csrf } = await t.signIn(learner.email);
      await agent
        .post('/outcomes/LI1')
        .type('form')
        .send({ _csrf: csrf, status: 'achieved', evidence: secretEvidence });
      await request(t.app)
        .put('/api/v1/me/outcomes/LI2')
        .set(bearer(token))
        .send({ status: 'achieved', evidence: secretEvidence })
        .expect(200);
      await request(t.app)
        .post('/api/v1/auth/token')
        .send({ email: learner.email, password: 'a-wrong-password-123' })
        .expect(401);
      await request(t.app)
        .get('/api/v1/me/progress')
        .set(bearer('not-a-real-token-but-long-enough'))
        .expect(401);

      expect(lines.length).toBeGreaterThan(5);
      const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const entry of parsed.filter((e) => e.msg === 'request'))
        expect(entry.reqId).toEqual(expect.any(String));
      const all = lines.join('');
      for (const secret of [
        'correct-horse-battery-42',
        'a-wrong-password-123',
        token,
        'not-a-real-token-but-long-enough',
        secretEvidence,
        csrf,
        'packway_session=',
      ]) {
        expect({ secret, found: all.includes(secret) }).toEqual({ secret, found: false });
      }
    } finally {
      await t.close();
    }
  });

  it('keeps a well-formed X-Request-Id from a proxy and replaces a malformed one', async () => {
    const t = await makeTestApp();
    try {
      expect(
        (await request(t.app).get('/healthz').set('X-Request-Id', 'proxy-abc.123')).headers['x-request-id'],
      ).toBe('proxy-abc.123');
      expect(
        (await request(t.app).get('/healthz').set('X-Request-Id', 'bad id; <script>')).headers[
          'x-request-id'
        ],
      ).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await t.close();
    }
  });
});

describe('backup and restore', () => {
  const countIn = (db: SqliteFile.Database, table: string) =>
    (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const TABLES = ['users', 'outcome_progress', 'outcome_history', 'events', 'sessions', 'audit_log'];

  // SQLite only: copies and restores the database file (PostgreSQL's backup: test/ops/backup-postgres.test.ts)
  itOnSqlite(
    'copies the live database file while it is being written, and restores it into an empty DATA_DIR',
    async () => {
      const t = await makeTestApp();
      try {
        const learners = await Promise.all([1, 2, 3].map(() => t.user('learner')));
        const tokens = await Promise.all(learners.map((l) => t.token(l.email)));
        // the route's first answer also compiles its OpenAPI response check (test/helpers/contract.ts): not timed
        await request(t.app)
          .put('/api/v1/me/outcomes/LI1')
          .set(bearer(tokens[0]))
          .send({ status: 'in_progress' });
        let writing = true;
        let answered = 0;
        const writer = (async () => {
          for (let i = 0; writing; i++) {
            const res = await request(t.app)
              .put(`/api/v1/me/outcomes/${['LI1', 'LI2', 'ME1'][i % 3]}`)
              .set(bearer(tokens[i % 3]))
              .send({ status: 'achieved', evidence: `write ${i}` });
            if (res.status === 200) answered++;
          }
        })();
        while (answered < 10) await new Promise((r) => setTimeout(r, 10)); // writes under way before the copy starts
        const target = path.join(t.dir, 'backups', 'during.db');
        const during = await backupDatabase(t.config.dbFile, target);
        writing = false;
        await writer;
        expect(answered).toBeGreaterThan(10);
        expect(during.users).toBe(await count(t, 'users'));
        const copy = new SqliteFile(target, { readonly: true });
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        // each write is a history row and an event in one transaction: the copy never holds half of one
        const progressed = (
          copy.prepare("SELECT COUNT(*) AS n FROM events WHERE verb = 'progressed'").get() as { n: number }
        ).n;
        expect(progressed).toBe(countIn(copy, 'outcome_history'));
        expect(countIn(copy, 'outcome_history')).toBeLessThanOrEqual(await count(t, 'outcome_history'));
        copy.close();

        // once writes stop, a backup matches the live database table by table
        const quiet = path.join(t.dir, 'backups', 'quiet.db');
        await backupDatabase(t.config.dbFile, quiet);
        const restoredDir = path.join(t.dir, 'restored');
        const restoredFile = path.join(restoredDir, 'packway.db');
        restoreDatabase(quiet, restoredFile);
        const restored = new SqliteFile(restoredFile, { readonly: true });
        for (const table of TABLES)
          expect({ table, n: countIn(restored, table) }).toEqual({ table, n: await count(t, table) });
        restored.close();

        expect(() => restoreDatabase(quiet, restoredFile)).toThrow(/already exists/);
        await expect(backupDatabase(t.config.dbFile, quiet)).rejects.toThrow(/already exists/);
      } finally {
        await t.close();
      }
    },
  );

  // SQLite only: checks database files
  itOnSqlite('refuses a file that is not a whole Packway database file', async () => {
    const t = await makeTestApp();
    try {
      const junk = path.join(t.dir, 'junk.db');
      fs.writeFileSync(junk, 'not a database at all, just text');
      expect(() => checkBackup(junk)).toThrow(/not an SQLite database|integrity|not a Packway/);
      const other = path.join(t.dir, 'other.db');
      const db = new SqliteFile(other);
      db.exec('CREATE TABLE t (x)');
      db.close();
      expect(() => checkBackup(other)).toThrow(/not a Packway database/);
      expect(() => restoreDatabase(other, path.join(t.dir, 'r', 'packway.db'))).toThrow(
        /not a Packway database/,
      );
      expect(fs.existsSync(path.join(t.dir, 'r', 'packway.db'))).toBe(false);
    } finally {
      await t.close();
    }
  });
});

describe('group commit', () => {
  it('commits concurrent writes together without losing or doubling any, each answered after its commit', async () => {
    const t = await makeTestApp();
    try {
      const learners = await Promise.all([1, 2, 3, 4, 5].map(() => t.user('learner')));
      const tokens = await Promise.all(learners.map((l) => t.token(l.email)));
      const outcomes = ['LI1', 'LI2', 'LI3', 'ME1', 'ME2'];
      const writes = tokens.flatMap((token, l) =>
        outcomes.map((o, i) =>
          request(t.app)
            .put(`/api/v1/me/outcomes/${o}`)
            .set(bearer(token))
            .send({ status: 'achieved', evidence: `learner ${l} outcome ${i}` }),
        ),
      );
      const answers = await Promise.all(writes);
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      expect(await count(t, 'outcome_history')).toBe(25);
      expect(
        (await t.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE verb = 'progressed'"))!.n,
      ).toBe(25);
      for (const [l, token] of tokens.entries()) {
        const progress = (await request(t.app).get('/api/v1/me/progress').set(bearer(token))).body;
        const mine = progress.areas
          .flatMap((a: { outcomes: { id: string; evidence: string }[] }) => a.outcomes)
          .filter((o: { evidence: string }) => o.evidence);
        expect(mine.map((o: { evidence: string }) => o.evidence).sort()).toEqual(
          outcomes.map((_, i) => `learner ${l} outcome ${i}`),
        );
      }
    } finally {
      await t.close();
    }
  });
});

async function count(t: TestApp, table: string): Promise<number> {
  return (await t.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))!.n;
}
