import request from 'supertest';
import { inDays, makeTestApp, type TestApp } from '../helpers/app';
import { onPostgres } from '../helpers/engine';

/** Subject access and erasure (UK GDPR articles 15 and 17), and the retention rule. */

let t: TestApp;
let adminToken: string;
let cohortId: number;

interface Person {
  id: number;
  email: string;
  name: string;
  token: string;
  secrets: string[];
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A learner with a row in every table that can hold a learner's data; their free text is returned as `secrets`. */
async function learnerWithData(tag: string): Promise<Person> {
  const name = `${tag} ${tag}ington`;
  const u = await t.user('learner', `learner-${tag.toLowerCase()}@example.org`, name);
  const token = await t.token(u.email);
  const secrets = [
    `Evidence-${tag}-kiwi`,
    `Response-${tag}-mango`,
    `Survey-${tag}-papaya`,
    `Action-${tag}-quince`,
  ];
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/members`)
    .set(bearer(adminToken))
    .send({ userIds: [u.id] })
    .expect(201);
  await request(t.app)
    .put('/api/v1/me/outcomes/LI1')
    .set(bearer(token))
    .send({ status: 'achieved', evidence: secrets[0] })
    .expect(200);
  await request(t.app).post('/api/v1/me/modules/case-town-hall/complete').set(bearer(token)).expect(200);
  await request(t.app)
    .put('/api/v1/me/responses/case-town-hall/li-1')
    .set(bearer(token))
    .send({ text: secrets[1], shared: true })
    .expect(200);
  await request(t.app)
    .post('/api/v1/me/forms/activity-self-assessment')
    .set(bearer(token))
    .send({
      values: {
        listening: { rating: 3, evidence: secrets[2], actions: [{ text: secrets[3], due: inDays(30) }] },
        measuring: { rating: 2 },
      },
    })
    .expect(201);
  await t.signIn(u.email); // a page session and an audit entry
  // an identity at the organisation's provider (single sign-on), as a first sign-in there would link
  const at = new Date().toISOString();
  await t.db.run(
    'INSERT INTO sso_identities (user_id, issuer_key, subject, created_at, last_sign_in_at) VALUES (?, ?, ?, ?, ?)',
    [u.id, 'tid:test-tenant', `oid-${u.email}`, at, at],
  );
  // and at a learning platform that launched Packway for them (LTI 1.3)
  await t.db.run(
    'INSERT INTO lti_identities (user_id, issuer, subject, created_at, last_launch_at) VALUES (?, ?, ?, ?, ?)',
    [u.id, 'https://lms.example', `sub-${u.email}`, Date.parse(at), Date.parse(at)],
  );
  return { id: u.id, email: u.email, name, token, secrets };
}

/** Every table with a user_id column, and every text column of every table (read from each engine's catalogue). */
async function schema() {
  const columns = onPostgres
    ? await t.db.all<{ tbl: string; name: string; type: string }>(
        `SELECT c.table_name AS tbl, c.column_name AS name, c.data_type AS type
           FROM information_schema.columns c
           JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
          WHERE c.table_schema = current_schema() AND tb.table_type = 'BASE TABLE'
          ORDER BY c.table_name, c.ordinal_position`,
      )
    : await t.db.all<{ tbl: string; name: string; type: string }>(
        `SELECT m.name AS tbl, p.name AS name, p.type AS type
           FROM sqlite_master m, pragma_table_info(m.name) p
          WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
          ORDER BY m.name, p.cid`,
      );
  const tables = [...new Set(columns.map((c) => c.tbl))];
  return tables.map((table) => {
    const cols = columns.filter((c) => c.tbl === table);
    return {
      table,
      hasUserId: cols.some((c) => c.name === 'user_id'),
      textColumns: cols.filter((c) => /TEXT/i.test(c.type)).map((c) => c.name),
    };
  });
}

async function rowsMentioning(needle: string): Promise<string[]> {
  const hits: string[] = [];
  const contains = onPostgres ? 'strpos' : 'instr';
  for (const { table, textColumns } of await schema()) {
    for (const col of textColumns) {
      const { n } = (await t.db.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE ${contains}(lower(${col}), lower(CAST(? AS TEXT))) > 0`,
        [needle],
      ))!;
      if (n) hits.push(`${table}.${col}: ${n}`);
    }
  }
  return hits;
}

