import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';

/** createApp takes its services, so a test can hand it one that fails in ways a real database cannot on demand. */

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

it('answers 503 on /readyz when the database stops answering', async () => {
  const app = t.appWith({
    ops: {
      readiness: () =>
        Promise.resolve({ ready: false, checks: { database: 'failing: disk I/O error', pack: 'ok' } }),
    },
  });
  const res = await request(app).get('/readyz');
  expect(res.status).toBe(503);
  expect(res.body).toEqual({
    status: 'not ready',
    checks: { database: 'failing: disk I/O error', pack: 'ok' },
  });
});

it('shows the 503 page, not a crash, when a page cannot be read because the disk is full', async () => {
  const learner = await t.user('learner');
  const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  const app = t.appWith({
    pages: {
      ...t.services.pages,
      learnerHome: () => Promise.reject(full),
    },
  });
  const agent = request.agent(app);
  const login = await agent.get('/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
  await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrf, email: learner.email, password: 'correct-horse-battery-42' });
  const home = await agent.get('/');
  expect(home.status).toBe(503);
  expect(home.text).toContain('Sorry, the service is unavailable');
});
