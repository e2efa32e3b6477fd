import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

describe('security headers', () => {
  it.each(['/login', '/healthz', '/api/v1/pack', '/no-such-page', '/static/css/app.css'])(
    'are on %s',
    async (path) => {
      const res = await request(t.app).get(path);
      const csp = res.headers['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['x-powered-by']).toBeUndefined();
    },
  );

  it('marks personal pages and API answers no-store', async () => {
    const learner = await t.user('learner');
    const token = await t.token(learner.email);
    const res = await request(t.app).get('/api/v1/me/progress').set('Authorization', `Bearer ${token}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toBeUndefined();
  });
});
