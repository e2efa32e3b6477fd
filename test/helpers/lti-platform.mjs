// A learning platform for the LTI tests: `oidc-provider` (a certified OpenID Provider) in its own process, on loopback,
// issuing LTI 1.3 launch id_tokens through a real authorisation request (response_type id_token, response_mode
// form_post, prompt none), with the LTI claims of each launch added to the token, and a few LMS pages around it:
//
//   node test/helpers/lti-platform.mjs '{"clients":[…]}'     prints "READY <port>" once listening
//
//   GET  /lms/signin?login=…             signs the browser in to the platform (as a person signs in to Moodle first)
//   GET  /lms/course/:hint?tool=…        a course page: Packway in an iframe, started by a login initiation form
//   PUT  /__test/accounts  {login: {claims}}          who exists on the platform
//   PUT  /__test/launches  {hint: {claims}}           the LTI claims a launch with lti_message_hint=hint carries
//   POST /__test/tamper    {mode}                     re-sign the next launches' id_token wrongly: issuer | audience |
//                                                     unknown-key | unsigned | expired | several-audiences | none
//   POST /__test/jwks      {down}                     the key set answers 503 while down
//   POST /__test/rotate                               a new signing key (the old one still published)
//   GET  /__test/stats                                {jwksFetches, tokenRequests, lastAssertion, nrpsPages}
//   POST /__test/token     {down}                     the token endpoint answers 503 while down
//   POST /__test/ags       {status}                   the score endpoint answers this status (0: as it should)
//   GET  /__test/scores                               the scores received, in order
//   PUT  /__test/roster    {course: {members, generate, pageSize}}   a course's members (NRPS), served at
//                          GET /nrps/:course/memberships in pages of pageSize, `generate` more made up (m1, m2 …)
//   POST /__test/nrps      {down}                     the membership endpoint answers 503 while down
//   POST /lms/deep-link-return                        a deep linking answer (form field JWT), checked with the tool's
//                                                     key set (settings.toolJwksUri): iss the client id, aud the issuer
//   GET  /__test/deep-links                           the answers received: {claims} or {error}
//   GET  /lms/openid-configuration                    the platform's configuration for Dynamic Registration
//   POST /lms/register                                a stand-in registration endpoint: takes the tool's
//                                                     configuration with the registration token set by
//   PUT  /__test/registration {token}                 and answers a client id and deployment
//   GET  /__test/registrations                        the tool configurations it took
//   GET  /lms/register-tool?tool=…&token=…            the platform's page that opens the tool's registration in a
//                                                     frame and, told {subject: org.imsglobal.lti.close}, closes it
//
// Assignment and Grade Services: the tool's client (when the test names its key set, `toolJwksUri`) may use the
// provider's client_credentials grant, authenticated by a client assertion signed with the tool's key
// (private_key_jwt); the score endpoint below (POST /ags/lineitems/:id/scores) takes only a live access token the
// provider issued with the score scope, found in the provider's own store.
//
// The provider refuses http (and localhost) redirect URIs for clients of the implicit flow, which an LTI tool is; the
// tests run Packway on http loopback, so those two client-schema checks are relaxed here, and only here.

import { Buffer } from 'node:buffer';
import http from 'node:http';
import { createRemoteJWKSet, generateKeyPair, exportJWK, importJWK, jwtVerify, SignJWT } from 'jose';
import Provider from 'oidc-provider';

const settings = JSON.parse(process.argv[2] ?? '{}');
const prefix = '/platform';
const CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
const LTI_CLAIMS = [
  'message_type',
  'version',
  'deployment_id',
  'target_link_uri',
  'roles',
  'context',
  'resource_link',
  'custom',
  'launch_presentation',
  'tool_platform',
].map((c) => CLAIM + c);
const SERVICE_CLAIMS = [
  'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
  'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
  'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
];

