import request from 'supertest';
import { bootstrapAdmin } from '../../src/users/bootstrap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csrfFrom, FIXTURE_PACK, makeTestApp, PASSWORD, type TestApp } from '../helpers/app';
import { createLogger } from '../../src/shared/logger';
import { loadConfig } from '../../src/config';
import { startServer } from '../../src/server';
import { createTestDatabase, dropTestDatabase, onPostgres } from '../helpers/engine';

describe('first admin', () => {
  it('needs the one-time set-up code the server printed, so the first visitor on a network cannot take the service', async () => {
    const lines: string[] = [];
    const t = await makeTestApp({
      logger: createLogger('warn', { destination: { write: (l: string) => void lines.push(l) } }),
    });
    const code = await t.services.auth.newSetupCode();
    expect(code).toMatch(/^[A-Z0-9x]{4}-[A-Z0-9x]{4}-[A-Z0-9x]{4}$/i);
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/setup');
    const form = {
      _csrf: csrf,
      name: 'Mallory',
      email: 'mallory@example.org',
      password: PASSWORD,
      confirm: PASSWORD,
    };
    for (const guess of [undefined, '', 'AAAA-BBBB-CCCC']) {
      const res = await agent
        .post('/setup')
        .type('form')
        .send(guess === undefined ? form : { ...form, code: guess });
      expect(res.status).toBe(422);
      expect(res.text).toContain('href="#code"');
    }
    expect(await t.services.users.count()).toBe(0);
    const ok = await agent
      .post('/setup')
      .type('form')
      .send({ ...form, code: code!.toLowerCase().replace(/-/g, ' ') });
    expect(ok.status).toBe(303);
    expect(await t.services.users.count()).toBe(1);
    await t.close();
  });

  it('prints the set-up code in the server log at start when nobody has an account', async () => {
    const lines: string[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-setup-'));
    // on PostgreSQL the server starts on an empty database of its own (it migrates it at start)
    const url = onPostgres ? await createTestDatabase() : undefined;
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dir,
      CONTENT_DIR: FIXTURE_PACK,
      PORT: '0',
      HOST: '127.0.0.1',
      ...(url ? { DATABASE_URL: url } : {}),
    });
    const running = await startServer(
      config,
      createLogger('warn', { destination: { write: (l: string) => void lines.push(l) } }),
    );
    const logged = lines
      .map((l) => JSON.parse(l) as { setupCode?: string; msg: string })
      .find((l) => l.setupCode);
    expect(logged?.msg).toContain('/setup');
    const base = `http://127.0.0.1:${running.port}`;
    const page = await fetch(`${base}/setup`);
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const body = new URLSearchParams({
      _csrf: csrf,
      code: logged!.setupCode!,
      name: 'Ada',
      email: 'ada@example.org',
      password: PASSWORD,
      confirm: PASSWORD,
    });
    const res = await fetch(`${base}/setup`, {
      method: 'POST',
      body,
      headers: { cookie },
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    await running.close();
    if (url) await dropTestDatabase(url);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows /setup until a user exists, then it is gone', async () => {
    const t = await makeTestApp({ env: { SETUP_CODE: 'TEST-SETUP-CODE' } });
    const agent = request.agent(t.app);
    expect((await agent.get('/')).headers.location).toMatch(/^\/login/);
    expect((await agent.get('/login')).headers.location).toBe('/setup');
    const csrf = await csrfFrom(agent, '/setup');
    const weak = await agent
      .post('/setup')
      .type('form')
      .send({ _csrf: csrf, name: 'Ada', email: 'ada@example.org', password: 'short', confirm: 'short' });
    expect(weak.status).toBe(422);
    expect(weak.text).toContain('govuk-error-summary');
    expect(weak.text).toContain('href="#password"');
    const ok = await agent.post('/setup').type('form').send({
      _csrf: csrf,
      code: 'test-setup-code',
      name: 'Ada',
      email: 'ada@example.org',
      password: PASSWORD,
      confirm: PASSWORD,
    });
    expect(ok.status).toBe(303);
    expect((await agent.get('/users')).status).toBe(200);
    expect((await request(t.app).get('/setup')).status).toBe(404);
    await t.close();
  });

  it('creates the bootstrap admin from settings when there are no users', async () => {
    const t = await makeTestApp({
      env: { BOOTSTRAP_ADMIN_EMAIL: 'boot@example.org', BOOTSTRAP_ADMIN_PASSWORD: PASSWORD },
    });
    expect(await bootstrapAdmin(t.config, t.services)).toBe(true);
    expect(await bootstrapAdmin(t.config, t.services)).toBe(false);
    const { agent } = await t.signIn('boot@example.org');
    expect((await agent.get('/users')).status).toBe(200);
    await t.close();
  });
});

describe('signing in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(() => t.close());

  it('signs in with a session cookie that is HttpOnly and SameSite=Lax, and rotates the id', async () => {
    const u = await t.user('learner');
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/login');
    const res = await agent
      .post('/login')
      .type('form')
      .send({ email: u.email.toUpperCase(), password: PASSWORD, _csrf: csrf });
    expect(res.status).toBe(303);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('packway_session='),
    )!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const again = await agent
      .post('/login')
      .type('form')
      .send({ email: u.email, password: PASSWORD, _csrf: await csrfFrom(agent, '/progress') });
    const cookie2 = (again.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('packway_session='),
    )!;
    expect(cookie2.split(';')[0]).not.toBe(cookie.split(';')[0]);
  });

  it('marks the cookie Secure behind an HTTPS proxy when TRUST_PROXY is set', async () => {
    const p = await makeTestApp({ env: { TRUST_PROXY: 'true' } });
    const u = await p.user('learner');
    const agent = request.agent(p.app);
    const csrf = await csrfFrom(agent, '/login');
    const res = await agent
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .type('form')
      .send({ email: u.email, password: PASSWORD, _csrf: csrf });
    expect(
      (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('packway_session=')),
    ).toMatch(/Secure/);
    await p.close();
  });

  it('refuses a wrong password and a disabled user, and audits both', async () => {
    const u = await t.user('learner');
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/login');
    const wrong = await agent
      .post('/login')
      .type('form')
      .send({ email: u.email, password: 'not-the-password-at-all', _csrf: csrf });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Enter a correct email address and password');
    const admin = await t.user('admin');
    await t.services.users.setDisabled(u.id, true, { id: admin.id, email: admin.email });
    const disabled = await agent
      .post('/login')
      .type('form')
      .send({ email: u.email, password: PASSWORD, _csrf: csrf });
    expect(disabled.status).toBe(401);
    const audit = await t.db.all(
      "SELECT detail FROM audit_log WHERE action = 'signin.failure' AND actor_id = ? ORDER BY id",
      [u.id],
    );
    expect(audit).toEqual([{ detail: 'page: wrong password' }, { detail: 'page: disabled' }]);
  });

  it('refuses a POST without a valid CSRF token with 403 and a GOV.UK page', async () => {
    const u = await t.user('learner');
    const { agent } = await t.signIn(u.email);
    const res = await agent.post('/outcomes/LI1').type('form').send({ status: 'in_progress' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('govuk-heading-l');
    const forged = await agent
      .post('/outcomes/LI1')
      .type('form')
      .send({ status: 'in_progress', _csrf: 'x'.repeat(32) });
    expect(forged.status).toBe(403);
    const api = await agent.put('/api/v1/me/outcomes/LI1').send({ status: 'in_progress' });
    expect(api.status).toBe(403);
    expect(await t.db.get('SELECT COUNT(*) AS n FROM outcome_progress WHERE user_id = ?', [u.id])).toEqual({
      n: 0,
    });
  });

  it('signs out and the old cookie no longer works', async () => {
    const u = await t.user('learner');
    const { agent, csrf } = await t.signIn(u.email);
    expect((await agent.post('/logout').type('form').send({ _csrf: csrf })).status).toBe(303);
    expect((await agent.get('/progress')).status).toBe(303);
  });

  it('refuses a session cookie replayed after sign-out, or with its signature altered, though it worked before', async () => {
    const u = await t.user('learner');
    const { agent, csrf } = await t.signIn(u.email);
    expect((await agent.get('/progress')).status).toBe(200);
    const jar = (agent as unknown as { jar: { getCookies(o: object): { name: string; value: string }[] } })
      .jar;
    const session = jar
      .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
      .find((c) => c.name === 'packway_session')!.value;
    const asCookie = (value: string) =>
      request(t.app).get('/progress').set('Cookie', `packway_session=${value}`);
    expect((await asCookie(session)).status).toBe(200);
    const last = session.slice(-1) === 'A' ? 'B' : 'A';
    expect((await asCookie(session.slice(0, -1) + last)).status).toBe(303);
    expect((await asCookie(session)).status).toBe(200);
    expect((await agent.post('/logout').type('form').send({ _csrf: csrf })).status).toBe(303);
    const replayed = await asCookie(session);
    expect(replayed.status).toBe(303);
    expect(replayed.headers.location).toMatch(/^\/login/);
  });

  it('expires an idle session', async () => {
    const u = await t.user('learner');
    const { agent } = await t.signIn(u.email);
    await t.db.run('UPDATE sessions SET last_seen_at = last_seen_at - ? WHERE user_id = ?', [
      2 * 3600_000,
      u.id,
    ]);
    expect((await agent.get('/progress')).headers.location).toMatch(/^\/login/);
  });
});

describe('API tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(() => t.close());

  it('issues a token that works, and answers 401 without or with a bad one', async () => {
    const u = await t.user('learner');
    const res = await request(t.app).post('/api/v1/auth/token').send({ email: u.email, password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ token: expect.any(String), expiresAt: expect.any(String) });
    expect(
      (await request(t.app).get('/api/v1/me/assignments').set('Authorization', `Bearer ${res.body.token}`))
        .status,
    ).toBe(200);
    const none = await request(t.app).get('/api/v1/me/assignments');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect(
      (
        await request(t.app)
          .get('/api/v1/me/assignments')
          .set('Authorization', 'Bearer nonsense-token-value-123456')
      ).status,
    ).toBe(401);
    const bad = await request(t.app)
      .post('/api/v1/auth/token')
      .send({ email: u.email, password: 'wrong-password-here' });
    expect(bad.status).toBe(401);
    const invalid = await request(t.app).post('/api/v1/auth/token').send({ email: 5 });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'email',
      'password',
    ]);
  });

  it('stores only a hash, expires, and is revoked by a password change or disabling', async () => {
    const u = await t.user('learner');
    const token = await t.token(u.email);
    const stored = (await t.db.get('SELECT token_hash FROM api_tokens WHERE user_id = ?', [u.id])) as {
      token_hash: string;
    };
    expect(stored.token_hash).not.toBe(token);
    await t.db.run("UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE user_id = ?", [u.id]);
    expect(
      (await request(t.app).get('/api/v1/me/assignments').set('Authorization', `Bearer ${token}`)).status,
    ).toBe(401);
    const t2 = await t.token(u.email);
    await t.services.users.setPassword(u.id, 'another-long-password-9');
    expect(
      (await request(t.app).get('/api/v1/me/assignments').set('Authorization', `Bearer ${t2}`)).status,
    ).toBe(401);
    const t3 = await t.token(u.email, 'another-long-password-9');
    const admin = await t.user('admin');
    await t.services.users.setDisabled(u.id, true, { id: admin.id, email: admin.email });
    expect(
      (await request(t.app).get('/api/v1/me/assignments').set('Authorization', `Bearer ${t3}`)).status,
    ).toBe(401);
  });

  it('limits the JSON body size with 413', async () => {
    const res = await request(t.app)
      .post('/api/v1/auth/token')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: 'a@b.org', password: 'x'.repeat(200_000) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('too_large');
  });
});

