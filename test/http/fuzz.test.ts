import fc from 'fast-check';
import request from 'supertest';
import { inDays, makeTestApp, type TestApp } from '../helpers/app';

/** Random JSON, random form fields and random bytes at the write paths: never a 5xx, and the server stays healthy. */

let t: TestApp;
const tokens: Record<string, string> = {};
let cohort = 0;
let session: { agent: Awaited<ReturnType<TestApp['signIn']>>['agent']; csrf: string };

beforeAll(async () => {
  t = await makeTestApp();
  for (const role of ['learner', 'trainer', 'admin'] as const)
    tokens[role] = await t.token((await t.user(role)).email);
  cohort = (
    await request(t.app)
      .post('/api/v1/cohorts')
      .set('Authorization', `Bearer ${tokens.trainer}`)
      .send({ name: 'Fuzz' })
  ).body.id as number;
  session = await t.signIn((await t.user('learner')).email);
});
afterAll(() => t.close());

const JSON_ROUTES: [string, string, string][] = [
  ['put', '/api/v1/me/outcomes/LI1', 'learner'],
  ['put', '/api/v1/me/responses/case-town-hall/li-1', 'learner'],
  ['post', '/api/v1/me/forms/raid-plan', 'learner'],
  ['post', '/api/v1/me/forms/activity-self-assessment', 'learner'],
  ['patch', '/api/v1/me/actions/1', 'learner'],
  ['post', '/api/v1/cohorts', 'trainer'],
  ['post', '/api/v1/cohorts/COHORT/members', 'trainer'],
  ['post', '/api/v1/cohorts/COHORT/assignments', 'trainer'],
  ['put', '/api/v1/cohorts/COHORT/variant', 'trainer'],
  ['post', '/api/v1/users', 'admin'],
  ['post', '/api/v1/auth/token', 'anonymous'],
];

const FORM_ROUTES = [
  '/outcomes/LI1',
  '/modules/case-town-hall/responses',
  '/modules/raid-plan/submissions',
  '/modules/activity-self-assessment/submissions',
  '/actions/1',
  '/account/password',
  '/modules/case-town-hall/complete',
];

const fieldName = fc.oneof(
  fc.constantFrom(
    'status',
    'evidence',
    'answer:li-1',
    'share:li-1',
    'f.details.host',
    'f.details.visit-date',
    'f.listening.rating',
    'f.listening.actions.0.text',
    'f.listening.actions.0.due',
    'linkedId',
    'returnTo',
    'done',
    'current',
    'password',
    'confirm',
  ),
  fc.string({ maxLength: 40 }),
);
const fieldValue = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '2031-13-01',
    '0000-00-00',
    '9999-12-31',
    '-1',
    '1e308',
    'NaN',
    '//evil.example',
    'achieved',
  ),
);

/** After the fuzzing the app still answers and its database still opens: nothing the inputs did broke it. */
async function healthy(): Promise<void> {
  expect((await request(t.app).get('/healthz')).status).toBe(200);
  expect((await request(t.app).get('/readyz')).status).toBe(200);
}

describe('fuzzing the write paths', () => {
  it('random JSON to every JSON write route', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...JSON_ROUTES),
        fc.jsonValue({ maxDepth: 4 }),
        async ([method, path, role], body) => {
          let req = (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[method](
            path.replace('COHORT', String(cohort)),
          );
          if (role !== 'anonymous') req = req.set('Authorization', `Bearer ${tokens[role]}`);
          const res = await req.set('Content-Type', 'application/json').send(JSON.stringify(body));
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(typeof res.body.error.code).toBe('string');
        },
      ),
      { numRuns: 1500 },
    );
    await healthy();
  });

  it('random form fields to every page form', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FORM_ROUTES),
        fc.dictionary(fieldName, fieldValue, { maxKeys: 12 }),
        async (path, fields) => {
          const res = await session.agent
            .post(path)
            .type('form')
            .set('X-CSRF-Token', session.csrf)
            .send({ ...fields, _csrf: session.csrf });
          expect(res.status).toBeLessThan(500);
          const location = String(res.headers.location ?? '');
          expect(location).not.toMatch(/^(https?:)?\/\//);
        },
      ),
      { numRuns: 1000 },
    );
    await healthy();
  });

  it('random bytes as uploads (variants, user CSV, members CSV)', async () => {
    const uploads: [string, string, string][] = [
      ['/api/v1/variants', 'admin', 'x.md'],
      ['/api/v1/variants', 'admin', 'x.zip'],
      ['/api/v1/users/import', 'admin', 'people.csv'],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...uploads),
        fc.uint8Array({ maxLength: 4096 }),
        fc.string({ maxLength: 30 }),
        async ([path, role, name], bytes, label) => {
          const res = await request(t.app)
            .post(path)
            .set('Authorization', `Bearer ${tokens[role]}`)
            .field('name', label || 'fuzz')
            .attach('file', Buffer.from(bytes), name);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 500 },
    );
    const members = await session.agent
      .post(`/cohorts/${cohort}/members`)
      .set('X-CSRF-Token', session.csrf)
      .attach('file', Buffer.from([0xff, 0xfe, 0, 1]), 'm.csv');
    expect(members.status).toBeLessThan(500);
    expect(inDays(1)).toMatch(/^\d{4}/);
    await healthy();
  });
});