let accounts = {};
let launches = {};
let keys = [await newKey('platform-key-1')];
let tamper = 'none';
let jwksDown = false;
let jwksFetches = 0;
let tokenDown = false;
let tokenRequests = 0;
let lastAssertion = null;
let scoreStatus = 0;
let rosters = {};
let nrpsDown = false;
let nrpsPages = 0;
const deepLinks = [];
let registrationToken = null;
const registrations = [];
const scores = [];
const AGS_SCORE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';
const NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
const SERVICE_SCOPES = [
  AGS_SCORE,
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
];
let provider;
let port;

async function newKey(kid) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

const escapeHtml = (s) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

function build() {
  provider = new Provider(`http://127.0.0.1:${port}${prefix}`, {
    clients: [
      ...settings.clients,
      {
        // the platform's own portal, through which people sign in to the platform
        client_id: 'lms-portal',
        client_secret: 'the-platform-portal-secret',
        response_types: ['code'],
        grant_types: ['authorization_code'],
        redirect_uris: [`http://127.0.0.1:${port}/lms/home`],
      },
    ],
    jwks: { keys },
    cookies: { keys: ['test-platform-cookie-key'] },
    responseTypes: ['id_token', 'code'],
    pkce: { required: () => false },
    conformIdTokenClaims: false,
    extraParams: ['lti_message_hint', 'lti_deployment_id'],
    claims: {
      openid: [
        'sub',
        'email',
        'email_verified',
        'name',
        'given_name',
        'family_name',
        ...LTI_CLAIMS,
        ...SERVICE_CLAIMS,
      ],
    },
    scopes: ['openid', ...SERVICE_SCOPES],
    // the provider refuses to fetch from loopback addresses (SSRF protection), and the tool's key set is on loopback
    // in the tests: fetched here without that check, and only here
    fetch: (url, options) => globalThis.fetch(url, { ...options, dispatcher: undefined }),
    features: { devInteractions: { enabled: false }, clientCredentials: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/lms/interaction/${interaction.uid}` },
    // the platform's own tool: people are never asked to consent to it
    async loadExistingGrant(ctx) {
      const grantId =
        ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid');
      await grant.save();
      ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId, grant.jti);
      return grant;
    },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      const hint = ctx.oidc?.params?.lti_message_hint;
      const launch = (hint && launches[hint]) || {};
      return { accountId: id, claims: () => ({ sub: id, ...account.claims, ...launch }) };
    },
  });
  const invalidate = provider.Client.Schema.prototype.invalidate;
  provider.Client.Schema.prototype.invalidate = function (message, code) {
    if (code === 'implicit-force-https' || code === 'implicit-forbid-localhost') return;
    return invalidate.call(this, message, code);
  };
  provider.proxy = false;
  // why a token request was refused, for whoever runs the tests (the tool sees only invalid_client)
  provider.on('grant.error', (_ctx, err) =>
    console.error(
      `token refused: ${err.message} ${err.error_description ?? ''} ${err.error_detail ?? ''} ${err.cause?.message ?? ''} ${err.cause?.cause?.message ?? ''}`,
    ),
  );
  provider.use(async (ctx, next) => {
    if (ctx.path === '/token') {
      tokenRequests++;
      if (tokenDown) {
        ctx.status = 503;
        ctx.body = 'down for maintenance';
        return;
      }
    }
    if (ctx.path === '/jwks') {
      jwksFetches++;
      if (jwksDown) {
        ctx.status = 503;
        ctx.body = 'down for maintenance';
        return;
      }
    }
    await next();
    const assertion = ctx.path === '/token' ? ctx.oidc?.params?.client_assertion : undefined;
    if (assertion) lastAssertion = JSON.parse(Buffer.from(assertion.split('.')[1], 'base64url').toString());
    if (tamper !== 'none' && typeof ctx.body === 'string' && ctx.body.includes('name="id_token"')) {
      const match = /name="id_token" value="([^"]+)"/.exec(ctx.body);
      if (match) ctx.body = ctx.body.replace(match[1], await resign(match[1]));
    }
  });
}

async function resign(idToken) {
  const payload = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString());
  let key = keys[0];
  if (tamper === 'issuer') payload.iss = 'https://lms.example.net/another-platform';
  if (tamper === 'audience') payload.aud = 'somebody-elses-tool';
  if (tamper === 'several-audiences') {
    payload.aud = [payload.aud, 'another-tool'];
    delete payload.azp;
  }
  if (tamper === 'expired') {
    payload.iat = Math.floor(Date.now() / 1000) - 7200;
    payload.exp = payload.iat + 600;
  }
  if (tamper === 'unsigned') {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
  }
  if (tamper === 'unknown-key') key = await newKey('never-published');
  const signingKey = await importJWK(key, 'RS256');
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(signingKey);
}

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

async function readBody(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

function send(res, status, html, headers = {}) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(html);
}

/** The platform's sign-in: an authorisation request for the platform's own portal client, which needs a login. */
function signIn(res, url) {
  const auth = new globalThis.URL(`http://127.0.0.1:${port}${prefix}/auth`);
  auth.search = new URLSearchParams({
    client_id: 'lms-portal',
    response_type: 'code',
    scope: 'openid',
    redirect_uri: `http://127.0.0.1:${port}/lms/home`,
    login_hint: url.searchParams.get('login') ?? '',
  }).toString();
  res.writeHead(303, { location: auth.href });
  res.end();
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (details.prompt.name === 'login') {
    // the platform knows who is at the keyboard (login_hint); a real LMS would show its own login page here
    const login = details.params.login_hint;
    if (!accounts[login]) return send(res, 400, page('Unknown person', `<p>${escapeHtml(login)}</p>`));
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: login } },
      { mergeWithLastSubmission: false },
    );
  }
  const grant = new provider.Grant({
    accountId: details.session.accountId,
    clientId: details.params.client_id,
  });
  grant.addOIDCScope('openid');
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/** A course page: Packway in a frame, opened by the platform's login initiation form posted into it. */
function course(res, hint, url) {
  const tool = url.searchParams.get('tool');
  const launch = launches[hint];
  if (!tool || !launch) return send(res, 404, page('No such course', ''));
  const fields = {
    iss: `http://127.0.0.1:${port}${prefix}`,
    login_hint: url.searchParams.get('login') ?? '',
    target_link_uri: launch[`${CLAIM}target_link_uri`],
    lti_message_hint: hint,
    lti_deployment_id: launch[`${CLAIM}deployment_id`],
    client_id: url.searchParams.get('client_id') ?? '',
  };
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`)
    .join('');
  const title = launch[`${CLAIM}context`]?.title ?? 'Course';
  send(
    res,
    200,
    page(
      title,
      `<form id="launch" method="post" action="${escapeHtml(tool)}/lti/login" target="tool">${inputs}
<button type="submit">Open Packway</button></form>
<iframe name="tool" id="tool" title="Packway" width="1000" height="700"></iframe>`,
    ),
  );
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** AGS: a score for a line item, taken only with a live access token of the provider's carrying the score scope. */
async function postScore(req, res, lineitem) {
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer && (await provider.ClientCredentials.find(bearer));
  if (!token || token.isExpired) return json(res, 401, { error: 'invalid_token' });
  if (!(token.scope ?? '').split(' ').includes(AGS_SCORE))
    return json(res, 403, { error: 'insufficient_scope' });
  if (req.headers['content-type'] !== 'application/vnd.ims.lis.v1.score+json')
    return json(res, 415, { error: 'unsupported media type' });
  const score = JSON.parse(await readBody(req));
  if (scoreStatus) return json(res, scoreStatus, { error: 'as the test asked' });
  if (typeof score.userId !== 'string' || typeof score.timestamp !== 'string')
    return json(res, 400, { error: 'userId and timestamp are required' });
  scores.push({ lineitem, clientId: token.clientId, score });
  res.writeHead(204);
  res.end();
}

/** The n-th made-up member of a course's roster (from 1). */
const madeUp = (course, n) => ({
  user_id: `${course}-m${n}`,
  status: 'Active',
  name: `Member ${n}`,
  email: `${course}-m${n}@roster.example.org`,
  roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
});

/** NRPS: a course's members, a page at a time (Link rel="next"), only with a live token carrying the NRPS scope. */
async function memberships(req, res, course, url) {
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer && (await provider.ClientCredentials.find(bearer));
  if (!token || token.isExpired) return json(res, 401, { error: 'invalid_token' });
  if (!(token.scope ?? '').split(' ').includes(NRPS_SCOPE))
    return json(res, 403, { error: 'insufficient_scope' });
  if (nrpsDown) return json(res, 503, { error: 'down for maintenance' });
  const roster = rosters[course];
  if (!roster) return json(res, 404, { error: 'no such course' });
  nrpsPages++;
  const explicit = roster.members ?? [];
  const total = explicit.length + (roster.generate ?? 0);
  const size = roster.pageSize ?? 100;
  const from = Number(url.searchParams.get('from') ?? 0);
  const members = [];
  for (let i = from; i < Math.min(total, from + size); i++)
    members.push(i < explicit.length ? explicit[i] : madeUp(course, i - explicit.length + 1));
  const headers = { 'content-type': 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json' };
  if (from + size < total) {
    const next = new globalThis.URL(`${url.pathname}${url.search}`, `http://127.0.0.1:${port}`);
    next.searchParams.set('from', String(from + size));
    headers.link = `<${next.href}>; rel="next"`;
  }
  res.writeHead(200, headers);
  res.end(JSON.stringify({ id: url.href, context: { id: course }, members }));
}