describe('throttling', () => {
  it('answers 429 with Retry-After after repeated failures, and the block expires', async () => {
    const t = await makeTestApp();
    const u = await t.user('learner');
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await request(t.app)
            .post('/api/v1/auth/token')
            .send({ email: u.email, password: 'wrong-password-x' })
        ).status,
      ).toBe(401);
    }
    const blocked = await request(t.app)
      .post('/api/v1/auth/token')
      .send({ email: u.email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.body.error.code).toBe('too_many_requests');
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/login');
    const page = await agent
      .post('/login')
      .type('form')
      .send({ email: u.email, password: PASSWORD, _csrf: csrf });
    expect(page.status).toBe(429);
    await t.db.run('UPDATE signin_failures SET at = 0');
    expect(
      (await request(t.app).post('/api/v1/auth/token').send({ email: u.email, password: PASSWORD })).status,
    ).toBe(201);
    await t.close();
  });
});

describe('passwords', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(() => t.close());

  it.each([
    ['short1', /at least 12 characters/],
    ['password1234', /too common/],
    ['aaaaaaaaaaaaaaa', /too (common|simple)/],
  ])('refuses %s', async (password, message) => {
    const admin = await t.user('admin');
    const token = await t.token(admin.email);
    const res = await request(t.app)
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${token}`)
      .send({ email: `x${Date.now()}@example.org`, name: 'X', role: 'learner', password });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0]).toEqual({ field: 'password', message: expect.stringMatching(message) });
  });

  it('hashes with scrypt and sets a password from a one-time link', async () => {
    const admin = await t.user('admin');
    const token = await t.token(admin.email);
    const res = await request(t.app)
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${token}`)
      .send({ email: 'newbie@example.org', name: 'New Bie', role: 'learner' });
    expect(res.status).toBe(201);
    const link = new URL(res.body.passwordLink);
    const agent = request.agent(t.app);
    const page = await agent.get(`${link.pathname}${link.search}`);
    expect(page.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const set = await agent
      .post('/password/set')
      .type('form')
      .send({
        _csrf: csrf,
        token: link.searchParams.get('token'),
        password: 'a-brand-new-passphrase',
        confirm: 'a-brand-new-passphrase',
      });
    expect(set.status).toBe(303);
    const row = (await t.db.get("SELECT password_hash FROM users WHERE email = 'newbie@example.org'")) as {
      password_hash: string;
    };
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect((await agent.get(`${link.pathname}${link.search}`)).status).toBe(404);
  });
});

