import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  axe,
  launchBrowser,
  ROOT,
  shot,
  startApp,
  type AxeViolation,
  type RunningApp,
  setUpAdministrator,
} from './harness';

/**
 * The L&D admin's first run in a real Chromium: the setup checklist ticked from real data, importing people and
 * downloading their password links, publishing a variant through its confirmation page and pinning a cohort,
 * the readable audit log, and search. Each page is checked with axe at 1280, 375 and 320 px, and must not be wider
 * than the screen.
 */

let app: RunningApp;
let browser: Browser;
let page: Page;
const admin = {
  name: 'Alex Admin',
  email: 'alex.admin@council.example',
  password: 'admin-password-long-enough',
};

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function check(name: string): Promise<void> {
  const problems: (AxeViolation & { width: number })[] = [];
  const wide: string[] = [];
  for (const width of [1280, 375, 320]) {
    await page.setViewportSize({ width, height: 900 });
    problems.push(...(await axe(page)).map((v) => ({ ...v, width })));
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scroll > width) wide.push(`${name} is ${scroll} px wide at ${width} px`);
    if (width !== 320) await shot(page, `admin-${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  expect(problems).toEqual([]);
  expect(wide).toEqual([]);
}

async function taskStatus(task: string): Promise<string> {
  return (await page.locator(`[data-task="${task}"] .govuk-task-list__status`).innerText()).trim();
}

describe('an L&D admin sets Packway up', () => {
  it('sees the first-run checklist and the PUBLIC_URL warning', async () => {
    await page.goto(app.baseUrl);
    await page.waitForURL(/\/setup/);
    await setUpAdministrator(page, app.baseUrl, admin);
    await page.goto(app.baseUrl);
    await expect(page.getByTestId('public-url-warning').innerText()).resolves.toContain(
      'Password links will not work for anyone else yet',
    );
    expect(await taskStatus('public-url')).toBe('Incomplete');
    expect(await taskStatus('trainers')).toBe('Incomplete');
    expect(await taskStatus('learners')).toBe('Incomplete');
    expect(await taskStatus('password-links')).toBe('Cannot start yet');
    await check('checklist-start');
  });

  it('imports people and downloads every password link at once', async () => {
    await page.goto(`${app.baseUrl}/users`);
    await page.getByLabel('Upload a CSV file').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'email,name,role\ntess.trainer@council.example,Tess Trainer,trainer\nlee.learner@council.example,Lee Learner,learner\nsam.jones@council.example,Sam Jones,learner\n',
      ),
    });
    await page.getByRole('button', { name: 'Import users' }).click();
    await page.waitForURL(/\/users$/);
    await expect(page.getByTestId('password-links').innerText()).resolves.toContain(
      '3 people have not set a password yet',
    );
    await check('users-password-links');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Download password links for 3 people/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^packway-password-links-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r\n/);
    expect(lines[0]).toBe('Name,Email address,Role,Password link,Link expires');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['Lee Learner', 'Sam Jones', 'Tess Trainer']);
    expect(lines[1]).toContain('/password/set?token=');

    await page.goto(app.baseUrl);
    expect(await taskStatus('trainers')).toBe('Completed');
    expect(await taskStatus('learners')).toBe('Completed');
    expect(await taskStatus('password-links')).toBe('In progress');
  });

  it('asks before disabling an account', async () => {
    await page.goto(`${app.baseUrl}/users`);
    await page.getByRole('link', { name: 'Sam Jones' }).click();
    await page.getByRole('button', { name: 'Disable account' }).click();
    await page.waitForURL(/\/disable$/);
    await check('disable-confirm');
    await page.getByRole('link', { name: 'No, go back' }).click();
    await expect(page.getByRole('button', { name: 'Disable account' }).count()).resolves.toBe(1);
  });

  it('creates a cohort, publishes a variant through its confirmation page and pins the cohort', async () => {
    await page.goto(`${app.baseUrl}/cohorts`);
    await page.getByLabel('Cohort name').fill('Spring leaders');
    await page.getByRole('button', { name: 'Create cohort' }).click();
    await page.waitForURL((url) => url.pathname !== '/cohorts');

    const listening = fs
      .readFileSync(path.join(ROOT, 'content', '03-learning-areas', '04-listening.md'), 'utf8')
      .replace('title: Listening and customer insight', 'title: Listening to residents')
      .replace('Close the loop: tell customers and staff', 'Close the loop: tell residents and staff');
    await page.goto(`${app.baseUrl}/variants`);
    await page.getByLabel('Variant name').fill('Northshire');
    await page.getByLabel(/^File/).setInputFiles({
      name: '04-listening.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from(listening),
    });
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.waitForURL(/\/variants\/versions\/\d+/);
    const summary = await page.getByTestId('diff-summary').innerText();
    expect(summary).toContain('Listening to residents');
    expect(summary).toContain('title changed (was “Listening and customer insight”)');
    expect(summary).toContain('outcome LI4 reworded');
    // the raw diff waits behind a details element
    expect(await page.locator('details.govuk-details').first().getAttribute('open')).toBeNull();
    await check('variant-draft');

    await page.getByRole('button', { name: 'Publish as the next version' }).click();
    await page.waitForURL(/\/variants\/\d+\/publish$/);
    await expect(page.locator('h1').innerText()).resolves.toBe('Publish this draft as v1?');
    await check('publish-confirm');
    await page.getByRole('button', { name: 'Publish v1' }).click();
    await page.waitForURL(/\/variants\/versions\/\d+#pin$/);
    await expect(page.getByTestId('pin-offer').innerText()).resolves.toContain(
      'Pin a cohort to Northshire v1',
    );
    await check('published-pin-offer');

    await page.getByRole('link', { name: /Pin Spring leaders/ }).click();
    await page.waitForURL(/\/variant\?to=\d+/);
    await expect(page.locator('main').innerText()).resolves.toContain(
      'Listening to residents: title changed',
    );
    await page.getByRole('button', { name: 'Confirm and change' }).click();
    await page.waitForURL(/\/manage$/);

    await page.goto(app.baseUrl);
    expect(await taskStatus('cohort')).toBe('Completed');
    expect(await taskStatus('variant')).toBe('Completed');
    expect(await taskStatus('pin')).toBe('Completed');
    await page.getByRole('link', { name: 'Read the operations guide' }).click();
    await page.waitForURL(/\/guide\/operations/);
    await page.goto(app.baseUrl);
    expect(await taskStatus('guide')).toBe('Completed');
    await check('checklist-done');
  });

  it('reads the audit log in words, filtered by person', async () => {
    await page.goto(`${app.baseUrl}/audit`);
    const table = await page.getByTestId('audit-table').innerText();
    expect(table).toContain('Published Northshire v1');
    expect(table).toContain('Imported 3 people from a CSV file');
    expect(table).toContain('Issued password links for 3 people');
    expect(table).not.toContain('variant.publish');
    await page.getByLabel('Person').fill('alex');
    await page.getByLabel('What happened').selectOption({ label: 'Cohort created' });
    await page.getByRole('button', { name: 'Filter the log' }).click();
    await expect(page.getByTestId('audit-table').innerText()).resolves.toContain(
      'Created the cohort Spring leaders',
    );
    await check('audit');
  });

  it('searches the pack and people from the Search page', async () => {
    await page.getByRole('link', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\/search$/);
    await check('search-empty');
    await page.getByLabel('Search the learning pack and your learners').fill('close the loop');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/search\?q=close/);
    const modules = page.getByTestId('search-modules');
    await expect(modules.innerText()).resolves.toContain('Listening and customer insight');
    expect(await modules.locator('mark').count()).toBeGreaterThan(0);
    await check('search-results');

    await page.getByLabel('Search the learning pack and your learners').fill('lee');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByTestId('search-people').innerText()).resolves.toContain('Lee Learner');

    await page.getByLabel('Search the learning pack and your learners').fill('xyzzyplugh');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByTestId('search-none').innerText()).resolves.toContain(
      'No results for “xyzzyplugh”',
    );
    await check('search-none');
  });
});