/** The tool's deep linking answer, checked as a platform checks it: signature by the tool's published key, iss, aud. */
async function deepLinkReturn(req, res) {
  const jwt = new URLSearchParams(await readBody(req)).get('JWT') ?? '';
  try {
    const toolKeys = createRemoteJWKSet(new globalThis.URL(settings.toolJwksUri));
    const { payload } = await jwtVerify(jwt, toolKeys, {
      issuer: settings.clients[0].client_id,
      audience: `http://127.0.0.1:${port}${prefix}`,
      algorithms: ['RS256'],
      requiredClaims: ['iat', 'exp', 'nonce'],
    });
    deepLinks.push({ claims: payload });
    return send(res, 200, page('Activities added', '<p>Packway’s activities were added to the course.</p>'));
  } catch (err) {
    deepLinks.push({ error: err.message });
    return send(res, 400, page('Refused', `<p>${escapeHtml(err.message)}</p>`));
  }
}

/** Dynamic Registration: the platform's OpenID configuration, as Moodle serves it (with the LTI extension). */
function openidConfiguration(res) {
  const issuer = `http://127.0.0.1:${port}${prefix}`;
  return json(res, 200, {
    issuer,
    authorization_endpoint: `${issuer}/auth`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    registration_endpoint: `http://127.0.0.1:${port}/lms/register`,
    scopes_supported: ['openid', ...SERVICE_SCOPES],
    response_types_supported: ['id_token'],
    id_token_signing_alg_values_supported: ['RS256'],
    'https://purl.imsglobal.org/spec/lti-platform-configuration': {
      product_family_code: 'moodle',
      version: '4.5',
    },
  });
}

