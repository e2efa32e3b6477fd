import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../test/helpers/server';
import { axe, launchBrowser, ROOT, shot, callApi, tokenFor } from './harness';

/**
 * Issue 18, items 4 and 7: the learning record a learner takes to an appraisal (and their trainer's view of it) reads
 * like a document and prints without the site around it; the learner reaches their own data and downloads.
 */

const PASSWORD = 'a-long-enough-password-42';
const emails = {
  admin: 'rita.admin@council.example',
  trainer: 'rob.trainer@council.example',
  learner: 'rae.learner@council.example',
};
let server: ServerProcess;
let browser: Browser;
let dataDir: string;
let recordUrl = '';
const visitDay = new Date(Date.now() + 21 * 86400_000).toISOString().slice(0, 10);
const ukVisitDay = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
}).format(new Date(`${visitDay}T00:00:00Z`));

const api = (method: string, url: string, token: string | null, body?: unknown) =>
  callApi(server.baseUrl, method, url, token, body);
const tokenOf = (email: string) => tokenFor(server.baseUrl, email, PASSWORD);

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-records-'));
  server = await startServerProcess(dataDir, {
    CONTENT_DIR: path.join(ROOT, 'content'),
    BOOTSTRAP_ADMIN_EMAIL: emails.admin,
    BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
  });
  browser = await launchBrowser();
  const admin = await tokenOf(emails.admin);
  await api('POST', '/users', admin, {
    email: emails.trainer,
    name: 'Rob Trainer',
    role: 'trainer',
    password: PASSWORD,
  });
  const learner = await api('POST', '/users', admin, {
    email: emails.learner,
    name: 'Rae Learner',
    role: 'learner',
    password: PASSWORD,
  });
  const learnerId = learner.id as number;
  const trainer = await tokenOf(emails.trainer);
  const me = await tokenOf(emails.learner);
  const cohort = (await api('POST', '/cohorts', trainer, { name: 'Autumn leaders' })).id as number;
  await api('POST', `/cohorts/${cohort}/members`, trainer, { emails: [emails.learner] });
  await api('PUT', '/me/outcomes/LI1', me, {
    status: 'achieved',
    evidence: 'Compared complaints with the residents’ survey and presented both to the management team.',
  });
  const pack = await api('GET', '/pack', me);
  const modules = (pack.sections as { kind: string; modules: { id: string }[] }[]).flatMap((s) => s.modules);
  const caseStudy = modules.find((m) => m.id.includes('one-front-door'))?.id ?? modules[0].id;
  const due = new Date(Date.now() + 14 * 86400_000).toISOString().slice(0, 10);
  await api('POST', `/cohorts/${cohort}/assignments`, trainer, { moduleId: caseStudy, dueAt: due });
  await api('PUT', `/me/responses/${caseStudy}/sp-1`, me, {
    text: 'To help every resident with one visit; written with front-line staff.',
  });
  await api('POST', '/me/forms/raid-plan', me, {
    values: {
      details: {
        host: 'Riverside NHS Trust',
        'visit-date': visitDay,
        purpose: 'How they hear from patients',
      },
    },
  });
  recordUrl = `/cohorts/${cohort}/learners/${learnerId}`;
});
afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function signedIn(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

/** Whether an element is drawn (takes up space) under the current media. */
const shown = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return getComputedStyle(el).display !== 'none' && r.width > 0 && r.height > 0;
  }, selector);

describe('the printable learning record', () => {
  it('lets a learner find their data and print their record without the site around it', async () => {
    const page = await signedIn(emails.learner);
    await page.getByRole('link', { name: 'Your data' }).click();
    await page.waitForURL((url) => url.pathname === '/account/data');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your data');
    expect(await page.content()).not.toContain('{"');
    expect(await axe(page)).toEqual([]);
    await shot(page, 'personal-data-1280');

    await page.getByRole('link', { name: 'Your learning record', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/account/record');
    const text = (await page.textContent('main'))!;
    expect(text).toContain('Host organisation');
    expect(text).toContain(`Riverside NHS Trust, ${ukVisitDay}`);
    expect(text).not.toContain('details / host');
    expect(await page.getByRole('button', { name: 'Print this record' }).isVisible()).toBe(true);
    expect(await axe(page)).toEqual([]);

    for (const sel of ['.govuk-service-navigation', '.govuk-footer', '.pw-account', '.pw-record-tools'])
      expect({ sel, screen: await shown(page, sel) }).toEqual({ sel, screen: true });
    await page.emulateMedia({ media: 'print' });
    for (const sel of [
      '.govuk-service-navigation',
      '.govuk-footer',
      '.pw-account',
      '.pw-record-tools',
      '.govuk-back-link',
    ])
      expect({ sel, print: await shown(page, sel) }).toEqual({ sel, print: false });
    expect(await shown(page, 'h1')).toBe(true);
    expect(await page.getByText('Compared complaints with the residents’ survey').isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.context().close();
  });

  it('prints the trainer’s view of the record the same way, with a screenshot', async () => {
    const page = await signedIn(emails.trainer);
    await page.goto(`${server.baseUrl}${recordUrl}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Rae Learner: learning record');
    expect(await axe(page)).toEqual([]);
    await page.emulateMedia({ media: 'print' });
    expect(await shown(page, '.govuk-service-navigation')).toBe(false);
    expect(await shown(page, '.govuk-footer')).toBe(false);
    expect(await shown(page, '.pw-record-tools')).toBe(false);
    const { scroll, inner } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    expect(scroll).toBeLessThanOrEqual(inner);
    await shot(page, 'learner-record-1280');
    await page.context().close();
  });
});