let ann: Person;
let bob: Person;

beforeAll(async () => {
  t = await makeTestApp();
  const admin = await t.user('admin');
  adminToken = await t.token(admin.email);
  cohortId = (
    await request(t.app).post('/api/v1/cohorts').set(bearer(adminToken)).send({ name: 'Privacy cohort' })
  ).body.id;
  await request(t.app)
    .post(`/api/v1/cohorts/${cohortId}/assignments`)
    .set(bearer(adminToken))
    .send({ moduleId: 'case-town-hall', dueAt: inDays(7) })
    .expect(201);
  ann = await learnerWithData('Ann');
  bob = await learnerWithData('Bob');
});
afterAll(() => t.close());

describe('subject access export', () => {
  it('holds every row of every table about the person, and nothing about anyone else', async () => {
    // the audit rows about the person as the export reads them (its own 'privacy.export' entry is written after)
    const audit = (await t.db.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM audit_log WHERE actor_id = ? OR target = ?',
      [ann.id, `user:${ann.id}`],
    ))!.n;
    const res = await request(t.app)
      .get(`/api/v1/users/${ann.id}/export`)
      .set(bearer(adminToken))
      .expect(200);
    const record = res.body.record as Record<string, unknown[]>;
    const json = JSON.stringify(res.body);
    expect(res.body.record.account.email).toBe(ann.email);
    for (const secret of ann.secrets) expect(json).toContain(secret);
    for (const secret of [...bob.secrets, bob.email, bob.name]) expect(json).not.toContain(secret);
    expect(json).not.toMatch(/password_hash|token_hash|id_hash|scrypt/);

    const sectionOf: Record<string, string> = {
      sessions: 'sessions',
      api_tokens: 'apiTokens',
      cohort_members: 'cohortsAsLearner',
      cohort_trainers: 'cohortsAsTrainer',
      module_progress: 'moduleProgress',
      outcome_progress: 'outcomeProgress',
      outcome_history: 'outcomeHistory',
      outcome_reviews: 'outcomeReviews',
      responses: 'responses',
      submissions: 'submissions',
      actions: 'actions',
      events: 'events',
      password_links: 'passwordLinks',
      sso_identities: 'singleSignOn',
      lti_identities: 'learningPlatforms',
      lti_left_members: 'platformCoursesLeft',
      lti_deep_links: 'deepLinkRequests',
      messages: 'messages',
      notification_opt_outs: 'notificationOptOuts',
      calendar_feeds: 'calendarFeed',
      reminders_sent: 'remindersSent',
      badges: 'badges',
      badge_settings: 'badgeSettings',
    };
    for (const { table, hasUserId } of await schema()) {
      if (!hasUserId) continue;
      expect(sectionOf[table]).toBeDefined(); // a new table with user_id must join the export
      const n = (
        (await t.db.get(`SELECT COUNT(*) AS n FROM ${table} WHERE user_id = ?`, [ann.id])) as { n: number }
      ).n;
      expect({ table, rows: record[sectionOf[table]].length }).toEqual({ table, rows: n });
    }
    expect(record.auditEntries.length).toBe(audit);
  });

  it('has a readable page and a JSON download for admins, and is audited', async () => {
    const admin = await t.signIn(
      ((await t.db.get("SELECT email FROM users WHERE role = 'admin'")) as { email: string }).email,
    );
    const page = await admin.agent.get(`/users/${ann.id}/data`).expect(200);
    expect(page.text).toContain('Progress against learning outcomes');
    expect(page.text).toContain(ann.secrets[0]);
    const download = await admin.agent.get(`/users/${ann.id}/data.json`).expect(200);
    expect(download.headers['content-disposition']).toMatch(/attachment/);
    const audited = (await t.db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'privacy.export' AND target = ?",
      [`user:${ann.id}`],
    ))!;
    expect(audited.n).toBeGreaterThanOrEqual(2);
    await request(t.app).get(`/api/v1/users/${ann.id}/export`).set(bearer(bob.token)).expect(403);
  });
});

