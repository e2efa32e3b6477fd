import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axe, launchBrowser, shot, startApp, type RunningApp, setUpAdministrator } from './harness';

/**
 * Issue 18 item 8: presenter mode in a real Chromium. The audience's window shows only the slide, scaled to fill the
 * screen; the speaker notes window follows it (and leads it); the keyboard does everything.
 */

let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const DECK = 'slides-overview';
const admin = {
  name: 'Pat Presenter',
  email: 'pat.presenter@council.example',
  password: 'presenter-password-long',
};

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  await setUpAdministrator(page, app.baseUrl, admin);
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const current = (p: Page, attr = 'data-slide') =>
  p.evaluate((a) => Number(document.querySelector(`[${a}][data-current]`)?.getAttribute(a)), attr);

async function noAxeProblems(p: Page, widths: number[], height = 800): Promise<void> {
  const problems = [];
  for (const width of widths) {
    await p.setViewportSize({ width, height });
    problems.push(...(await axe(p)).map((v) => ({ ...v, width })));
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  }
  expect(problems).toEqual([]);
}

describe('presenter mode', () => {
  it('starts from the deck page and shows the audience only the slide, never a speaker note', async () => {
    await page.goto(`${app.baseUrl}/modules/${DECK}/slides`);
    await page.getByRole('button', { name: /^Present/ }).click();
    await page.waitForSelector('[data-present][data-ready]');
    expect(new URL(page.url()).pathname).toBe(`/modules/${DECK}/slides/present`);
    expect(await current(page)).toBe(0);
    const text = await page.locator('body').innerText();
    expect(text).not.toContain('Welcome the group');
    expect(text).not.toContain('Time:');
    expect(
      await page.locator('footer, .govuk-service-navigation, [data-note-slide], .pw-slide__notes').count(),
    ).toBe(0);
    expect(await page.locator('[data-slide]:visible').count()).toBe(1);
    await noAxeProblems(page, [1280, 375, 320]);
  });

  it('moves with the arrows, Page Up and Page Down, Home and End', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const total = await page.locator('[data-slide]').count();
    await page.keyboard.press('ArrowRight');
    expect(await current(page)).toBe(1);
    expect(new URL(page.url()).hash).toBe('#slide-2');
    await page.keyboard.press('PageDown');
    expect(await current(page)).toBe(2);
    await page.keyboard.press('PageUp');
    expect(await current(page)).toBe(1);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await current(page)).toBe(0);
    await page.keyboard.press('End');
    expect(await current(page)).toBe(total - 1);
    await page.keyboard.press('ArrowRight');
    expect(await current(page)).toBe(total - 1);
    await page.keyboard.press('Home');
    expect(await current(page)).toBe(0);
    expect(await page.locator('[data-present-count]').textContent()).toBe(`Slide 1 of ${total}`);
    await shot(page, 'presenter-1280');
  });

  it('fills a 1920 × 1080 projector with the slide, its text inside the slide', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    const total = await page.locator('[data-slide]').count();
    for (let i = 0; i < total; i += 1) {
      const box = await page.locator('[data-slide][data-current] .pw-stage__slide').boundingBox();
      expect(box).not.toBeNull();
      expect(box!.width).toBeGreaterThanOrEqual(1900);
      expect(box!.height).toBeGreaterThanOrEqual(1060);
      const fits = await page.evaluate(() => {
        const body = document.querySelector('[data-slide][data-current] .pw-stage__body')!;
        return body.scrollHeight <= body.clientHeight + 1;
      });
      expect(fits).toBe(true);
      if (i === 0) {
        const heading = await page.evaluate(() =>
          parseFloat(getComputedStyle(document.querySelector('[data-slide][data-current] h2')!).fontSize),
        );
        expect(heading).toBeGreaterThanOrEqual(60);
        await shot(page, 'presenter-1920');
      }
      await page.keyboard.press('ArrowRight');
    }
    await page.keyboard.press('Home');
  });

  it('reads on a phone: the slide spans the screen and nothing is wider than it', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    const box = await page.locator('[data-slide][data-current] .pw-stage__slide').boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(370);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const body = await page.evaluate(() =>
      parseFloat(getComputedStyle(document.querySelector('[data-slide][data-current] li')!).fontSize),
    );
    expect(body).toBeGreaterThanOrEqual(16);
    await shot(page, 'presenter-375');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('opens the speaker notes in their own window, which follows the slides and leads them', async () => {
    await page.keyboard.press('ArrowRight'); // slide 2
    const [notes] = await Promise.all([context.waitForEvent('page'), page.keyboard.press('s')]);
    await notes.waitForSelector('[data-presenter-notes][data-ready]');
    expect(new URL(notes.url()).pathname).toBe(`/modules/${DECK}/slides/notes`);
    await notes.waitForFunction(
      () =>
        document.querySelector('[data-note-slide][data-current]')?.getAttribute('data-note-slide') === '1',
    );
    // the notes window shows the notes of the slide on screen, a clock and the time left for the slide
    const shown = notes.locator('[data-note-slide][data-current]');
    expect(await shown.innerText()).toContain('Time: 4 minutes');
    expect(await notes.locator('[data-clock]').textContent()).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(await notes.locator('[data-slide-left]').textContent()).toMatch(/^(4:00|3:5\d)$/);
    expect(await notes.locator('[data-plan]').textContent()).toContain('after 12 minutes');
    // the audience moves on: the notes follow
    await page.bringToFront();
    await page.keyboard.press('ArrowRight');
    await notes.waitForFunction(
      () =>
        document.querySelector('[data-note-slide][data-current]')?.getAttribute('data-note-slide') === '2',
    );
    // the presenter moves on from the notes window: the audience follows
    await notes.bringToFront();
    await notes.keyboard.press('PageDown');
    await page.waitForFunction(
      () => document.querySelector('[data-slide][data-current]')?.getAttribute('data-slide') === '3',
    );
    await notes.keyboard.press('ArrowLeft');
    await page.waitForFunction(
      () => document.querySelector('[data-slide][data-current]')?.getAttribute('data-slide') === '2',
    );
    expect(await notes.locator('[data-notes-count]').textContent()).toMatch(/^Slide 3 of \d+$/);
    // B blanks the audience's screen from the notes window
    await notes.keyboard.press('b');
    await page.waitForSelector('[data-present][data-blank]');
    await notes.keyboard.press('b');
    await page.waitForSelector('[data-present]:not([data-blank])');
    await notes.setViewportSize({ width: 1280, height: 800 });
    await shot(notes, 'presenter-notes-1280');
    await noAxeProblems(notes, [1280, 375, 320]);
    await notes.close();
  });

  it('goes full screen on F, and Esc leaves the presentation at the same slide', async () => {
    await page.bringToFront();
    await page.keyboard.press('f');
    await page.waitForFunction(() => document.fullscreenElement !== null, undefined, { timeout: 5000 });
    await page.keyboard.press('f');
    await page.waitForFunction(() => document.fullscreenElement === null, undefined, { timeout: 5000 });
    await page.keyboard.press('Escape');
    await page.waitForURL(/\/slides#slide-3$/);
    expect(new URL(page.url()).pathname).toBe(`/modules/${DECK}/slides`);
  });

  it('still lists every slide, and every note in the notes view, without JavaScript', async () => {
    const noJs = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 800 },
    });
    await noJs.addCookies(await context.cookies());
    const p = await noJs.newPage();
    await p.goto(`${app.baseUrl}/modules/${DECK}/slides/present`);
    expect(await p.locator('[data-slide]').last().isVisible()).toBe(true);
    await p.goto(`${app.baseUrl}/modules/${DECK}/slides/notes`);
    expect(await p.locator('[data-note-slide]').last().isVisible()).toBe(true);
    await noJs.close();
  });
});

describe('the service’s own pages (issue 18 item 12)', () => {
  it('links contact, accessibility, privacy and cookies from the footer, each free of axe findings', async () => {
    await page.goto(`${app.baseUrl}/`);
    for (const [link, heading, name] of [
      ['Contact', 'Contact and help', 'contact'],
      ['Accessibility statement', 'Accessibility statement for Packway', 'accessibility'],
      ['Privacy notice', 'Privacy notice', 'privacy'],
      ['Cookies', 'Cookies', 'cookies'],
    ]) {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.locator('footer').getByRole('link', { name: link, exact: true }).click();
      await page.waitForLoadState('load');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(heading);
      await shot(page, `site-${name}-1280`);
      await noAxeProblems(page, [1280, 375, 320]);
      await shot(page, `site-${name}-320`);
    }
    // the account bar sits in the page header (a banner landmark), not loose in the page
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await page.getByRole('banner').getByText('Signed in as').count()).toBe(1);
  });
});
