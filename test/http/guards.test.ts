import { guardOf } from '../../src/web/guards';
import { makeTestApp, type TestApp } from '../helpers/app';

/**
 * Every route names who may use it on the route itself, as its first handler: nothing depends on the order routers
 * are mounted in or on a guard mounted on a prefix. Static files and the scraper's /metrics are middleware, not
 * routes, and answer before sessions are read.
 */

/** The routes open to everyone, signed in or not. A route added here is a decision: make it on purpose. */
const PUBLIC = [
  'GET /healthz',
  'GET /readyz',
  'GET /help',
  'GET /contact',
  'GET /accessibility',
  'GET /privacy',
  'GET /cookies',
  'GET /api/v1/openapi.json',
  'POST /api/v1/auth/token',
  'GET /login',
  'POST /login',
  'GET /login/sso',
  'GET /login/sso/callback',
  'POST /logout',
  'GET /setup',
  'POST /setup',
  'GET /password/set',
  'POST /password/set',
  'GET /xapi/:kind/:name',
  // issue 28: the same answer whatever the address; a signed one-click unsubscribe; a secret calendar address
  'GET /password/forgot',
  'POST /password/forgot',
  'GET /unsubscribe/:userId/:kind/:signature',
  'POST /unsubscribe/:userId/:kind/:signature',
  'GET /calendar/:file',
  // issue 31 (LTI 1.3): the platform's servers fetch Packway's public keys; the login initiation and the launch come
  // from the platform with no Packway session (the platform's signed id_token and a one-time state are the authority);
  // a framed page's new-window link is signed for a live framed session
  'GET /lti/jwks',
  'GET /lti/login',
  'POST /lti/login',
  'POST /lti/launch',
  'GET /lti/window',
  // issue 32: Open Badges are checked by anyone a learner shows them to (an employer, a professional body): the issuer
  // profile, its public keys and the revocation list are what verifiers read; a badge's page says what it means and
  // whether it verifies (its address is a random UUID the learner shares); the check page and API answer for a
  // credential brought to them and store nothing
  'GET /badges/issuer',
  'GET /badges/issuer/keys/:keyId',
  'GET /badges/status/:list',
  'GET /badges/:id',
  'GET /badges/check',
  'POST /badges/check',
  'POST /api/v1/badges/verify',
  // Dynamic Registration is opened by the platform for its administrator: the platform's one-time registration token
  // is the authority; the Canvas developer key is Packway's public configuration (addresses and scopes, no secret)
  'GET /lti/register',
  'GET /lti/canvas.json',
];

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

const routes = () =>
  t.routes().map((r) => {
    const guards = r.handlers.map(guardOf);
    return { name: `${r.method.toUpperCase()} ${r.fullPath}`, guards, first: guards[0] };
  });

describe('the guard on every route', () => {
  it('finds the app’s routes', () => {
    // the check below is only as good as this: a walker that found nothing would pass it
    expect(routes().length).toBeGreaterThan(120);
  });

  it('is the first handler of every route, and the only one', () => {
    const unguarded = routes()
      .filter((r) => !r.first || r.guards.filter(Boolean).length !== 1)
      .map((r) => r.name);
    expect(unguarded).toEqual([]);
  });

  it('is public only on the routes listed as public', () => {
    const open = routes()
      .filter((r) => r.first?.public)
      .map((r) => r.name);
    expect(open.sort()).toEqual([...PUBLIC].sort());
  });

  it('is listed here for every route (a change to who may use a route shows in review)', () => {
    const table = routes()
      .map((r) => `${r.name.padEnd(60)} ${r.first?.name ?? 'NO GUARD'}`)
      .join('\n');
    expect(`\n${table}\n`).toMatchSnapshot();
  });
});
