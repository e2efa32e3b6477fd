import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';

/** Registering learning platforms by hand: the /admin/lti page and /api/v1/lti/platforms. */

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp({ env: { PUBLIC_URL: 'https://packway.example.gov.uk' } });
});
afterAll(() => t.close());

const moodle = {
  name: 'Council Moodle',
  issuer: 'https://moodle.example.gov.uk',
  clientId: 'Yk2Jq0Z1',
  deploymentIds: ['1'],
  authLoginUrl: 'https://moodle.example.gov.uk/mod/lti/auth.php',
  tokenUrl: 'https://moodle.example.gov.uk/mod/lti/token.php',
  jwksUrl: 'https://moodle.example.gov.uk/mod/lti/certs.php',
};

describe('the /admin/lti page', () => {
  it('shows the addresses to give the platform, registers one from the form, lists it and removes it', async () => {
    const admin = await t.user('admin');
    const { agent, csrf } = await t.signIn(admin.email);
    const empty = await agent.get('/admin/lti');
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('<code id="url-login">https://packway.example.gov.uk/lti/login</code>');
    expect(empty.text).toContain('<code id="url-launch">https://packway.example.gov.uk/lti/launch</code>');
    expect(empty.text).toContain('<code id="url-jwks">https://packway.example.gov.uk/lti/jwks</code>');
    expect(empty.text).toContain('No platform is registered yet');

    const saved = await agent
      .post('/admin/lti')
      .type('form')
      .send({ ...moodle, deploymentIds: '1\n2', adminRole: 'admin', trustEmail: 'yes', _csrf: csrf });
    expect(saved.status).toBe(303);
    const listed = await agent.get('/admin/lti');
    expect(listed.text).toContain('Council Moodle is registered');
    expect(listed.text).toMatch(/<td class="govuk-table__cell">1, 2<\/td>/);
    const row = await t.db.get<{ id: number; admin_role: string; trust_email: number }>(
      'SELECT id, admin_role, trust_email FROM lti_platforms WHERE client_id = ?',
      [moodle.clientId],
    );
    expect(row).toEqual({ id: expect.anything(), admin_role: 'admin', trust_email: 1 });

    const removed = await agent.post(`/admin/lti/${row!.id}/delete`).type('form').send({ _csrf: csrf });
    expect(removed.status).toBe(303);
    expect((await agent.get('/admin/lti')).text).toContain('Council Moodle is removed');
    const audit = await t.db.all<{ action: string }>(
      `SELECT action FROM audit_log WHERE action LIKE 'lti.platform-%' ORDER BY id`,
    );
    expect(audit.map((a) => a.action)).toEqual(['lti.platform-registered', 'lti.platform-removed']);
  });

  it('shows every problem of the form in a GOV.UK error summary, keeping what was typed', async () => {
    const admin = await t.user('admin');
    const { agent, csrf } = await t.signIn(admin.email);
    const res = await agent.post('/admin/lti').type('form').send({
      name: 'Half done',
      issuer: 'http://moodle.example.gov.uk',
      clientId: '',
      deploymentIds: '',
      authLoginUrl: 'not a url',
      tokenUrl: moodle.tokenUrl,
      jwksUrl: moodle.jwksUrl,
      adminRole: 'trainer',
      _csrf: csrf,
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<title>Error: Learning platforms (LTI 1.3)');
    expect(res.text).toContain('govuk-error-summary');
    expect(res.text).toContain('href="#issuer"');
    expect(res.text).toContain('Enter the platform&#39;s issuer as a full https address');
    expect(res.text).toContain('href="#clientId"');
    expect(res.text).toContain('href="#deploymentIds"');
    expect(res.text).toContain('href="#authLoginUrl"');
    expect(res.text).toContain('value="Half done"');
  });

  it('refuses people who are not administrators', async () => {
    const trainer = await t.user('trainer');
    const { agent, csrf } = await t.signIn(trainer.email);
    expect((await agent.get('/admin/lti')).status).toBe(403);
    expect(
      (
        await agent
          .post('/admin/lti')
          .type('form')
          .send({ ...moodle, _csrf: csrf })
      ).status,
    ).toBe(403);
    expect((await request(t.app).get('/admin/lti')).status).toBe(303);
  });

  it('makes a new key of Packway’s, keeping the old one published', async () => {
    const admin = await t.user('admin');
    const { agent, csrf } = await t.signIn(admin.email);
    const before = (await agent.get('/lti/jwks')).body.keys.length as number;
    const res = await agent.post('/admin/lti/keys/rotate').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    const page = await agent.get('/admin/lti');
    expect(page.text).toContain('Packway has a new key');
    expect(page.text).toContain('still published until');
    expect((await agent.get('/lti/jwks')).body.keys).toHaveLength(before + 1);
  });
});

describe('/api/v1/lti/platforms', () => {
  it('registers, lists and removes a platform', async () => {
    const admin = await t.user('admin');
    const token = await t.token(admin.email);
    const created = await request(t.app)
      .post('/api/v1/lti/platforms')
      .set('Authorization', `Bearer ${token}`)
      .send({ ...moodle, clientId: 'api-client' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...moodle,
      clientId: 'api-client',
      adminRole: 'trainer',
      trustEmail: false,
      registeredVia: 'manual',
    });
    const again = await request(t.app)
      .post('/api/v1/lti/platforms')
      .set('Authorization', `Bearer ${token}`)
      .send({ ...moodle, clientId: 'api-client' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');

    const list = await request(t.app).get('/api/v1/lti/platforms').set('Authorization', `Bearer ${token}`);
    expect(list.status).toBe(200);
    expect(list.body.platforms.map((p: { id: number }) => p.id)).toContain(created.body.id);

    const gone = await request(t.app)
      .delete(`/api/v1/lti/platforms/${created.body.id}`)
      .set('Authorization', `Bearer ${token}`);
    expect(gone.status).toBe(204);
    const missing = await request(t.app)
      .delete(`/api/v1/lti/platforms/${created.body.id}`)
      .set('Authorization', `Bearer ${token}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('lists every problem of a registration in the error details', async () => {
    const admin = await t.user('admin');
    const token = await t.token(admin.email);
    const res = await request(t.app)
      .post('/api/v1/lti/platforms')
      .set('Authorization', `Bearer ${token}`)
      .send({ name: '', issuer: 'ftp://x', deploymentIds: [], adminRole: 'root' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('invalid');
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'name',
        'issuer',
        'clientId',
        'deploymentIds',
        'authLoginUrl',
        'tokenUrl',
        'jwksUrl',
        'adminRole',
      ]),
    );
  });

  it('rotates Packway’s key, both keys then published', async () => {
    const admin = await t.user('admin');
    const token = await t.token(admin.email);
    const res = await request(t.app).post('/api/v1/lti/keys/rotate').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(201);
    const kids = (await request(t.app).get('/lti/jwks')).body.keys.map((k: { kid: string }) => k.kid);
    expect(kids[0]).toBe(res.body.kid);
    expect(kids).toContain(res.body.previousKid);
  });

  it('is for administrators only', async () => {
    const learner = await t.user('learner');
    const token = await t.token(learner.email);
    const res = await request(t.app).get('/api/v1/lti/platforms').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect((await request(t.app).get('/api/v1/lti/platforms')).status).toBe(401);
    expect(
      (
        await request(t.app)
          .post('/api/v1/lti/platforms')
          .set('Authorization', `Bearer ${token}`)
          .send(moodle)
      ).status,
    ).toBe(403);
  });
});
