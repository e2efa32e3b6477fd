import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort } from '../src/ops/free-port';
import { dataDirWithPeople, startServerProcess, tokenFor, type ServerProcess } from '../test/helpers/server';
import {
  DEPLOYMENT_ID,
  LTI_CLIENT_ID,
  launchClaims,
  startTestPlatform,
  type TestPlatform,
} from '../test/helpers/lti';
import { PASSWORD } from '../test/helpers/app';
import { axe, launchBrowser, shot } from './harness';

/**
 * Packway launched inside a learning platform's page in a real Chromium: the platform (oidc-provider in a child
 * process) serves a course page on http://127.0.0.1:<port> with Packway in an iframe on another site,
 * http://localhost:<port>. The launch goes through the frame (login initiation, the platform's authorisation with
 * prompt=none, the form_post of the id_token), and the module page must render in the frame: its CSP frame-ancestors
 * names the platform's origin only, and the session cookie is SameSite=None; Secure; Partitioned. Chromium treats
 * http://localhost as a secure context and keeps Secure cookies from it, so no certificate is needed here.
 */

let platform: TestPlatform;
let server: ServerProcess;
let dataDir: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let tool: string;

beforeAll(async () => {
  const port = await freePort();
  tool = `http://localhost:${port}`;
  platform = await startTestPlatform({ redirectUris: [`${tool}/lti/launch`] });
  dataDir = await dataDirWithPeople([{ email: 'admin@example.org', role: 'admin' }]);
  server = await startServerProcess(dataDir, { PUBLIC_URL: tool }, port);
  const token = await tokenFor(server.baseUrl, 'admin@example.org');
  const res = await fetch(`${server.baseUrl}/api/v1/lti/platforms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      name: 'Test Moodle',
      issuer: platform.issuer,
      clientId: LTI_CLIENT_ID,
      deploymentIds: [DEPLOYMENT_ID],
      authLoginUrl: platform.authLoginUrl,
      tokenUrl: platform.tokenUrl,
      jwksUrl: platform.jwksUrl,
    }),
  });
  if (res.status !== 201) throw new Error(`registering the platform: ${res.status} ${await res.text()}`);
  await platform.setAccounts({
    lena: { claims: { email: 'lena@council.example.gov.uk', name: 'Lena Osei' } },
  });
  await platform.setLaunches({
    'course-101-listening': launchClaims({
      target: `${tool}/modules/area-listening`,
      contextId: 'course-101',
      contextTitle: 'Customer focused leadership 2026',
    }),
  });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await platform?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

it('opens the linked module inside the platform’s frame, signed in, framed by the platform’s origin only', async () => {
  // the person is signed in to their learning platform first, as they would be
  await page.goto(`${platform.origin}/lms/signin?login=lena`);
  await page.waitForURL((url) => url.pathname === '/lms/home');

  const course = new URL(`${platform.origin}/lms/course/course-101-listening`);
  course.search = new URLSearchParams({ tool, login: 'lena', client_id: LTI_CLIENT_ID }).toString();
  await page.goto(course.href);
  const modulePage = page.waitForResponse((r) => r.url() === `${tool}/modules/area-listening`);
  const started = Date.now();
  await page.getByRole('button', { name: 'Open Packway' }).click();
  const answer = await modulePage;
  const frame = page.frameLocator('#tool');
  await frame.locator('h1').waitFor();
  const took = Date.now() - started;

  expect(answer.status()).toBe(200);
  const csp = answer.headers()['content-security-policy'];
  expect(csp).toContain(`frame-ancestors ${platform.origin}`);
  expect(csp).not.toContain(`frame-ancestors 'none'`);
  expect(answer.headers()['x-frame-options']).toBeUndefined();
  expect(await frame.locator('body').textContent()).toContain('Signed in as Lena Osei');
  const cookies = await context.cookies(tool);
  const session = cookies.find((c) => c.name === 'packway_session');
  expect(session).toMatchObject({
    sameSite: 'None',
    secure: true,
    partitionKey: expect.stringContaining('127.0.0.1'),
  });
  await shot(page, 'lti-framed-module');
  console.log(`launch in Chromium (click to module page rendered in the frame): ${took} ms`);

  // a page of Packway that no launch made stays unframeable
  const direct = await fetch(`${tool}/login`);
  expect(direct.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
});

it('opens the same page in a window of its own, signed in there', async () => {
  const frame = page.frameLocator('#tool');
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    frame.getByRole('link', { name: /Open in a new window/ }).click(),
  ]);
  await popup.waitForURL(`${tool}/modules/area-listening`);
  expect(await popup.locator('body').textContent()).toContain('Signed in as Lena Osei');
  expect(await popup.locator('#new-window').count()).toBe(0);
  await popup.close();
});

it('shows a refused launch as a plain page inside the frame', async () => {
  await platform.tamper('audience');
  try {
    const course = new URL(`${platform.origin}/lms/course/course-101-listening`);
    course.search = new URLSearchParams({ tool, login: 'lena', client_id: LTI_CLIENT_ID }).toString();
    await page.goto(course.href);
    const refused = page.waitForResponse((r) => r.url() === `${tool}/lti/launch`);
    await page.getByRole('button', { name: 'Open Packway' }).click();
    expect((await refused).status()).toBe(401);
    const frame = page.frameLocator('#tool');
    await frame.locator('h1', { hasText: 'Packway could not be opened' }).waitFor();
    expect(await frame.locator('#reason').textContent()).toContain(
      'could not confirm that this launch came from',
    );
    await shot(page, 'lti-framed-refusal');
  } finally {
    await platform.tamper('none');
  }
});

it('gives administrators an accessible /admin/lti page, with its form’s problems in an error summary', async () => {
  const admin = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await admin.goto(`${tool}/login`);
    await admin.getByLabel('Email address').fill('admin@example.org');
    await admin.getByLabel('Password').fill(PASSWORD);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.waitForURL(`${tool}/`);
    await admin.goto(`${tool}/admin/lti`);
    expect(await admin.locator('#platforms').textContent()).toContain('Test Moodle');
    expect(await axe(admin)).toEqual([]);
    await admin.getByRole('button', { name: 'Register the platform' }).click();
    await admin.locator('.govuk-error-summary').waitFor();
    expect(await axe(admin)).toEqual([]);
    await admin.setViewportSize({ width: 320, height: 800 });
    expect(await axe(admin)).toEqual([]);
    await shot(admin, 'lti-admin-errors-320');
  } finally {
    await admin.close();
  }
});
