// A real OpenID Provider for the tests: the `oidc-provider` package (a certified implementation) in its own process,
// on loopback, with an issuer path and claims shaped like Microsoft Entra ID's (tid, oid, roles, email, xms_edov,
// preferred_username). It is ESM-only, so it runs here and not inside jest.
//
//   node test/helpers/oidc-provider.mjs '{"tenant":"…","clients":[…]}'
// prints "READY <port>" once listening. The test drives it through its own login page and a few /__test/ endpoints:
//   PUT  /__test/accounts  {login: {password, claims}}  who can sign in, with which claims
//   POST /__test/rotate                                 a new signing key (the old one still published)
//   POST /__test/tamper    {mode}                       re-sign the next token responses' ID token wrongly:
//                                                       issuer | audience | nonce | unknown-key | none

import { Buffer } from 'node:buffer';
import http from 'node:http';
import { generateKeyPair, exportJWK, importJWK, SignJWT } from 'jose';
import Provider from 'oidc-provider';

const settings = JSON.parse(process.argv[2] ?? '{}');
const tenant = settings.tenant ?? '11111111-2222-3333-4444-555555555555';
const prefix = `/${tenant}/v2.0`;

let accounts = {};
let keys = [await newKey('key-1')];
let tamper = 'none';
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
    clients: settings.clients,
    jwks: { keys },
    cookies: { keys: ['test-provider-cookie-key'] },
    pkce: { required: () => true },
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub', 'tid', 'oid', 'roles', 'groups'],
      email: ['email', 'email_verified', 'xms_edov'],
      profile: ['name', 'preferred_username'],
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
    },
    interactions: { url: (_ctx, interaction) => `${prefix}/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...account.claims }) };
    },
  });
  provider.proxy = false;
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'token' && tamper !== 'none' && ctx.body?.id_token) {
      ctx.body = { ...ctx.body, id_token: await resign(ctx.body.id_token) };
    }
  });
}

async function resign(idToken) {
  const payload = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString());
  let key = keys[0];
  if (tamper === 'issuer') payload.iss = 'https://login.example.net/another-tenant/v2.0';
  if (tamper === 'audience') payload.aud = 'somebody-elses-app';
  if (tamper === 'nonce') payload.nonce = 'not-the-nonce-that-was-sent';
  if (tamper === 'unknown-key') key = await newKey('never-published');
  const signingKey = await importJWK(key, 'RS256');
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(signingKey);
}

function loginPage(uid, error = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title></head>
<body><main><h1>Test Organisation: sign in to your account</h1>
${error ? `<p role="alert" id="error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${prefix}/interaction/${escapeHtml(uid)}/login">
<label for="login">Username</label> <input id="login" name="login" autocomplete="username">
<label for="password">Password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in</button></form></main></body></html>`;
}

async function readBody(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (details.prompt.name === 'consent') {
    // organisations consent for their staff once (admin consent), so no one is asked here
    const grant = new provider.Grant({
      accountId: details.session.accountId,
      clientId: details.params.client_id,
    });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }
  if (action !== 'login' || req.method !== 'POST') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(loginPage(uid));
  }
  const form = new URLSearchParams(await readBody(req));
  const account = accounts[form.get('login') ?? ''];
  if (!account || account.password !== form.get('password')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(loginPage(uid, 'Your account or password is incorrect.'));
  }
  return provider.interactionFinished(
    req,
    res,
    { login: { accountId: form.get('login') } },
    { mergeWithLastSubmission: false },
  );
}

async function control(req, res, path) {
  const body = req.method === 'GET' ? '' : await readBody(req);
  if (path === '/__test/accounts') accounts = JSON.parse(body);
  else if (path === '/__test/rotate') {
    keys = [await newKey(`key-${keys.length + 1}`), ...keys];
    build();
  } else if (path === '/__test/tamper') tamper = JSON.parse(body).mode;
  else {
    res.writeHead(404);
    return res.end();
  }
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
  const step = new RegExp(`^${prefix}/interaction/([^/]+)(?:/(login))?$`).exec(url.pathname);
  if (step) return interaction(req, res, step[1], step[2]).catch(done);
  if (!url.pathname.startsWith(prefix)) {
    res.writeHead(404);
    return res.end();
  }
  req.originalUrl = req.url;
  req.url = req.url.slice(prefix.length) || '/';
  return provider.callback()(req, res);
});

server.listen(settings.port ?? 0, '127.0.0.1', () => {
  port = server.address().port;
  build();
  process.stdout.write(`READY ${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
