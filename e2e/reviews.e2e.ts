import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../test/helpers/server';
import { axe, callApi, launchBrowser, ROOT, shot, tokenFor } from './harness';

/**
 * Issue 32, review of evidence in a browser, on the built-in pack (its areas are reviewed by a trainer): a learner marks
 * an outcome achieved; the trainer returns it with feedback from the cohort's queue; the learner reads the feedback,
 * answers it and resubmits; the trainer confirms; the learner's page and record say who confirmed it and when.
 */

const PASSWORD = 'a-long-enough-password-42';
const emails = {
  admin: 'ria.admin@council.example',
  trainer: 'tom.trainer@council.example',
  learner: 'lia.learner@council.example',
};
let server: ServerProcess;
let browser: Browser;
let dataDir: string;
let cohortId = 0;

const api = (method: string, url: string, token: string | null, body?: unknown) =>
  callApi(server.baseUrl, method, url, token, body);

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-reviews-'));
  server = await startServerProcess(dataDir, {
    CONTENT_DIR: path.join(ROOT, 'content'),
    BOOTSTRAP_ADMIN_EMAIL: emails.admin,
    BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
  });
  browser = await launchBrowser();
  const admin = await tokenFor(server.baseUrl, emails.admin, PASSWORD);
  await api('POST', '/users', admin, {
    email: emails.trainer,
    name: 'Tom Trainer',
    role: 'trainer',
    password: PASSWORD,
  });
  await api('POST', '/users', admin, {
    email: emails.learner,
    name: 'Lia Learner',
    role: 'learner',
    password: PASSWORD,
  });
  const trainer = await tokenFor(server.baseUrl, emails.trainer, PASSWORD);
  cohortId = (await api('POST', '/cohorts', trainer, { name: 'Winter leaders' })).id as number;
  await api('POST', `/cohorts/${cohortId}/members`, trainer, { emails: [emails.learner] });
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

/** The trainer's decision on the one submission in the queue. */
async function decide(page: Page, decision: 'Confirm' | 'Return with feedback', comment: string) {
  await page.goto(`${server.baseUrl}/cohorts/${cohortId}/reviews`);
  const review = page.locator('section.pw-review').first();
  await review.getByLabel(decision, { exact: false }).check();
  await review.getByLabel('Comment (required when you return it)').fill(comment);
  await review.getByRole('button', { name: /Save decision/ }).click();
  await page.waitForURL((url) => url.pathname === `/cohorts/${cohortId}/reviews`);
}

describe('review of evidence', () => {
  it('the trainer returns, the learner resubmits, the trainer confirms', async () => {
    const learner = await signedIn(emails.learner);
    await learner.goto(`${server.baseUrl}/progress/outcomes/SP1`);
    await learner.getByLabel('Achieved').check();
    await learner
      .getByLabel('Your evidence')
      .fill('A purpose statement tested with 4 staff and 3 residents.');
    await learner.getByRole('button', { name: /Save/ }).click();
    await learner.waitForURL((url) => url.pathname === '/progress');
    expect(await learner.locator('#outcome-SP1-status').textContent()).toContain('Awaiting review');

    const trainer = await signedIn(emails.trainer);
    await trainer.goto(`${server.baseUrl}/cohorts/${cohortId}`);
    expect(await trainer.locator('td.w').count()).toBe(1); // the matrix's blue cell: awaiting review
    await trainer.getByRole('link', { name: 'Evidence to review' }).click();
    await trainer.waitForURL((url) => url.pathname === `/cohorts/${cohortId}/reviews`);
    expect(await trainer.getByRole('heading', { level: 1 }).textContent()).toBe('Evidence to review');
    const queueText = (await trainer.textContent('main'))!;
    expect(queueText).toContain('A purpose statement tested with 4 staff and 3 residents.');
    expect(queueText).toContain('Standard of evidence');
    expect(await axe(trainer)).toEqual([]);
    await shot(trainer, 'review-queue-1280');

    // a return without feedback is refused with the problem linked to the field
    const review = trainer.locator('section.pw-review').first();
    await review.getByLabel('Return with feedback', { exact: false }).check();
    await review.getByRole('button', { name: /Save decision/ }).click();
    expect(await trainer.locator('.govuk-error-summary').textContent()).toContain('Write feedback');
    expect(await axe(trainer)).toEqual([]);
    await decide(trainer, 'Return with feedback', 'Ask at least 1 partner, and say what you changed.');
    expect(await trainer.locator('.govuk-notification-banner').textContent()).toContain('Evidence returned');
    expect(await trainer.locator('#queue-empty').isVisible()).toBe(true);

    await learner.goto(`${server.baseUrl}/progress/outcomes/SP1`);
    expect(await learner.locator('#returned-feedback').textContent()).toBe(
      'Ask at least 1 partner, and say what you changed.',
    );
    expect(await axe(learner)).toEqual([]);
    await shot(learner, 'review-returned-1280');
    await learner.getByLabel('Achieved').check();
    await learner
      .getByLabel('Your evidence')
      .fill('A purpose statement tested with 4 staff, 1 partner and 3 residents; we cut it to 2 sentences.');
    await learner
      .getByLabel('Your answer to the feedback (optional)')
      .fill('Added the partner and the change.');
    await learner.getByRole('button', { name: /Save/ }).click();
    await learner.waitForURL((url) => url.pathname === '/progress');
    expect(await learner.locator('#outcome-SP1-status').textContent()).toContain('Awaiting review');

    await trainer.goto(`${server.baseUrl}/cohorts/${cohortId}/reviews`);
    expect(await trainer.textContent('main')).toContain('Added the partner and the change.');
    await decide(trainer, 'Confirm', 'Well tested.');
    expect(await trainer.locator('.govuk-notification-banner').textContent()).toContain('Evidence confirmed');
    await trainer.goto(`${server.baseUrl}/cohorts/${cohortId}`);
    expect(await trainer.locator('td.a').count()).toBeGreaterThanOrEqual(1);
    expect(await trainer.locator('td.w').count()).toBe(0);

    await learner.goto(`${server.baseUrl}/progress/outcomes/SP1`);
    expect(await learner.locator('#confirmed').textContent()).toContain('confirmed by Tom Trainer');
    expect(await learner.locator('#reviews').textContent()).toContain('Ask at least 1 partner');
    await learner.goto(`${server.baseUrl}/account/record`);
    expect(await learner.textContent('main')).toContain('Confirmed by Tom Trainer on');
    expect(await axe(learner)).toEqual([]);
    await learner.context().close();
    await trainer.context().close();
  });
});
