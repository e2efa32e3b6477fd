import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort } from '../src/ops/free-port';
import { dataDirWithPeople, startServerProcess, tokenFor, type ServerProcess } from '../test/helpers/server';
import {
  DEPLOYMENT_ID,
  LTI_CLIENT_ID,
  ROLE,
  launchClaims,
  startTestPlatform,
  type TestPlatform,
} from '../test/helpers/lti';
import { launchBrowser, shot } from './harness';

/**
 * LTI Advantage in a real Chromium, Packway (http://localhost:<port>) framed by the test platform's pages
 * (http://127.0.0.1:<port>): a learner completes a module in the frame and the score reaches the platform's gradebook
 * through Packway's own job runner; a teacher adds modules through the deep linking picker and the platform takes the
 * signed answer the frame posts back; an administrator's registration page closes itself with the LTI close message.
 * The server runs with NODE_ENV=development: the platform is on a loopback address, which production refuses to
 * register dynamically.
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
  platform = await startTestPlatform({
    redirectUris: [`${tool}/lti/launch`],
    toolJwksUri: `${tool}/lti/jwks`,
  });
  dataDir = await dataDirWithPeople([{ email: 'admin@example.org', role: 'admin' }]);
  server = await startServerProcess(
    dataDir,
    { PUBLIC_URL: tool, NODE_ENV: 'development', JOBS_POLL_MS: '200' },
    port,
  );
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
    tariq: { claims: { email: 'tariq@council.example.gov.uk', name: 'Tariq Bell' } },
  });
  await platform.setLaunches({
    'course-7-welcome': launchClaims({
      target: `${tool}/modules/intro-welcome`,
      contextId: 'course-7',
      contextTitle: 'Leading teams 2026',
      resourceLinkId: 'welcome-link',
      lineitem: platform.lineitem('welcome-column'),
    }),
    'course-7-add': launchClaims({
      target: `${tool}/lti/launch`,
      roles: [ROLE.instructor],
      contextId: 'course-7',
      contextTitle: 'Leading teams 2026',
      deepLinking: { returnUrl: platform.deepLinkReturnUrl, data: 'moodle-section-3' },
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

async function openCourse(p: Page, login: string, hint: string) {
  await p.goto(`${platform.origin}/lms/signin?login=${login}`);
  await p.waitForURL((url) => url.pathname === '/lms/home');
  const course = new URL(`${platform.origin}/lms/course/${hint}`);
  course.search = new URLSearchParams({ tool, login, client_id: LTI_CLIENT_ID }).toString();
  await p.goto(course.href);
  await p.getByRole('button', { name: 'Open Packway' }).click();
  return p.frameLocator('#tool');
}

it('sends the score to the platform when a learner completes the linked module in the frame', async () => {
  const frame = await openCourse(page, 'lena', 'course-7-welcome');
  await frame.getByRole('button', { name: /^Mark as complete/ }).click();
  await frame.getByRole('button', { name: /^Mark as not complete/ }).waitFor();
  const started = Date.now();
  let scores = await platform.scores();
  while (scores.length === 0 && Date.now() - started < 15_000) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    scores = await platform.scores();
  }
  expect(scores).toEqual([
    {
      lineitem: 'welcome-column',
      clientId: LTI_CLIENT_ID,
      score: expect.objectContaining({
        userId: 'lena',
        scoreGiven: 1,
        scoreMaximum: 1,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
      }),
    },
  ]);
  console.log(`score at the platform ${Date.now() - started} ms after the completion showed in the frame`);
});

it('lets a teacher add modules by deep linking; the platform takes the signed answer', async () => {
  const teacher = await context.newPage();
  try {
    const frame = await openCourse(teacher, 'tariq', 'course-7-add');
    await frame.locator('h1', { hasText: 'Add Packway to your course' }).waitFor();
    await shot(teacher, 'lti-deep-linking-picker');
    await frame.getByLabel('Welcome to the fixture pack').check();
    await frame.getByRole('button', { name: 'Add to the course' }).click();
    // the static script posts the answer to the platform, which shows its own page in the frame
    await frame.locator('h1', { hasText: 'Activities added' }).waitFor();
    const [answer] = (await platform.deepLinks()).slice(-1);
    expect(answer.error).toBeUndefined();
    expect(answer.claims).toMatchObject({
      'https://purl.imsglobal.org/spec/lti-dl/claim/data': 'moodle-section-3',
      'https://purl.imsglobal.org/spec/lti-dl/claim/content_items': [
        expect.objectContaining({ type: 'ltiResourceLink', url: `${tool}/modules/intro-welcome` }),
      ],
    });
  } finally {
    await teacher.close();
  }
});

it("registers Packway from the platform's page, which the registration closes", async () => {
  await platform.setRegistrationToken('e2e-registration-token');
  const admin = await context.newPage();
  try {
    const url = new URL(`${platform.origin}/lms/register-tool`);
    url.search = new URLSearchParams({ tool, token: 'e2e-registration-token' }).toString();
    await admin.goto(url.href);
    await admin.locator('#status', { hasText: 'Tool registered' }).waitFor();
    expect(await admin.locator('#registration').count()).toBe(0);
    const [registered] = await platform.registrations();
    expect(registered.initiate_login_uri).toBe(`${tool}/lti/login`);
  } finally {
    await admin.close();
  }
});