/** The administrator's page at the platform: the tool's registration in a frame, closed when the tool says so. */
function registerToolPage(res, url) {
  const tool = url.searchParams.get('tool') ?? '';
  const register = new globalThis.URL('/lti/register', tool);
  register.search = new URLSearchParams({
    openid_configuration: `http://127.0.0.1:${port}/lms/openid-configuration`,
    registration_token: url.searchParams.get('token') ?? '',
  }).toString();
  const toolOrigin = new globalThis.URL(tool).origin;
  send(
    res,
    200,
    page(
      'Add an LTI Advantage tool',
      `<p id="status">Registering…</p>
<iframe id="registration" title="Tool registration" width="800" height="500" src="${escapeHtml(register.href)}"></iframe>
<script>
window.addEventListener('message', (event) => {
  if (event.origin !== ${JSON.stringify(toolOrigin)} || event.data?.subject !== 'org.imsglobal.lti.close') return;
  document.getElementById('registration').remove();
  document.getElementById('status').textContent = 'Tool registered';
});
</script>`,
    ),
  );
}

/** A stand-in registration endpoint: the one-time token, then a client id and a deployment for the tool. */
async function registerTool(req, res) {
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!registrationToken || bearer !== registrationToken) return json(res, 401, { error: 'invalid_token' });
  registrationToken = null; // one-time
  const tool = JSON.parse(await readBody(req));
  registrations.push(tool);
  const config = tool['https://purl.imsglobal.org/spec/lti-tool-configuration'] ?? {};
  return json(res, 200, {
    ...tool,
    client_id: `dynamic-client-${registrations.length}`,
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      ...config,
      deployment_id: `dyn-${registrations.length}`,
    },
  });
}