describe('user management', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await makeTestApp();
    token = await t.token((await t.user('admin')).email);
  });
  afterAll(() => t.close());

  it('imports a CSV all or nothing, with a report per row', async () => {
    const bad =
      'email,name,role\nok1@example.org,Ok One,learner\nnot-an-email,Two,learner\nok3@example.org,Three,wizard\nok1@example.org,Dup,learner\n';
    const refused = await request(t.app)
      .post('/api/v1/users/import')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'text/csv')
      .send(bad);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.map((d: { field: string }) => d.field)).toEqual([
      'row 3',
      'row 4',
      'row 5',
    ]);
    expect(await t.db.get("SELECT COUNT(*) AS n FROM users WHERE email LIKE 'ok%'")).toEqual({ n: 0 });
    const good = 'email,name,role\r\nok1@example.org,"Ok, One",learner\r\nok2@example.org,Two,trainer\r\n';
    const done = await request(t.app)
      .post('/api/v1/users/import')
      .set('Authorization', `Bearer ${token}`)
      .attach('file', Buffer.from(good), 'users.csv');
    expect(done.status).toBe(201);
    expect(done.body.created).toBe(2);
    expect(await t.db.get("SELECT name FROM users WHERE email = 'ok1@example.org'")).toEqual({
      name: 'Ok, One',
    });
    expect(await t.db.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.import'")).toEqual({
      n: 1,
    });
  });

  it('treats emails case-insensitively as unique', async () => {
    await request(t.app)
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${token}`)
      .send({ email: 'Case@Example.org', name: 'C', role: 'learner' });
    const dup = await request(t.app)
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${token}`)
      .send({ email: 'case@example.ORG', name: 'C', role: 'learner' });
    expect(dup.status).toBe(409);
  });

  it('changes a role and audits it, and lists users with search and filter', async () => {
    const u = await t.user('learner', 'promote@example.org', 'Promote Me');
    const { agent, csrf } = await t.signIn((await t.user('admin')).email);
    expect(
      (await agent.post(`/users/${u.id}/role`).type('form').send({ _csrf: csrf, role: 'trainer' })).status,
    ).toBe(303);
    expect(await t.db.get('SELECT role FROM users WHERE id = ?', [u.id])).toEqual({ role: 'trainer' });
    expect(
      await t.db.get("SELECT detail FROM audit_log WHERE action = 'user.role' AND target = ?", [
        `user:${u.id}`,
      ]),
    ).toEqual({ detail: 'learner -> trainer' });
    const list = await agent.get('/users?q=promote&role=trainer');
    expect(list.text).toContain('Promote Me');
    expect((await agent.get('/users?q=promote&role=learner')).text).not.toContain('Promote Me');
    expect((await agent.get('/audit')).text).toContain('user.role');
  });
});