describe('erasure', () => {
  it('refuses without the typed email, and on a mistyped one, changing nothing', async () => {
    const before = (await rowsMentioning(ann.email)).length;
    const none = await request(t.app).post(`/api/v1/users/${ann.id}/erase`).set(bearer(adminToken)).send({});
    expect(none.status).toBe(422);
    expect(none.body.error.details[0].field).toBe('confirmEmail');
    const wrong = await request(t.app)
      .post(`/api/v1/users/${ann.id}/erase`)
      .set(bearer(adminToken))
      .send({ confirmEmail: bob.email });
    expect(wrong.status).toBe(409);
    expect((await rowsMentioning(ann.email)).length).toBe(before);
  });

  it('shows a GOV.UK error summary on the page when the email does not match', async () => {
    const admin = await t.signIn(
      ((await t.db.get("SELECT email FROM users WHERE role = 'admin'")) as { email: string }).email,
    );
    const res = await admin.agent
      .post(`/users/${ann.id}/erase`)
      .type('form')
      .send({ _csrf: admin.csrf, confirmEmail: 'nobody@example.org' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('govuk-error-summary');
    expect(res.text).toContain('href="#confirmEmail"');
  });

  it('removes every trace of the person, leaves others untouched and cohort statistics working', async () => {
    const bobBefore = (await request(t.app).get(`/api/v1/users/${bob.id}/export`).set(bearer(adminToken)))
      .body.record;
    const matrixBefore = (
      await request(t.app).get(`/api/v1/cohorts/${cohortId}/progress`).set(bearer(adminToken))
    ).body;

    const res = await request(t.app)
      .post(`/api/v1/users/${ann.id}/erase`)
      .set(bearer(adminToken))
      .send({ confirmEmail: ann.email.toUpperCase() });
    expect(res.status).toBe(200);

    for (const needle of [ann.email, ann.name, 'Annington', ...ann.secrets]) {
      expect({ needle, hits: await rowsMentioning(needle) }).toEqual({ needle, hits: [] });
    }
    await request(t.app).get('/api/v1/me/progress').set(bearer(ann.token)).expect(401); // tokens revoked

    const bobAfter = (await request(t.app).get(`/api/v1/users/${bob.id}/export`).set(bearer(adminToken))).body
      .record;
    const withoutAudit = (r: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'auditEntries'));
    expect(withoutAudit(bobAfter)).toEqual(withoutAudit(bobBefore));
    for (const secret of bob.secrets) expect(await rowsMentioning(secret)).not.toEqual([]);

    const matrixAfter = (
      await request(t.app).get(`/api/v1/cohorts/${cohortId}/progress`).set(bearer(adminToken))
    ).body;
    expect(JSON.stringify(matrixAfter)).not.toContain(ann.email);
    expect(matrixAfter.learners.length).toBe(matrixBefore.learners.length);
    const erasedAudit = await t.db.get(
      "SELECT detail FROM audit_log WHERE action = 'privacy.erase' AND target = ?",
      [`user:${ann.id}`],
    );
    expect(erasedAudit).toBeDefined();
    expect(
      (
        await request(t.app)
          .post(`/api/v1/users/${ann.id}/erase`)
          .set(bearer(adminToken))
          .send({ confirmEmail: `erased-${ann.id}@erased.invalid` })
      ).status,
    ).toBe(409);
  });
});

describe('retention', () => {
  it('erases learners inactive for longer than the period, and nobody else', async () => {
    const old = await t.user('learner', 'long-gone@example.org', 'Long Gone');
    const recent = await t.user('learner', 'still-here@example.org', 'Still Here');
    await t.db.run('UPDATE users SET last_active_at = ?, created_at = ? WHERE id = ?', [
      '2020-01-01T00:00:00.000Z',
      '2019-06-01T00:00:00.000Z',
      old.id,
    ]);
    await t.db.run('UPDATE users SET last_active_at = ? WHERE id = ?', [new Date().toISOString(), recent.id]);
    const n = await t.services.privacy.applyRetention(36);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(await rowsMentioning('long-gone@example.org')).toEqual([]);
    expect(await rowsMentioning('still-here@example.org')).not.toEqual([]);
    expect(await rowsMentioning(bob.email)).not.toEqual([]); // signed in during this test run
    expect(await t.services.privacy.applyRetention(36)).toBe(0); // idempotent
  });
});
