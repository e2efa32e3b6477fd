import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { CookieBrowser } from './cookie-browser';

/**
 * A learning platform (the `oidc-provider` package acting as an LTI 1.3 platform) in a child process on loopback; see
 * test/helpers/lti-platform.mjs.
 */
export const LTI_CLIENT_ID = 'packway-lti-tests';
export const DEPLOYMENT_ID = 'deployment-1';
export const CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
export const ROLE = {
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  teachingAssistant: 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant',
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  administrator: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
  mentor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor',
};

export type PlatformTamper =
  'issuer' | 'audience' | 'unknown-key' | 'unsigned' | 'expired' | 'several-audiences' | 'none';

export interface TestPlatform {
  issuer: string;
  origin: string;
  authLoginUrl: string;
  jwksUrl: string;
  tokenUrl: string;
  setAccounts(accounts: Record<string, { claims: Record<string, unknown> }>): Promise<void>;
  setLaunches(launches: Record<string, Record<string, unknown>>): Promise<void>;
  tamper(mode: PlatformTamper): Promise<void>;
  jwksDown(down: boolean): Promise<void>;
  rotateKeys(): Promise<void>;
  jwksFetches(): Promise<number>;
  tokenRequests(): Promise<number>;
  /** The claims of the last client assertion the token endpoint was given. */
  lastAssertion(): Promise<Record<string, unknown> | null>;
  /** The token endpoint answers 503 while down. */
  tokenDown(down: boolean): Promise<void>;
  /** The score endpoint answers this status (0: as it should). */
  scoreStatus(status: number): Promise<void>;
  /** The scores the platform took, in order. */
  scores(): Promise<ReceivedScore[]>;
  /** A course's members as the platform's NRPS endpoint lists them (`generate` more made up: `${course}-m1` …). */
  setRoster(
    course: string,
    roster: { members?: Record<string, unknown>[]; generate?: number; pageSize?: number },
  ): Promise<void>;
  /** The membership endpoint answers 503 while down. */
  nrpsDown(down: boolean): Promise<void>;
  nrpsPages(): Promise<number>;
  /** The deep linking answers the platform took (checked with the tool's keys), or why it refused them. */
  deepLinks(): Promise<{ claims?: Record<string, unknown>; error?: string }[]>;
  /** The one-time token the stand-in registration endpoint takes next (null: none). */
  setRegistrationToken(token: string | null): Promise<void>;
  /** The tool configurations the registration endpoint took. */
  registrations(): Promise<Record<string, unknown>[]>;
  /** The platform's OpenID configuration address (Dynamic Registration). */
  openidConfigurationUrl: string;
  /** Where the platform takes deep linking answers. */
  deepLinkReturnUrl: string;
  /** A course's NRPS membership address. */
  memberships(course: string): string;
  /** A line item's address on the platform (its scores are at `{lineitem}/scores`). */
  lineitem(id: string): string;
  stop(): Promise<void>;
}

export interface ReceivedScore {
  lineitem: string;
  clientId: string;
  score: Record<string, unknown>;
}

export const AGS_SCORE_SCOPE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';

