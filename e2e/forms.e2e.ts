import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axe, launchBrowser, shot, SHOTS, startApp, type RunningApp, setUpAdministrator } from './harness';

/**
 * Issue 18, item 3 in a real Chromium: a raid plan with the GOV.UK date input, plain-English errors with what was
 * typed kept, changing and deleting a plan, a report that takes its plan's host and date, a second self-assessment
 * that starts from the last answers, and the change chart readable on a phone.
 */

let app: RunningApp;
let browser: Browser;
const admin = {
  name: 'Alex Admin',
  email: 'alex.admin@council.example',
  password: 'admin-password-long-enough',
};
const learner = {
  name: 'Lee Learner',
  email: 'lee.learner@council.example',
  password: 'learner-password-long-enough',
};
const visit = new Date(Date.now() - 10 * 86400_000);
const ukVisit = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
}).format(visit);

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function newPage(width = 1280): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  return { context, page: await context.newPage() };
}

async function signIn(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${app.baseUrl}/login`);
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** No serious or critical axe finding, and nothing wider than the screen, at 375 and 1280 px. */
async function check(page: Page): Promise<void> {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    expect(await axe(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  }
}

async function summary(page: Page): Promise<string[]> {
  return (await page.locator('.govuk-error-summary__list a').allTextContents()).map((s) => s.trim());
}

async function fillDate(page: Page, prefix: string, d: { day: string; month: string; year: string }) {
  await page.locator(`input[name="${prefix}.day"]`).fill(d.day);
  await page.locator(`input[name="${prefix}.month"]`).fill(d.month);
  await page.locator(`input[name="${prefix}.year"]`).fill(d.year);
}

const visitParts = {
  day: String(visit.getUTCDate()),
  month: String(visit.getUTCMonth() + 1),
  year: String(visit.getUTCFullYear()),
};

describe('forms', () => {
  it('sets up an admin and a learner', async () => {
    const { context, page } = await newPage();
    await page.goto(app.baseUrl);
    await page.waitForURL(/\/setup/);
    await setUpAdministrator(page, app.baseUrl, admin);
    await page.goto(`${app.baseUrl}/users`);
    await page.getByLabel('Full name').fill(learner.name);
    await page.getByLabel('Email address').fill(learner.email);
    await page.getByLabel('Learner', { exact: true }).check();
    await page.getByRole('button', { name: 'Add user' }).click();
    const link = (await page.getByTestId('password-link').textContent())!.trim();
    await context.close();
    const set = await newPage();
    await set.page.goto(link);
    await set.page.getByLabel('Create a password').fill(learner.password);
    await set.page.getByLabel('Confirm the password').fill(learner.password);
    await set.page.getByRole('button', { name: /Set password|Save password|Continue/ }).click();
    await set.page.waitForURL((url) => !url.pathname.startsWith('/password/set'));
    await set.context.close();
  });

  it('fills a raid plan with the date input, showing plain-English errors with what was typed kept', async () => {
    const { context, page } = await newPage();
    await signIn(page, learner);
    await page.goto(`${app.baseUrl}/modules/raid-plan`);
    expect(await page.locator('input[type="date"]').count()).toBe(0);
    // the character count (GOV.UK Frontend's own script) counts down as the learner types
    const purpose = page.getByLabel('What you want to find out');
    await purpose.fill('See how their patient panel shapes decisions');
    await expect_text(page, '.govuk-character-count__status', /You have 9,95\d characters remaining/);
    await fillDate(page, 'f.details.visit-date', { day: '31', month: '4', year: visitParts.year });
    await page.getByLabel('Your sponsor (optional)').fill('Director of Customer Services');
    await page.getByRole('button', { name: 'Save this plan' }).click();
    await page.waitForSelector('.govuk-error-summary');
    expect(await summary(page)).toEqual([
      'Enter the host organisation',
      'Date of the visit must be a real date',
    ]);
    // values kept, date parts included
    expect(await page.locator('input[name="f.details.visit-date.day"]').inputValue()).toBe('31');
    expect(await page.locator('input[name="f.details.visit-date.month"]').inputValue()).toBe('4');
    expect(await page.getByLabel('What you want to find out').inputValue()).toBe(
      'See how their patient panel shapes decisions',
    );
    expect(await page.getByLabel('Your sponsor (optional)').inputValue()).toBe(
      'Director of Customer Services',
    );
    // the summary's link lands on the day box
    await page.getByRole('link', { name: 'Date of the visit must be a real date' }).click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe(
      'f.details.visit-date.day',
    );
    await check(page);
    await page.setViewportSize({ width: 375, height: 900 });
    await shot(page, 'raid-plan-errors-375');
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByLabel('Host organisation').fill('Northshire NHS Trust');
    await fillDate(page, 'f.details.visit-date', visitParts);
    await page.getByRole('button', { name: 'Save this plan' }).click();
    await page.waitForURL(/saved=form/);
    expect(await page.locator('main').textContent()).toContain(`Northshire NHS Trust, ${ukVisit}`);
    await context.close();
  });

  it('lets the learner change a plan, write its report (which takes its host and date) and delete the plan', async () => {
    const { context, page } = await newPage();
    await signIn(page, learner);
    await page.goto(`${app.baseUrl}/modules/raid-plan`);
    await page.getByText(/^Plan 1,/).click();
    await page.getByRole('link', { name: /^Change plan 1/ }).click();
    await page.waitForURL(/\/modules\/raid-plan\/entries\/\d+$/);
    expect(await page.getByLabel('Host organisation').inputValue()).toBe('Northshire NHS Trust');
    expect(await page.locator('input[name="f.details.visit-date.day"]').inputValue()).toBe(visitParts.day);
    await check(page);
    await page.getByLabel('Host organisation').fill('Northshire Hospitals Trust');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/saved=form/);
    expect(await page.locator('main').textContent()).toContain(`Northshire Hospitals Trust, ${ukVisit}`);

    await page.getByText(/^Plan 1,/).click();
    await page.getByRole('link', { name: /^Write the report/ }).click();
    await page.waitForURL(/\/modules\/raid-report\/entries\/new\?plan=\d+/);
    expect(await page.getByLabel('Host organisation').inputValue()).toBe('Northshire Hospitals Trust');
    expect(await page.locator('input[name="f.details.visit-date.year"]').inputValue()).toBe(visitParts.year);
    await page.getByLabel('What you will try as a result').fill('A customer panel for the contact centre');
    await page.getByRole('button', { name: 'Save this raid report' }).click();
    await page.waitForURL(/\/modules\/raid-report\?saved=form/);
    expect(await page.locator('main').textContent()).toContain(`Northshire Hospitals Trust, ${ukVisit}`);

    // a report of a visit still to come is refused
    await page.goto(`${app.baseUrl}/modules/raid-report`);
    await page.getByLabel('Host organisation').fill('Town hall');
    const next = new Date(Date.now() + 30 * 86400_000);
    await fillDate(page, 'f.details.visit-date', {
      day: String(next.getUTCDate()),
      month: String(next.getUTCMonth() + 1),
      year: String(next.getUTCFullYear()),
    });
    await page.getByLabel('What you will try as a result').fill('Something');
    await page.getByRole('button', { name: 'Save this report' }).click();
    await page.waitForSelector('.govuk-error-summary');
    expect(await summary(page)).toEqual(['Date of the visit must be today or in the past']);

    await page.goto(`${app.baseUrl}/modules/raid-plan`);
    await page.getByText(/^Plan 1,/).click();
    await page.getByRole('link', { name: /^Delete plan 1/ }).click();
    await page.waitForURL(/\/delete$/);
    await check(page);
    await page.getByRole('button', { name: 'Yes, delete this raid plan' }).click();
    await page.waitForURL(/saved=deleted/);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      'The entry has been deleted.',
    );
    expect(await page.getByText(/^Plan 1,/).count()).toBe(0);
    await context.close();
  });

  it('starts a second self-assessment from the last answers and draws a chart readable on a phone', async () => {
    const { context, page } = await newPage();
    await signIn(page, learner);
    await page.goto(`${app.baseUrl}/modules/activity-self-assessment`);
    await page.getByRole('button', { name: 'Save this attempt' }).click();
    await page.waitForSelector('.govuk-error-summary');
    const problems = await summary(page);
    expect(problems[0]).toBe('Enter how far you have made this shift (Stop excluding, start involving)');
    expect(problems.join(' ')).not.toMatch(/is required|STOP|→/);
    const groups = ['involving', 'empowering', 'listening', 'evolving', 'connecting'];
    for (const [i, g] of groups.entries())
      await page.locator(`input[name="f.${g}.rating"][value="${(i % 3) + 1}"]`).check();
    await page.locator('textarea[name="f.involving.evidence"]').fill('Staff survey in May');
    await page.locator('input[name="f.involving.actions.0.text"]').fill('Invite customers to the design day');
    await fillDate(page, 'f.involving.actions.0.due', {
      day: '1',
      month: '6',
      year: String(visit.getUTCFullYear() + 1),
    });
    await page.getByRole('button', { name: 'Save this attempt' }).click();
    await page.waitForURL(/saved=form/);

    // the second attempt starts from the first one's answers
    await page.goto(`${app.baseUrl}/modules/activity-self-assessment#form`);
    expect(await page.locator('.govuk-inset-text').textContent()).toContain('from your last attempt on');
    expect(await page.locator('input[name="f.involving.rating"][value="1"]').isChecked()).toBe(true);
    expect(await page.locator('textarea[name="f.involving.evidence"]').inputValue()).toBe(
      'Staff survey in May',
    );
    for (const g of groups) await page.locator(`input[name="f.${g}.rating"][value="4"]`).check();
    await page.getByRole('button', { name: 'Save this attempt' }).click();
    await page.waitForURL(/saved=form/);

    await page.setViewportSize({ width: 375, height: 900 });
    const chart = page.locator('.pw-chart svg');
    await chart.scrollIntoViewIfNeeded();
    const look = await page.evaluate(() => {
      const svg = document.querySelector<SVGSVGElement>('.pw-chart svg')!;
      const text = svg.querySelector('text')!;
      const style = getComputedStyle(text);
      return {
        font: style.fontFamily,
        size: parseFloat(style.fontSize) * (svg.getBoundingClientRect().width / svg.viewBox.baseVal.width),
        legend: Array.from(svg.querySelectorAll('text'))
          .slice(0, 2)
          .map((t) => t.textContent),
      };
    });
    expect(look.font).toMatch(/sans-serif/);
    expect(look.size).toBeGreaterThanOrEqual(16);
    expect(look.legend[0]).toMatch(/^Attempt 1, \d+ \w+ \d{4}$/);
    // the table scrolls in its own box; the page itself is no wider than the phone
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await page.locator('.pw-chart-table th').first().textContent()).toBe('Shift');
    await check(page);
    // the chart and its table as a phone shows them (the whole page is long: the pack's text comes first)
    await page.setViewportSize({ width: 375, height: 1400 });
    await page.locator('#your-results').evaluate((h) => h.scrollIntoView());
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'self-assessment-chart-375.png') });
    await context.close();
  });
});

async function expect_text(page: Page, selector: string, pattern: RegExp): Promise<void> {
  await page.waitForFunction(
    ([sel, source]) => new RegExp(source).test(document.querySelector(sel)?.textContent ?? ''),
    [selector, pattern.source] as const,
  );
}
