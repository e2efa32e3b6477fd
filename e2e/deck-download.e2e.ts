import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { readZip } from '../src/variants/zip';
import { launchBrowser, startApp, type RunningApp, setUpAdministrator } from './harness';

/** Issue 29: a trainer in presenter mode downloads the deck as PowerPoint, and gets a file Office can open. */

let app: RunningApp;
let browser: Browser;
let page: Page;
const DECK = 'slides-overview';
const trainer = {
  name: 'Dee Download',
  email: 'dee.download@council.example',
  password: 'download-password-long',
};

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page = await context.newPage();
  await setUpAdministrator(page, app.baseUrl, trainer);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

it('downloads the deck as PowerPoint from the speaker notes window', async () => {
  await page.goto(`${app.baseUrl}/modules/${DECK}/slides/notes`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download as PowerPoint' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${DECK}.pptx`);
  const file = fs.readFileSync((await download.path())!);
  expect(file.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBe(true);
  const { files, problems } = await readZip(file, () => (name) => name);
  expect(problems).toEqual([]);
  expect(files.has('ppt/presentation.xml')).toBe(true);
  // as many slides as the notes window lists
  const slides = [...files.keys()].filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name));
  expect(slides).toHaveLength(await page.locator('[data-note-slide]').count());
  // the notes window is still there: the download did not navigate away
  expect(new URL(page.url()).pathname).toBe(`/modules/${DECK}/slides/notes`);
});
