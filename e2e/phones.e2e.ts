import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../test/helpers/server';
import { axe, launchBrowser, ROOT, shot, type AxeViolation, callApi, tokenFor } from './harness';

/**
 * Every page people use, as each role, at 320 and 375 px (phones) and 1280 px: no page is wider than the screen,
 * and axe-core finds no violation of the WCAG 2.2 AA rules at any of the three widths.
 */

const PASSWORD = 'a-long-enough-password-42';
let server: ServerProcess;
let browser: Browser;
let dataDir: string;
const pages: Record<'admin' | 'trainer' | 'learner', string[]> = { admin: [], trainer: [], learner: [] };
const emails = {
  admin: 'ada.admin@council.example',
  trainer: 'tom.trainer@council.example',
  learner: 'lin.learner@council.example',
};

const api = (method: string, url: string, token: string | null, body?: unknown) =>
  callApi(server.baseUrl, method, url, token, body);
const tokenOf = (email: string) => tokenFor(server.baseUrl, email, PASSWORD);

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-phones-'));
  server = await startServerProcess(dataDir, {
    CONTENT_DIR: path.join(ROOT, 'content'),
    BOOTSTRAP_ADMIN_EMAIL: emails.admin,
    BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
  });
  browser = await launchBrowser();
  const admin = await tokenOf(emails.admin);
  for (const role of ['trainer', 'learner'] as const) {
    await api('POST', '/users', admin, {
      email: emails[role],
      name: role === 'trainer' ? 'Tom Trainer' : 'Lin Learner',
      role,
      password: PASSWORD,
    });
  }
  const learnerId = ((await api('GET', '/users?role=learner', admin)).users as { id: number }[])[0].id;
  const trainer = await tokenOf(emails.trainer);
  const learner = await tokenOf(emails.learner);
  const pack = await api('GET', '/pack', learner);
  const modules = (pack.sections as { kind: string; modules: { id: string }[] }[]).flatMap((s) =>
    s.modules.map((m) => ({ ...m, kind: s.kind })),
  );
  const caseStudy = modules.find((m) => m.kind === 'case-study')!.id;
  const area = modules.find((m) => m.kind === 'learning-area')!.id;
  const deck = modules.find((m) => m.kind === 'slides')!.id;
  const selfAssessment = modules.find((m) => m.id.includes('self-assessment'))!.id;
  const cohort = (
    await api('POST', '/cohorts', trainer, { name: 'Spring leaders 2027', description: 'Heads of service' })
  ).id as number;
  await api('POST', `/cohorts/${cohort}/members`, trainer, { userIds: [learnerId] });
  const due = new Date(Date.now() + 14 * 86400_000).toISOString().slice(0, 10);
  await api('POST', `/cohorts/${cohort}/assignments`, trainer, { moduleId: caseStudy, dueAt: due });
  const outcome = (pack.areas as { outcomes: { id: string }[] }[])[0].outcomes[0].id;
  await api('PUT', `/me/outcomes/${outcome}`, learner, {
    status: 'achieved',
    evidence: 'A purpose statement agreed with the team on 3 March, with the notes of the session.',
  });
  await api('POST', `/me/forms/${selfAssessment}`, learner, {
    values: { involving: { rating: 3, evidence: 'Staff now join the planning day.' } },
  }).catch(() => ({}));

  pages.learner = [
    '/',
    '/pack',
    `/modules/${caseStudy}`,
    `/modules/${area}`,
    `/modules/${selfAssessment}`,
    `/modules/${deck}/slides`,
    '/progress',
    `/progress/outcomes/${outcome}?back=/progress`,
    '/search?q=customer',
    '/account/data',
    '/account/record',
    '/help',
    '/contact',
    '/accessibility',
    '/privacy',
    '/cookies',
    '/account/password',
  ];
  pages.trainer = [
    '/',
    '/cohorts',
    `/cohorts/${cohort}`,
    `/cohorts/${cohort}/manage`,
    `/cohorts/${cohort}/edit`,
    `/cohorts/${cohort}/copy`,
    `/cohorts/${cohort}/members/choose`,
    `/cohorts/${cohort}/assignments/schedule`,
    `/cohorts/${cohort}/assignments/shift`,
    `/cohorts/${cohort}/learners/${learnerId}`,
    `/cohorts/${cohort}/learners/${learnerId}/outcomes/${outcome}`,
    `/cohorts/${cohort}/variant`,
    '/search?q=lin',
    `/modules/${area}`,
  ];
  pages.admin = [
    '/',
    '/users',
    `/users/${learnerId}`,
    `/users/${learnerId}/disable`,
    '/audit',
    '/variants',
    `/users/${learnerId}/data`,
    '/cohorts',
    '/guide/operations',
  ];
});
afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function signedIn(role: keyof typeof emails): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('Email address').fill(emails[role]);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

describe('phones and axe at 320, 375 and 1280 px', () => {
  it.each(['learner', 'trainer', 'admin'] as const)('every page a %s uses', async (role) => {
    const page = await signedIn(role);
    const wide: string[] = [];
    const violations: (AxeViolation & { where: string })[] = [];
    for (const url of pages[role]) {
      await page.goto(`${server.baseUrl}${url}`);
      for (const width of [320, 375, 1280]) {
        await page.setViewportSize({ width, height: 800 });
        await page.waitForTimeout(50);
        const { scroll, inner } = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          inner: window.innerWidth,
        }));
        if (scroll > inner) wide.push(`${url} at ${width} px is ${scroll} px wide`);
        violations.push(
          ...(await axe(page, { all: true })).map((v) => ({ ...v, where: `${url} at ${width} px` })),
        );
        if (width !== 1280 && url === '/') await shot(page, `phones-${role}-home-${width}`);
      }
    }
    await page.context().close();
    expect(wide).toEqual([]);
    expect(
      violations.map(
        (v) => `${v.where}: ${v.id} (${v.impact}) ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`,
      ),
    ).toEqual([]);
  });
});
