import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  axe,
  E2E_SETUP_CODE,
  launchBrowser,
  shot,
  startApp,
  type AxeViolation,
  type RunningApp,
} from './harness';

/**
 * The product's main journeys in a real Chromium, with real clicks and typing, on a fresh database.
 * Every page a journey visits is checked with axe-core (WCAG 2.2 AA rules) at 1280 px and at 320 px.
 */

let app: RunningApp;
let browser: Browser;
const people = {
  admin: { name: 'Alex Admin', email: 'alex.admin@council.example', password: 'admin-password-long-enough' },
  trainer: {
    name: 'Tess Trainer',
    email: 'tess.trainer@council.example',
    password: 'trainer-password-long-enough',
  },
  learner: {
    name: 'Lee Learner',
    email: 'lee.learner@council.example',
    password: 'learner-password-long-enough',
  },
  second: {
    name: 'Sam Second',
    email: 'sam.second@council.example',
    password: 'second-password-long-enough',
  },
};
type Person = (typeof people)[keyof typeof people];
const links: Record<string, string> = {};
let cohortUrl = '';
let caseStudy = { id: '', title: '' };
let slidesId = '';
let firstOutcome = '';
const checked = new Set<string>();

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function newPage(
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  return { context, page: await context.newPage() };
}

/** axe at desktop and at 320 px (WCAG reflow), with a screenshot at each: no serious or critical violation. */
async function check(page: Page, name: string): Promise<void> {
  const problems: (AxeViolation & { width: number })[] = [];
  for (const width of [1280, 320]) {
    await page.setViewportSize({ width, height: 900 });
    if (!checked.has(`${name}@${width}`)) {
      problems.push(...(await axe(page)).map((v) => ({ ...v, width })));
      await shot(page, `${name}-${width}`);
      checked.add(`${name}@${width}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  expect(problems).toEqual([]);
}

async function signIn(page: Page, who: Person): Promise<void> {
  await page.goto(`${app.baseUrl}/login`);
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
}

async function setPassword(link: string, password: string): Promise<void> {
  const { context, page } = await newPage();
  await page.goto(link);
  await check(page, 'set-password');
  await page.getByLabel('Create a password').fill(password);
  await page.getByLabel('Confirm the password').fill(password);
  await page.getByRole('button', { name: /Set password|Save password|Continue/ }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/password/set'));
  await context.close();
}

describe('journeys', () => {
  it('sets up the first admin', async () => {
    const { context, page } = await newPage();
    await page.goto(app.baseUrl);
    await page.waitForURL(/\/setup/);
    await check(page, 'setup');
    await page.getByRole('button', { name: 'Create administrator' }).click(); // empty: errors first
    expect(await page.locator('.govuk-error-summary').count()).toBe(1);
    expect(await page.locator('.govuk-error-summary a').first().getAttribute('href')).toMatch(/^#/);
    await check(page, 'setup-errors');
    await page.getByLabel('Set-up code').fill(E2E_SETUP_CODE);
    await page.getByLabel('Your full name').fill(people.admin.name);
    await page.getByLabel('Email address').fill(people.admin.email);
    await page.getByLabel('Create a password').fill(people.admin.password);
    await page.getByLabel('Confirm the password').fill(people.admin.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/setup'));
    await check(page, 'admin-home');
    const pack = (await (await page.request.get(`${app.baseUrl}/api/v1/pack`)).json()) as {
      sections: { kind: string; modules: { id: string; title: string }[] }[];
      areas: { outcomes: { id: string }[] }[];
    };
    const cases = pack.sections.find((s) => s.kind === 'case-study')!.modules;
    caseStudy = cases[0];
    slidesId = pack.sections.find((s) => s.kind === 'slides')!.modules[0].id;
    await context.close();
    expect(caseStudy.id).not.toBe('');
  });

  it('lets the admin add a trainer and learners, each with a one-time password link', async () => {
    const { context, page } = await newPage();
    await signIn(page, people.admin);
    for (const [key, role] of [
      ['trainer', 'Trainer'],
      ['learner', 'Learner'],
      ['second', 'Learner'],
    ] as const) {
      await page.goto(`${app.baseUrl}/users`);
      await check(page, 'users');
      await page.getByLabel('Full name').fill(people[key].name);
      await page.getByLabel('Email address').fill(people[key].email);
      await page.getByLabel(role, { exact: true }).check();
      await page.getByRole('button', { name: 'Add user' }).click();
      links[key] = (await page.getByTestId('password-link').textContent())!.trim();
      expect(links[key]).toMatch(/\/password\/set\?token=/);
    }
    await check(page, 'user-added');
    await signOut(page);
    await context.close();
    for (const key of ['trainer', 'learner', 'second'] as const)
      await setPassword(links[key], people[key].password);
  });

  it('lets the trainer create a cohort, enrol learners and assign a case study with a due date', async () => {
    const { context, page } = await newPage();
    await signIn(page, people.trainer);
    await check(page, 'trainer-home');
    await page.goto(`${app.baseUrl}/cohorts`);
    await check(page, 'cohorts');
    await page.getByLabel('Cohort name').fill('Senior leaders spring 2027');
    await page.getByRole('button', { name: 'Create cohort' }).click();
    await page.waitForURL(/\/cohorts\/\d+/);
    cohortUrl = new URL(page.url()).pathname.match(/^\/cohorts\/\d+/)![0];
    await page.goto(`${app.baseUrl}${cohortUrl}/manage`);
    await check(page, 'cohort-manage');
    await page.getByLabel('Email addresses').fill(`${people.learner.email}\n${people.second.email}`);
    await page.getByRole('button', { name: 'Enrol' }).click();
    await page.getByLabel('Module').selectOption(caseStudy.id);
    const due = new Date(Date.now() + 14 * 86400_000);
    await page.getByLabel('Day').fill(String(due.getUTCDate()));
    await page.getByLabel('Month').fill(String(due.getUTCMonth() + 1));
    await page.getByLabel('Year').fill(String(due.getUTCFullYear()));
    await page.getByRole('button', { name: 'Assign module' }).click();
    await page.goto(`${app.baseUrl}${cohortUrl}/manage`);
    expect(await page.locator('main').textContent()).toContain(caseStudy.title);
    expect(await page.locator('main').textContent()).toContain(people.second.name);
    await page.goto(`${app.baseUrl}${cohortUrl}`);
    await check(page, 'matrix-empty');
    await context.close();
  });

  it('lets a learner open the case study, answer a prompt, record an outcome and complete it', async () => {
    const { context, page } = await newPage();
    await signIn(page, people.learner);
    await check(page, 'learner-home');
    await page.getByRole('link', { name: caseStudy.title }).first().click();
    await page.waitForURL(new RegExp(`/modules/${caseStudy.id}`));
    await check(page, 'case-study');
    const answer = page.locator('textarea[name^="answer:"]').first();
    await answer.fill('We would have asked residents before closing the counter.');
    await page.getByRole('button', { name: 'Save answers' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('textarea[name^="answer:"]').first().inputValue()).toBe(
      'We would have asked residents before closing the counter.',
    );

    // the case study points to the outcomes it evidences; each is recorded on its own page, which leads back here
    const record = page.getByRole('link', { name: /^Record progress/ }).first();
    firstOutcome = /\/progress\/outcomes\/([A-Z]+\d+)/.exec((await record.getAttribute('href'))!)![1];
    await record.click();
    await page.waitForURL(new RegExp(`/progress/outcomes/${firstOutcome}`));
    await check(page, 'outcome-page');
    // an error first (achieved without evidence), linked from the summary to the field
    await page.getByLabel('Achieved').check();
    await page.getByRole('button', { name: `Save ${firstOutcome}` }).click();
    const summaryLink = page.locator('.govuk-error-summary a').first();
    expect(await summaryLink.getAttribute('href')).toBe(`#${firstOutcome}-evidence`);
    await check(page, 'outcome-error');
    await summaryLink.click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`${firstOutcome}-evidence`);
    await page
      .locator(`#${firstOutcome}-evidence`)
      .fill('Ran two listening sessions with residents and changed the letter.');
    await page.getByLabel('Achieved').check();
    await page.getByRole('button', { name: `Save ${firstOutcome}` }).click();
    await page.waitForURL(new RegExp(`/modules/${caseStudy.id}`)); // back where the learner came from

    // a case study is complete when every question has an answer
    const boxes = page.locator('textarea[name^="answer:"]');
    for (let i = 0; i < (await boxes.count()); i++) {
      if (!(await boxes.nth(i).inputValue()))
        await boxes.nth(i).fill(`Answer ${i + 1}: what we would do differently.`);
    }
    await page.getByRole('button', { name: 'Save answers' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('main').textContent()).toContain('Completed');
    await check(page, 'case-study-complete');
    await page.goto(`${app.baseUrl}/progress`);
    await check(page, 'learner-progress');
    await context.close();
  });

  it('shows the trainer the change in the progress matrix', async () => {
    const { context, page } = await newPage();
    await signIn(page, people.trainer);
    await page.goto(`${app.baseUrl}${cohortUrl}`);
    const row = page.locator('tr', { hasText: people.learner.name });
    // issue 32: what the learner marked achieved waits for their trainer's review
    expect(await row.locator('td', { hasText: 'Awaiting review' }).count()).toBeGreaterThanOrEqual(1);
    expect(await row.textContent()).toContain('Completed');
    await check(page, 'matrix');
    await context.close();
  });

  it('presents the slides with the keyboard, speaker notes on N, and signs out', async () => {
    const { context, page } = await newPage();
    await signIn(page, people.learner);
    await page.goto(`${app.baseUrl}/modules/${slidesId}/slides`);
    const count = page.locator('[data-deck-count]');
    await page.waitForSelector('[data-deck][data-ready]');
    const total = Number(/of (\d+)/.exec((await count.textContent())!)![1]);
    expect(await count.textContent()).toBe(`Slide 1 of ${total}`);
    await check(page, 'slides');
    await page.keyboard.press('ArrowRight');
    expect(await count.textContent()).toBe(`Slide 2 of ${total}`);
    expect(new URL(page.url()).hash).toBe('#slide-2');
    await page.keyboard.press('n');
    expect(await page.getByRole('button', { name: 'Hide speaker notes' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(await page.locator('[data-slide][data-current] [data-notes]').isVisible()).toBe(true);
    await page.keyboard.press('End');
    expect(await count.textContent()).toBe(`Slide ${total} of ${total}`);
    await page.keyboard.press('ArrowLeft');
    expect(await count.textContent()).toBe(`Slide ${total - 1} of ${total}`);
    await shot(page, 'slides-notes-1280');
    await signOut(page);
    await check(page, 'signed-out');
    await page.goto(`${app.baseUrl}/progress`);
    await page.waitForURL(/\/login/);
    await context.close();
  });
});

describe('keyboard only', () => {
  /** Presses Tab until the focused element matches, as a keyboard user would. */
  async function tabTo(
    page: Page,
    matches: (el: { tag: string; id: string; text: string; name: string }) => boolean,
    limit = 80,
  ): Promise<void> {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      const el = await page.evaluate(() => {
        const a = document.activeElement as HTMLElement & { name?: string };
        return { tag: a.tagName, id: a.id, text: (a.textContent ?? '').trim(), name: a.name ?? '' };
      });
      if (matches(el)) return;
    }
    throw new Error('could not reach the element with Tab');
  }

  async function focusIsVisible(page: Page): Promise<boolean> {
    return page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!);
      return (
        (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') ||
        s.boxShadow !== 'none' ||
        s.backgroundColor === 'rgb(255, 221, 0)'
      );
    });
  }

  it('takes the learner through sign-in, the case study and an answer without a mouse', async () => {
    const { context, page } = await newPage();
    await page.goto(`${app.baseUrl}/login`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
      'Skip to main content',
    );
    expect(await focusIsVisible(page)).toBe(true);
    await tabTo(page, (el) => el.id === 'email');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.type(people.second.email);
    await tabTo(page, (el) => el.id === 'password');
    await page.keyboard.type(people.second.password);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    const h1 = await page.locator('h1').count();
    expect(h1).toBe(1);
    await tabTo(page, (el) => el.tag === 'A' && el.text === caseStudy.title);
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/modules/${caseStudy.id}`));
    await tabTo(page, (el) => el.tag === 'TEXTAREA' && el.name.startsWith('answer:'));
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.type('Typed with the keyboard alone.');
    await tabTo(page, (el) => el.tag === 'BUTTON' && el.text === 'Save answers');
    await page.keyboard.press('Enter');
    await page.waitForLoadState('load');
    expect(await page.locator('textarea[name^="answer:"]').first().inputValue()).toBe(
      'Typed with the keyboard alone.',
    );
    await context.close();
  });
});

describe('without JavaScript', () => {
  it("keeps the learner's core journey working", async () => {
    const { context, page } = await newPage({ javaScriptEnabled: false });
    await signIn(page, people.second);
    await page.getByRole('link', { name: caseStudy.title }).first().click();
    await page.waitForURL(new RegExp(`/modules/${caseStudy.id}`));
    await page.locator('textarea[name^="answer:"]').nth(1).fill('Answered with scripts switched off.');
    await page.getByRole('button', { name: 'Save answers' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('textarea[name^="answer:"]').nth(1).inputValue()).toBe(
      'Answered with scripts switched off.',
    );
    await page
      .getByRole('link', { name: /^Record progress/ })
      .first()
      .click();
    await page.waitForURL(/\/progress\/outcomes\//);
    await page.getByLabel('In progress').check();
    await page.getByRole('button', { name: /^Save/ }).click();
    await page.waitForURL(new RegExp(`/modules/${caseStudy.id}`));
    expect(await page.locator('main').textContent()).toContain('In progress');
    // the slide deck falls back to one long page with every slide
    await page.goto(`${app.baseUrl}/modules/${slidesId}/slides`);
    expect(await page.locator('[data-slide]').first().isVisible()).toBe(true);
    expect(await page.locator('[data-slide]').last().isVisible()).toBe(true);
    await shot(page, 'no-js-slides-1280');
    await context.close();
  });
});
