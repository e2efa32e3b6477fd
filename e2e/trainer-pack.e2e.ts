import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { readZip } from '../src/variants/zip';
import { axe, launchBrowser, shot, startApp, type RunningApp, setUpAdministrator } from './harness';

/**
 * Issue 29: an L&D admin (staff, as a trainer is) asks for the trainer's pack on /pack: the progress page updates
 * itself through its script (no inline script: CSP), shows the download once the pack is ready, and the zip holds
 * the decks, modules, guide and README.
 */

let app: RunningApp;
let browser: Browser;
let page: Page;
const admin = {
  name: 'Tara Pack',
  email: 'tara.pack@council.example',
  password: 'trainer-pack-password-long',
};

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
  await setUpAdministrator(page, app.baseUrl, admin);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('prepares the trainer’s pack with a progress page that updates itself, then downloads it', async () => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(`${app.baseUrl}/pack`);
  await page.getByRole('link', { name: /Download the trainer’s pack/ }).click();
  await page.waitForURL((url) => url.pathname === '/packs/builtin/trainer-pack');
  const heading = page.getByRole('heading', { level: 1 });
  if ((await heading.textContent())?.includes('Preparing')) {
    await shot(page, 'trainer-pack-preparing');
    expect(await axe(page)).toEqual([]);
  }
  // the script asks the status API and loads the page again once it is ready: nobody reloads by hand
  await page
    .getByRole('heading', { level: 1, name: 'The trainer’s pack is ready' })
    .waitFor({ timeout: 60_000 });
  await shot(page, 'trainer-pack-ready');
  expect(await axe(page)).toEqual([]);
  expect(errors).toEqual([]);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download the trainer’s pack' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('trainers-pack-customer-focused-leadership-1.0.0.zip');
  const file = fs.readFileSync((await download.path())!);
  const names: string[] = [];
  await readZip(file, (all) => {
    names.push(...all);
    return () => undefined;
  });
  expect(names).toContain('README.txt');
  expect(names).toContain('Facilitator guide.docx');
  expect(names.filter((n) => n.startsWith('08-slides/') && n.endsWith('.pptx')).length).toBeGreaterThan(0);
  expect(names.filter((n) => n.endsWith('.docx')).length).toBeGreaterThan(30);

  // back on /pack, the link now goes straight to the file, with its size
  await page.goto(`${app.baseUrl}/pack`);
  const link = page.locator('#trainer-pack a[href="/packs/builtin/trainer-pack.zip"]');
  await expect(link.count()).resolves.toBe(1);
  expect(await page.locator('#trainer-pack').textContent()).toMatch(/ZIP, \d+(\.\d)? MB, 52 files/);
});