export async function startTestPlatform(options: {
  redirectUris: string[];
  /** The tool's key set: its client may then get service tokens (client credentials, private_key_jwt). */
  toolJwksUri?: string;
}): Promise<TestPlatform> {
  const services = options.toolJwksUri
    ? {
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS256',
        jwks_uri: options.toolJwksUri,
        grant_types: ['implicit', 'client_credentials'],
        scope: `openid ${AGS_SCORE_SCOPE} https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly`,
      }
    : { token_endpoint_auth_method: 'none', grant_types: ['implicit'] };
  const settings = {
    toolJwksUri: options.toolJwksUri,
    clients: [
      {
        client_id: LTI_CLIENT_ID,
        response_types: ['id_token'],
        redirect_uris: options.redirectUris,
        ...services,
      },
    ],
  };
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(__dirname, 'lti-platform.mjs'), JSON.stringify(settings)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (process.env.LTI_PLATFORM_DEBUG) process.stderr.write(d);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`test platform exited (${code}): ${stderr}`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  const control = async (what: string, body: unknown, method = 'POST') => {
    const res = await fetch(`${origin}/__test/${what}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 204) throw new Error(`platform ${what}: ${res.status}`);
  };
  const issuer = `${origin}/platform`;
  return {
    issuer,
    origin,
    authLoginUrl: `${issuer}/auth`,
    jwksUrl: `${issuer}/jwks`,
    tokenUrl: `${issuer}/token`,
    setAccounts: (accounts) => control('accounts', accounts, 'PUT'),
    setLaunches: (launches) => control('launches', launches, 'PUT'),
    tamper: (mode) => control('tamper', { mode }),
    jwksDown: (down) => control('jwks', { down }),
    rotateKeys: () => control('rotate', {}),
    async jwksFetches() {
      return ((await (await fetch(`${origin}/__test/stats`)).json()) as { jwksFetches: number }).jwksFetches;
    },
    async tokenRequests() {
      return ((await (await fetch(`${origin}/__test/stats`)).json()) as { tokenRequests: number })
        .tokenRequests;
    },
    async lastAssertion() {
      return (
        (await (await fetch(`${origin}/__test/stats`)).json()) as {
          lastAssertion: Record<string, unknown> | null;
        }
      ).lastAssertion;
    },
    tokenDown: (down) => control('token', { down }),
    scoreStatus: (status) => control('ags', { status }),
    scores: async () => (await (await fetch(`${origin}/__test/scores`)).json()) as ReceivedScore[],
    setRoster: (course, roster) => control('roster', { [course]: roster }, 'PUT'),
    nrpsDown: (down) => control('nrps', { down }),
    async nrpsPages() {
      return ((await (await fetch(`${origin}/__test/stats`)).json()) as { nrpsPages: number }).nrpsPages;
    },
    deepLinks: async () =>
      (await (await fetch(`${origin}/__test/deep-links`)).json()) as {
        claims?: Record<string, unknown>;
        error?: string;
      }[],
    deepLinkReturnUrl: `${origin}/lms/deep-link-return`,
    setRegistrationToken: (token) => control('registration', { token }, 'PUT'),
    registrations: async () =>
      (await (await fetch(`${origin}/__test/registrations`)).json()) as Record<string, unknown>[],
    openidConfigurationUrl: `${origin}/lms/openid-configuration`,
    memberships: (course) => `${origin}/nrps/${encodeURIComponent(course)}/memberships`,
    lineitem: (id) => `${origin}/ags/lineitems/${encodeURIComponent(id)}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The LTI claims of a resource link launch (override any of them). */
export function launchClaims(
  options: {
    roles?: string[];
    contextId?: string;
    contextTitle?: string;
    resourceLinkId?: string;
    target?: string;
    deploymentId?: string;
    messageType?: string;
    version?: string;
    custom?: Record<string, string>;
    returnUrl?: string;
    noContext?: boolean;
    /** The resource link's gradebook column (the AGS endpoint claim). */
    lineitem?: string;
    /** The course's roster (the NRPS claim). */
    membershipsUrl?: string;
    /** A deep linking request (no resource link) answering to this return URL. */
    deepLinking?: { returnUrl: string; data?: string; acceptMultiple?: boolean; acceptTypes?: string[] };
  } = {},
): Record<string, unknown> {
  return {
    [`${CLAIM}message_type`]:
      options.messageType ?? (options.deepLinking ? 'LtiDeepLinkingRequest' : 'LtiResourceLinkRequest'),
    [`${CLAIM}version`]: options.version ?? '1.3.0',
    [`${CLAIM}deployment_id`]: options.deploymentId ?? DEPLOYMENT_ID,
    [`${CLAIM}target_link_uri`]: options.target ?? 'http://packway.test/',
    [`${CLAIM}roles`]: options.roles ?? [ROLE.learner],
    ...(options.deepLinking
      ? {
          'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings': {
            deep_link_return_url: options.deepLinking.returnUrl,
            accept_types: options.deepLinking.acceptTypes ?? ['ltiResourceLink'],
            accept_presentation_document_targets: ['iframe', 'window'],
            accept_multiple: options.deepLinking.acceptMultiple ?? true,
            ...(options.deepLinking.data ? { data: options.deepLinking.data } : {}),
          },
        }
      : {
          [`${CLAIM}resource_link`]: {
            id: options.resourceLinkId ?? 'link-1',
            title: 'Customer focused leadership',
          },
        }),
    ...(options.noContext
      ? {}
      : {
          [`${CLAIM}context`]: {
            id: options.contextId ?? 'course-101',
            label: 'CFL101',
            title: options.contextTitle ?? 'Customer focused leadership 2026',
            type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'],
          },
        }),
    ...(options.custom ? { [`${CLAIM}custom`]: options.custom } : {}),
    ...(options.returnUrl ? { [`${CLAIM}launch_presentation`]: { return_url: options.returnUrl } } : {}),
    ...(options.lineitem
      ? {
          'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
            scope: [AGS_SCORE_SCOPE],
            lineitem: options.lineitem,
          },
        }
      : {}),
    'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': {
      context_memberships_url: options.membershipsUrl ?? 'http://127.0.0.1/platform/memberships',
      service_versions: ['2.0'],
    },
  };
}

/** What the platform's authorisation answer (form_post) asks the browser to post, and where. */
export interface FormPost {
  action: string;
  fields: Record<string, string>;
}

const unescape = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** A person's browser at the platform: signed in there first, as people are in their LMS before they launch a tool. */
export class PlatformBrowser extends CookieBrowser {
  constructor(private readonly platform: TestPlatform) {
    super();
  }

  async signIn(login: string): Promise<void> {
    let url = `${this.platform.origin}/lms/signin?login=${encodeURIComponent(login)}`;
    for (let hop = 0; hop < 12; hop++) {
      const res = await this.fetch(url);
      const location = res.headers.get('location');
      if (!location) {
        if (new URL(url).pathname === '/lms/home' && res.status === 200) return;
        throw new Error(
          `platform sign-in stopped at ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`,
        );
      }
      url = new URL(location, url).href;
    }
    throw new Error('too many redirects at the platform');
  }

  /** Follows Packway's authentication request at the platform to the form it answers with (form_post). */
  async authorise(authUrl: string): Promise<FormPost> {
    let url = authUrl;
    for (let hop = 0; hop < 12; hop++) {
      const res = await this.fetch(url);
      const location = res.headers.get('location');
      if (location) {
        url = new URL(location, url).href;
        continue;
      }
      const html = await res.text();
      const form = /<form method="post" action="([^"]+)"/.exec(html);
      if (!form)
        throw new Error(`platform answered without a form at ${url}: ${res.status} ${html.slice(0, 500)}`);
      const fields: Record<string, string> = {};
      for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g))
        fields[m[1]] = unescape(m[2]);
      return { action: unescape(form[1]), fields };
    }
    throw new Error('too many redirects at the platform');
  }
}

