import request from 'supertest';
import { makeTestApp, type TestApp } from '../helpers/app';
import { startTestPlatform, type TestPlatform } from '../helpers/lti';
import { callableUrl } from '../../src/lti/registration.service';

/**
 * LTI Dynamic Registration against the test platform's configuration and a stand-in registration endpoint (one-time
 * bearer token), and the Canvas developer key JSON.
 */

const PUBLIC_URL = 'http://packway.test';
const TOOL = 'https://purl.imsglobal.org/spec/lti-tool-configuration';

let platform: TestPlatform;
let t: TestApp;

beforeAll(async () => {
  platform = await startTestPlatform({ redirectUris: [`${PUBLIC_URL}/lti/launch`] });
  t = await makeTestApp({ env: { PUBLIC_URL } });
});
afterAll(async () => {
  await t.close();
  await platform.stop();
});

const register = (token: string, configUrl = platform.openidConfigurationUrl) =>
  request(t.app).get('/lti/register').query({ openid_configuration: configUrl, registration_token: token });

describe('dynamic registration', () => {
  it('registers Packway with the platform and keeps the platform it was given, without a Packway sign-in', async () => {
    await platform.setRegistrationToken('one-time-token');
    const res = await register('one-time-token');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Packway is registered');
    expect(res.text).toContain('<script src="/static/js/lti-close.js" defer></script>');
    expect(res.text).toContain(`data-origin="${platform.origin}"`);
    expect(res.headers['content-security-policy']).toContain(`frame-ancestors ${platform.origin}`);
    expect(res.headers['x-frame-options']).toBeUndefined();

    const [tool] = await platform.registrations();
    expect(tool).toMatchObject({
      initiate_login_uri: `${PUBLIC_URL}/lti/login`,
      redirect_uris: [`${PUBLIC_URL}/lti/launch`],
      jwks_uri: `${PUBLIC_URL}/lti/jwks`,
      client_name: 'Packway',
      logo_uri: expect.stringMatching(/^http:\/\/packway\.test\//),
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['implicit', 'client_credentials'],
    });
    expect(String(tool.scope).split(' ')).toEqual(
      expect.arrayContaining([
        'https://purl.imsglobal.org/spec/lti-ags/scope/score',
        'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
      ]),
    );
    expect((tool[TOOL] as { messages: { type: string }[] }).messages.map((m) => m.type)).toEqual([
      'LtiResourceLinkRequest',
      'LtiDeepLinkingRequest',
    ]);

    const [stored] = await t.services.lti.platforms();
    expect(stored).toMatchObject({
      name: 'Moodle at 127.0.0.1:' + new URL(platform.origin).port,
      issuer: platform.issuer,
      clientId: 'dynamic-client-1',
      deploymentIds: ['dyn-1'],
      authLoginUrl: platform.authLoginUrl,
      tokenUrl: platform.tokenUrl,
      jwksUrl: platform.jwksUrl,
      registeredVia: 'dynamic',
    });
    const audit = await t.db.get<{ actor_id: number | null; detail: string }>(
      `SELECT actor_id, detail FROM audit_log WHERE action = 'lti.platform-registered'`,
    );
    expect(audit).toEqual({ actor_id: null, detail: expect.stringContaining('dynamic registration') });
  });

  it('refuses a spent token, a configuration naming another platform, and no configuration at all', async () => {
    const spent = await register('one-time-token');
    expect(spent.status).toBe(502);
    expect(spent.text).toContain('Packway could not be registered');
    expect(spent.headers['content-security-policy']).toContain(`frame-ancestors ${platform.origin}`);

    // read from localhost, the configuration says its issuer is on 127.0.0.1
    await platform.setRegistrationToken('another-token');
    const elsewhere = await register(
      'another-token',
      platform.openidConfigurationUrl.replace('127.0.0.1', 'localhost'),
    );
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.text).toContain('names another platform');

    const none = await request(t.app).get('/lti/register');
    expect(none.status).toBe(400);
    expect(none.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const refusals = await t.db.all(`SELECT detail FROM audit_log WHERE action = 'lti.registration-refused'`);
    // the two attempts the platform made (a bare request names no platform to audit)
    expect(refusals).toHaveLength(2);
    expect(await t.services.lti.platforms()).toHaveLength(1);
  });
});

describe('the Canvas developer key', () => {
  it('is served as JSON with Packway addresses, scopes and deep linking placements', async () => {
    const res = await request(t.app).get('/lti/canvas.json');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      title: 'Packway',
      oidc_initiation_url: `${PUBLIC_URL}/lti/login`,
      target_link_uri: `${PUBLIC_URL}/`,
      public_jwk_url: `${PUBLIC_URL}/lti/jwks`,
      scopes: expect.arrayContaining(['https://purl.imsglobal.org/spec/lti-ags/scope/score']),
    });
    const [canvas] = res.body.extensions as {
      platform: string;
      settings: { placements: { message_type: string }[] };
    }[];
    expect(canvas.platform).toBe('canvas.instructure.com');
    expect(canvas.settings.placements.map((p) => p.message_type)).toEqual([
      'LtiDeepLinkingRequest',
      'LtiDeepLinkingRequest',
    ]);
  });
});

describe('the addresses a registration may make Packway call', () => {
  it('are https, and loopback only outside production (the page is public)', () => {
    expect(
      callableUrl('https://moodle.example.ac.uk/mod/lti/openid-configuration.php', false),
    ).not.toBeNull();
    expect(callableUrl('http://moodle.example.ac.uk/openid-configuration', false)).toBeNull();
    expect(callableUrl('http://127.0.0.1:8080/openid-configuration', false)).toBeNull();
    expect(callableUrl('https://localhost/openid-configuration', false)).toBeNull();
    expect(callableUrl('http://localhost:8080/openid-configuration', true)).not.toBeNull();
    expect(callableUrl('https://user:secret@moodle.example.ac.uk/', true)).toBeNull();
  });
});
