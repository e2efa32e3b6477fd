import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';
import {
  CLAIM,
  DEPLOYMENT_ID,
  LTI_CLIENT_ID,
  PlatformBrowser,
  ROLE,
  launchClaims,
  launchOnce,
  startTestPlatform,
  type TestPlatform,
} from '../helpers/lti';

/**
 * Deep Linking 2.0 against a real OpenID Provider acting as the platform: a teacher's LtiDeepLinkingRequest launch
 * lands on the picker; their choice comes back as an LtiDeepLinkingResponse JWT in a form posted to the platform's
 * return URL, which the platform checks against Packway's published key set (fetched from a listening Packway).
 */

const PUBLIC_URL = 'http://packway.test';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';

let platform: TestPlatform;
let t: TestApp;
let server: http.Server;
let hints = 0;

beforeAll(async () => {
  t = await makeTestApp({ env: { PUBLIC_URL } });
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  platform = await startTestPlatform({
    redirectUris: [`${PUBLIC_URL}/lti/launch`],
    toolJwksUri: `http://127.0.0.1:${port}/lti/jwks`,
  });
  const admin = await t.user('admin');
  await t.services.lti.register(
    { id: admin.id, email: admin.email, name: 'Admin', role: 'admin' },
    {
      name: 'Test Moodle',
      issuer: platform.issuer,
      clientId: LTI_CLIENT_ID,
      deploymentIds: [DEPLOYMENT_ID],
      authLoginUrl: platform.authLoginUrl,
      tokenUrl: platform.tokenUrl,
      jwksUrl: platform.jwksUrl,
      adminRole: 'trainer',
      trustEmail: false,
    },
  );
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
  await platform.stop();
});

async function deepLinkingLaunch(
  login: string,
  role: string,
  options: { data?: string; acceptMultiple?: boolean } = {},
) {
  await platform.setAccounts({
    [login]: { claims: { email: `${login}@council.example.gov.uk`, name: `Person ${login}` } },
  });
  const browser = new PlatformBrowser(platform);
  await browser.signIn(login);
  return launchOnce(
    t.app,
    platform,
    browser,
    login,
    launchClaims({
      roles: [role],
      contextId: `dl-${login}`,
      deepLinking: { returnUrl: platform.deepLinkReturnUrl, ...options },
    }),
    `dl-${++hints}`,
  );
}

const field = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`)
    .exec(html)?.[1]
    ?.replace(/&#34;|&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe('deep linking', () => {
  it("a teacher picks modules; the platform takes Packway's signed answer", async () => {
    const launched = await deepLinkingLaunch('dina', ROLE.instructor, { data: 'opaque-platform-data' });
    expect(launched.status).toBe(303);
    expect(launched.location).toMatch(/^\/lti\/deep-linking\/[\w-]+$/);
    const picker = await request(t.app).get(launched.location!).set('Cookie', launched.cookie!);
    expect(picker.status).toBe(200);
    expect(picker.text).toContain('Add Packway to your course');
    expect(picker.text).toContain('value="intro-welcome"');
    expect(picker.text).toContain('type="checkbox"');
    expect(picker.headers['content-security-policy']).toContain(`frame-ancestors ${platform.origin}`);

    // nothing chosen: the picker again, with the problem
    const csrf = field(picker.text, '_csrf')!;
    const none = await request(t.app)
      .post(launched.location!)
      .set('Cookie', launched.cookie!)
      .type('form')
      .send({ _csrf: csrf });
    expect(none.status).toBe(422);
    expect(none.text).toContain('Choose at least one module');

    const chosen = await request(t.app)
      .post(launched.location!)
      .set('Cookie', launched.cookie!)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrf)}&modules=intro-welcome&modules=area-listening`);
    expect(chosen.status).toBe(200);
    expect(chosen.text).toContain(`action="${platform.deepLinkReturnUrl}"`);
    expect(chosen.text).toContain('<script src="/static/js/lti-autosubmit.js" defer></script>');
    expect(chosen.text).not.toMatch(/<script>(?!<\/script>)/);
    expect(chosen.headers['content-security-policy']).toMatch(
      new RegExp(`form-action 'self' ${platform.origin}`),
    );

    // the browser's auto-submitted form, as the platform receives it (which refuses one altered on the way)
    const jwt = field(chosen.text, 'JWT')!;
    const [header, payload, signature] = jwt.split('.');
    const altered = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    altered[`${CLAIM}deployment_id`] = 'another-deployment';
    const forged = await fetch(platform.deepLinkReturnUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        JWT: `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`,
      }),
    });
    expect(forged.status).toBe(400);
    const returned = await fetch(platform.deepLinkReturnUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ JWT: jwt }),
    });
    expect(returned.status).toBe(200);
    const [answer] = (await platform.deepLinks()).slice(-1);
    expect(answer.error).toBeUndefined();
    const claims = answer.claims!;
    expect(claims).toMatchObject({
      iss: LTI_CLIENT_ID,
      aud: platform.issuer,
      [`${CLAIM}message_type`]: 'LtiDeepLinkingResponse',
      [`${CLAIM}version`]: '1.3.0',
      [`${CLAIM}deployment_id`]: DEPLOYMENT_ID,
      [`${DL}data`]: 'opaque-platform-data',
    });
    expect(claims[`${DL}content_items`]).toEqual([
      {
        type: 'ltiResourceLink',
        title: expect.any(String),
        text: expect.any(String),
        url: `${PUBLIC_URL}/modules/intro-welcome`,
        custom: { module: 'intro-welcome' },
        lineItem: { scoreMaximum: 1, label: expect.any(String), resourceId: 'intro-welcome' },
      },
      expect.objectContaining({
        url: `${PUBLIC_URL}/modules/area-listening`,
        custom: { module: 'area-listening' },
      }),
    ]);

    // answered once: the picker's address is spent
    const again = await request(t.app).get(launched.location!).set('Cookie', launched.cookie!);
    expect(again.status).toBe(404);
  });

  it('a platform taking one item gets radios and one module at most', async () => {
    const launched = await deepLinkingLaunch('odin', ROLE.instructor, { acceptMultiple: false });
    const picker = await request(t.app).get(launched.location!).set('Cookie', launched.cookie!);
    expect(picker.text).toContain('type="radio"');
    const two = await request(t.app)
      .post(launched.location!)
      .set('Cookie', launched.cookie!)
      .type('form')
      .send(
        `_csrf=${encodeURIComponent(field(picker.text, '_csrf')!)}&modules=intro-welcome&modules=area-listening`,
      );
    expect(two.status).toBe(422);
    expect(two.text).toContain('choose one');
  });

  it('refuses a learner, and someone else than the teacher who asked', async () => {
    const learner = await deepLinkingLaunch('lars', ROLE.learner);
    expect(learner.status).toBe(403);
    expect(learner.text).toContain('Only the teachers of a course can add Packway activities');
    const teacher = await deepLinkingLaunch('tove', ROLE.instructor);
    const other = await deepLinkingLaunch('tim', ROLE.instructor);
    const res = await request(t.app).get(teacher.location!).set('Cookie', other.cookie!);
    expect(res.status).toBe(404);
  });
});