/**
 * One launch end to end — the platform's login initiation, its authorisation answer (form_post) and Packway's answer
 * to the id_token — for the tests of what follows a launch (grades, rosters, deep linking). Answers the status, where
 * Packway sent the person and the session cookie (`name=value`), if one was made.
 */
export async function launchOnce(
  app: Express,
  platform: TestPlatform,
  browser: PlatformBrowser,
  login: string,
  claims: Record<string, unknown>,
  hint: string,
): Promise<{ status: number; location: string | undefined; cookie: string | null; text: string }> {
  await platform.setLaunches({ [hint]: claims });
  const init = await request(app)
    .post('/lti/login')
    .type('form')
    .send({
      iss: platform.issuer,
      login_hint: login,
      target_link_uri: claims[`${CLAIM}target_link_uri`],
      lti_message_hint: hint,
      lti_deployment_id: claims[`${CLAIM}deployment_id`],
      client_id: LTI_CLIENT_ID,
    });
  if (init.status !== 303)
    throw new Error(`login initiation answered ${init.status}: ${init.text.slice(0, 300)}`);
  const post = await browser.authorise(String(init.headers.location));
  const res = await request(app).post('/lti/launch').type('form').send(post.fields);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const session = setCookie.find((c) => c.startsWith('packway_session=') && !/Max-Age=0/.test(c));
  return {
    status: res.status,
    location: res.headers.location as string | undefined,
    cookie: session ? session.split(';')[0] : null,
    text: res.text,
  };
}
