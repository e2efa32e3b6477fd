import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
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
  stop(): Promise<void>;
}

export async function startTestPlatform(options: { redirectUris: string[] }): Promise<TestPlatform> {
  const settings = {
    clients: [
      {
        client_id: LTI_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        response_types: ['id_token'],
        grant_types: ['implicit'],
        redirect_uris: options.redirectUris,
      },
    ],
  };
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(__dirname, 'lti-platform.mjs'), JSON.stringify(settings)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
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
  } = {},
): Record<string, unknown> {
  return {
    [`${CLAIM}message_type`]: options.messageType ?? 'LtiResourceLinkRequest',
    [`${CLAIM}version`]: options.version ?? '1.3.0',
    [`${CLAIM}deployment_id`]: options.deploymentId ?? DEPLOYMENT_ID,
    [`${CLAIM}target_link_uri`]: options.target ?? 'http://packway.test/',
    [`${CLAIM}roles`]: options.roles ?? [ROLE.learner],
    [`${CLAIM}resource_link`]: {
      id: options.resourceLinkId ?? 'link-1',
      title: 'Customer focused leadership',
    },
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
    'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': {
      context_memberships_url: 'http://127.0.0.1/platform/memberships',
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
