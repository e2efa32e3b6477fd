import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startServerProcess, type ServerProcess } from '../test/helpers/server';
import { axe, callApi, launchBrowser, ROOT, shot, tokenFor } from './harness';

/**
 * Issue 32, done when: a trainer confirms a learner's evidence for all five outcomes of an area (built-in pack), the built
 * server issues the badge in its background job (the Data Integrity libraries loaded by require() in the built app),
 * the learner finds it, downloads the baked SVG, opens its public page and checks it on the check page; an admin
 * revokes it from its page and the page then says so. Every page: axe clean, no console error.
 */

const PASSWORD = 'a-long-enough-password-42';
const emails = {
  admin: 'bea.admin@council.example',
  trainer: 'ben.trainer@council.example',
  learner: 'bo.learner@council.example',
};
let server: ServerProcess;
let browser: Browser;
let dataDir: string;
const consoleErrors: string[] = [];

const api = (method: string, url: string, token: string | null, body?: unknown) =>
  callApi(server.baseUrl, method, url, token, body);

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-badges-'));
  server = await startServerProcess(dataDir, {
    CONTENT_DIR: path.join(ROOT, 'content'),
    BOOTSTRAP_ADMIN_EMAIL: emails.admin,
    BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
    ORGANISATION_NAME: 'Example Council',
    JOBS_POLL_MS: '200',
  });
  browser = await launchBrowser();
  const admin = await tokenFor(server.baseUrl, emails.admin, PASSWORD);
  for (const [role, email, name] of [
    ['trainer', emails.trainer, 'Ben Trainer'],
    ['learner', emails.learner, 'Bo Learner'],
  ])
    await api('POST', '/users', admin, { email, name, role, password: PASSWORD });
  const trainer = await tokenFor(server.baseUrl, emails.trainer, PASSWORD);
  const cohortId = (await api('POST', '/cohorts', trainer, { name: 'Spring leaders' })).id as number;
  await api('POST', `/cohorts/${cohortId}/members`, trainer, { emails: [emails.learner] });
  const learner = await tokenFor(server.baseUrl, emails.learner, PASSWORD);
  for (const id of ['SP1', 'SP2', 'SP3', 'SP4', 'SP5'])
    await api('PUT', `/me/outcomes/${id}`, learner, {
      status: 'achieved',
      evidence: `My evidence for ${id}`,
    });
  const queue = (await api('GET', `/cohorts/${cohortId}/reviews`, trainer)).reviews as { id: number }[];
  expect(queue).toHaveLength(5);
  for (const r of queue)
    await api('POST', `/reviews/${r.id}`, trainer, { decision: 'confirm', comment: 'Well done' });
});
afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function signedIn(email: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return page;
}

/** The learner's badges once the issuing job has run (it polls every 200 ms). */
async function badgesOf(token: string): Promise<{ id: string }[]> {
  for (let i = 0; i < 100; i++) {
    const badges = (await api('GET', '/me/badges', token)).badges as { id: string }[];
    if (badges.length) return badges;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('no badge was issued');
}

describe('a badge, from confirmation to revocation', () => {
  it('is issued, found, downloaded, shared, checked and revoked', async () => {
    const [badge] = await badgesOf(await tokenFor(server.baseUrl, emails.learner, PASSWORD));
    const learner = await signedIn(emails.learner);
    await learner.goto(`${server.baseUrl}/progress`);
    await learner.getByRole('link', { name: 'Your badges' }).click();
    await learner.waitForURL((url) => url.pathname === '/account/badges');
    expect(await learner.textContent('main')).toContain('Shared purpose');
    expect(await axe(learner)).toEqual([]);
    await shot(learner, 'badges-list-1280');

    const download = learner.waitForEvent('download');
    await learner.getByRole('link', { name: /Download the badge image/ }).click();
    const svg = fs.readFileSync((await (await download).path())!, 'utf8');
    expect(svg).toContain('<openbadges:credential><![CDATA[');

    await learner.getByRole('link', { name: /Public page/ }).click();
    await learner.waitForURL((url) => url.pathname === `/badges/${badge.id}`);
    expect(await learner.locator('#status').textContent()).toContain('Verified');
    expect(await axe(learner)).toEqual([]);
    await shot(learner, 'badge-public-1280');

    // anyone, signed out, checks the downloaded image
    const visitor = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    visitor.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${visitor.url()}: ${m.text()}`);
    });
    await visitor.goto(`${server.baseUrl}/badges/check`);
    expect(await axe(visitor)).toEqual([]);
    await visitor.getByLabel(/Or upload a badge file/).setInputFiles({
      name: 'badge.svg',
      mimeType: 'image/svg+xml',
      buffer: Buffer.from(svg),
    });
    await visitor.getByRole('button', { name: 'Check the badge' }).click();
    expect(await visitor.locator('#result').textContent()).toContain('This badge verifies');
    expect(await axe(visitor)).toEqual([]);
    await shot(visitor, 'badge-check-1280');
    // changed by hand: refused, in plain words
    await visitor
      .getByLabel('Paste the credential')
      .fill(
        svg
          .slice(svg.indexOf('<![CDATA[') + 9, svg.indexOf(']]></openbadges:credential>'))
          .replace('Example Council', 'Another Council'),
      );
    await visitor.getByRole('button', { name: 'Check the badge' }).click();
    expect(await visitor.locator('#result').textContent()).toContain('changed since it was issued');
    expect(await axe(visitor)).toEqual([]);

    const admin = await signedIn(emails.admin);
    await admin.goto(`${server.baseUrl}/badges/${badge.id}`);
    await admin.getByLabel('Why is it revoked?').fill('Issued in error');
    await admin.getByRole('button', { name: 'Revoke the badge' }).click();
    await admin.waitForURL((url) => url.pathname === `/badges/${badge.id}`);
    expect(await admin.locator('#status').textContent()).toContain('Revoked');
    expect(await axe(admin)).toEqual([]);
    await visitor.goto(`${server.baseUrl}/badges/${badge.id}`);
    expect(await visitor.locator('#status').textContent()).toContain('has revoked this badge');

    expect(consoleErrors).toEqual([]);
    await Promise.all([learner, visitor, admin].map((p) => p.context().close()));
  });
});
