import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../test/helpers/server';
import { axe, launchBrowser, ROOT, shot, callApi, tokenFor } from './harness';

/**
 * The trainer's progress matrix in Chromium: sort by progress, filter to learners who never signed in and to one
 * learning area (with and without JavaScript), open the evidence behind a cell, the sideways-scroll cue, and no page
 * wider than a 375 px phone. Screenshots: matrix-375.png and matrix-1280.png.
 */

const PASSWORD = 'a-long-enough-password-42';
let server: ServerProcess;
let browser: Browser;
let dataDir: string;
let cohort = 0;
let firstArea = { id: '', title: '', outcome: '' };
const admin = 'ada.admin@council.example';
const trainer = 'tom.trainer@council.example';
const learners = [
  { name: 'Amir Ahmed', email: 'amir@council.example' },
  { name: 'Beth Brown', email: 'beth@council.example' },
  { name: 'Cara Clarke', email: 'cara@council.example' },
  { name: 'Dev Desai', email: 'dev@council.example' },
];

const api = (method: string, url: string, token: string | null, body?: unknown) =>
  callApi(server.baseUrl, method, url, token, body);
const tokenOf = (email: string) => tokenFor(server.baseUrl, email, PASSWORD);

async function signIn(email: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

const rowNames = (page: Page) => page.locator('.pw-matrix tbody th[scope="row"]').allTextContents();

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-matrix-'));
  server = await startServerProcess(dataDir, {
    CONTENT_DIR: path.join(ROOT, 'content'),
    BOOTSTRAP_ADMIN_EMAIL: admin,
    BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
  });
  browser = await launchBrowser();
  const adminToken = await tokenOf(admin);
  await api('POST', '/users', adminToken, {
    email: trainer,
    name: 'Tom Trainer',
    role: 'trainer',
    password: PASSWORD,
  });
  for (const l of learners)
    await api('POST', '/users', adminToken, { ...l, role: 'learner', password: PASSWORD });
  const trainerToken = await tokenOf(trainer);
  cohort = (
    await api('POST', '/cohorts', trainerToken, {
      name: 'Spring leaders 2027',
      description: 'Heads of service',
    })
  ).id as number;
  await api('POST', `/cohorts/${cohort}/members`, trainerToken, { emails: learners.map((l) => l.email) });
  const pack = await api('GET', '/pack', trainerToken);
  const areas = pack.areas as { id: string; title: string; outcomes: { id: string }[] }[];
  firstArea = { id: areas[0].id, title: areas[0].title, outcome: areas[0].outcomes[0].id };
  const modules = (pack.sections as { kind: string; modules: { id: string }[] }[]).flatMap((s) => s.modules);
  const due = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
  await api('POST', `/cohorts/${cohort}/assignments`, trainerToken, {
    moduleId: modules[1].id,
    dueAt: due(7),
  });
  await api('POST', `/cohorts/${cohort}/assignments`, trainerToken, {
    moduleId: modules[2].id,
    dueAt: due(21),
  });
  // Cara has done the most, then Beth; Amir and Dev have done nothing (and only Beth and Cara have signed in)
  const cara = await tokenOf('cara@council.example');
  const beth = await tokenOf('beth@council.example');
  for (const o of areas[0].outcomes.slice(0, 3))
    await api('PUT', `/me/outcomes/${o.id}`, cara, {
      status: 'achieved',
      evidence: `Cara's evidence for ${o.id}`,
    });
  await api('PUT', `/me/outcomes/${areas[1].outcomes[0].id}`, beth, {
    status: 'achieved',
    evidence: 'Beth ran a survey',
  });
  // issue 32: the built-in pack's outcomes wait for review; their trainer confirms them all from the cohort's queue
  const queue = await api('GET', `/cohorts/${cohort}/reviews`, trainerToken);
  for (const r of queue.reviews as { id: number }[])
    await api('POST', `/reviews/${r.id}`, trainerToken, { decision: 'confirm' });
  for (const email of ['beth@council.example', 'cara@council.example'])
    await (await signIn(email)).context().close();
});
afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the progress matrix', () => {
  it('sorts by progress, filters, opens a cell’s evidence, and fits a phone', async () => {
    const page = await signIn(trainer);
    await page.goto(`${server.baseUrl}/cohorts/${cohort}`);
    expect(await rowNames(page)).toEqual(learners.map((l) => l.name));
    expect(await page.locator('main').textContent()).toContain('Heads of service');

    await page.getByLabel('Sort learners by').selectOption('progress');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/sort=progress/);
    expect((await rowNames(page)).slice(0, 2)).toEqual(['Cara Clarke', 'Beth Brown']);

    await page.getByLabel('Show').selectOption('never-signed-in');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/show=never-signed-in/);
    expect((await rowNames(page)).sort()).toEqual(['Amir Ahmed', 'Dev Desai']);
    expect(await page.locator('.pw-matrix tbody tr').first().textContent()).toContain('Never');

    await page.getByRole('link', { name: 'Clear sorting and filters' }).click();
    await page.getByLabel('Learning area').selectOption(firstArea.id);
    await page.getByLabel('Sort learners by').selectOption('least-progress');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/area=/);
    expect((await rowNames(page)).at(-1)).toBe('Cara Clarke');
    expect(await page.locator('.pw-matrix thead').textContent()).toContain(firstArea.title);
    // module headers carry full titles and due dates; totals per learner and per outcome
    expect(await page.locator('.pw-matrix__module').first().textContent()).toMatch(/Due \d+ \w{3} \d{4}/);
    expect(await page.locator('.pw-matrix tbody tr', { hasText: 'Cara Clarke' }).textContent()).toContain(
      '3 of 5',
    );
    expect(await page.locator('.pw-matrix__totals').textContent()).toContain(
      'Achieved or completed by (of 4)',
    );

    // the sideways cue at a phone's width, the table scrolling in its own box, the page no wider than the screen
    await page.goto(`${server.baseUrl}/cohorts/${cohort}?sort=progress`);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.waitForTimeout(100);
    expect(await page.locator('#matrix-scroll-cue').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await axe(page)).toEqual([]);
    await shot(page, 'matrix-375');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await axe(page)).toEqual([]);
    await shot(page, 'matrix-1280');

    // a click on a cell opens that learner's evidence for the outcome
    await page
      .locator('.pw-matrix tbody tr', { hasText: 'Cara Clarke' })
      .locator(`a[href$="/outcomes/${firstArea.outcome}"]`)
      .click();
    await page.waitForURL(new RegExp(`/outcomes/${firstArea.outcome}$`));
    expect(await page.locator('main').textContent()).toContain(`Cara's evidence for ${firstArea.outcome}`);
    expect(await axe(page)).toEqual([]);
    await page.getByRole('link', { name: 'Back to the progress matrix' }).click();
    await page.context().close();
  });

  it('sorts and filters without JavaScript', async () => {
    const page = await signIn(trainer, { javaScriptEnabled: false });
    await page.goto(`${server.baseUrl}/cohorts/${cohort}`);
    await page.getByLabel('Sort learners by').selectOption('least-progress');
    await page.getByLabel('Show').selectOption('never-signed-in');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/least-progress/);
    expect((await rowNames(page)).sort()).toEqual(['Amir Ahmed', 'Dev Desai']);
    // without the script the cue is always there
    expect(await page.locator('#matrix-scroll-cue').isVisible()).toBe(true);
    await page.context().close();
  });
});