async function control(req, res, path) {
  if (path === '/__test/stats')
    return json(res, 200, { jwksFetches, tokenRequests, lastAssertion, nrpsPages });
  if (path === '/__test/scores') return json(res, 200, scores);
  if (path === '/__test/deep-links') return json(res, 200, deepLinks);
  if (path === '/__test/registrations') return json(res, 200, registrations);
  const body = JSON.parse((await readBody(req)) || '{}');
  if (path === '/__test/accounts') accounts = body;
  else if (path === '/__test/launches') launches = { ...launches, ...body };
  else if (path === '/__test/tamper') tamper = body.mode;
  else if (path === '/__test/jwks') jwksDown = Boolean(body.down);
  else if (path === '/__test/token') tokenDown = Boolean(body.down);
  else if (path === '/__test/ags') scoreStatus = Number(body.status ?? 0);
  else if (path === '/__test/roster') rosters = { ...rosters, ...body };
  else if (path === '/__test/nrps') nrpsDown = Boolean(body.down);
  else if (path === '/__test/registration') registrationToken = body.token ?? null;
  else if (path === '/__test/rotate') {
    keys = [await newKey(`platform-key-${keys.length + 1}`), ...keys];
    build();
  } else return send(res, 404, '');
  res.writeHead(204);
  res.end();
}

const server = http.createServer((req, res) => {
  const url = new globalThis.URL(req.url, 'http://127.0.0.1');
  const done = (err) => {
    if (!err) return;
    console.error(err);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  };
  if (url.pathname.startsWith('/__test/')) return control(req, res, url.pathname).catch(done);
  const scoreMatch = /^\/ags\/lineitems\/([^/]+)\/scores$/.exec(url.pathname);
  if (scoreMatch && req.method === 'POST')
    return postScore(req, res, decodeURIComponent(scoreMatch[1])).catch(done);
  const rosterMatch = /^\/nrps\/([^/]+)\/memberships$/.exec(url.pathname);
  if (rosterMatch) return memberships(req, res, decodeURIComponent(rosterMatch[1]), url).catch(done);
  if (url.pathname === '/lms/deep-link-return' && req.method === 'POST')
    return deepLinkReturn(req, res).catch(done);
  if (url.pathname === '/lms/openid-configuration') return openidConfiguration(res);
  if (url.pathname === '/lms/register-tool') return registerToolPage(res, url);
  if (url.pathname === '/lms/register' && req.method === 'POST') return registerTool(req, res).catch(done);
  if (url.pathname === '/lms/signin') return signIn(res, url);
  if (url.pathname === '/lms/home') return send(res, 200, page('Your courses', '<p>Signed in.</p>'));
  const step = /^\/lms\/interaction\/([^/]+)$/.exec(url.pathname);
  if (step) return interaction(req, res, step[1]).catch(done);
  const courseMatch = /^\/lms\/course\/([^/]+)$/.exec(url.pathname);
  if (courseMatch) return course(res, decodeURIComponent(courseMatch[1]), url);
  if (!url.pathname.startsWith(prefix)) return send(res, 404, '');
  req.originalUrl = req.url;
  req.url = req.url.slice(prefix.length) || '/';
  return provider.callback()(req, res);
});

server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  build();
  process.stdout.write(`READY ${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
