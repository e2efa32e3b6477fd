import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../src/ops/free-port';
import { startServerProcess, type ServerProcess } from '../test/helpers/server';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  PROVIDER_PASSWORD,
  entraClaims,
  startTestProvider,
  type TestProvider,
} from '../test/helpers/oidc';
import { axe, launchBrowser, shot } from './harness';

/**
 * Signing in with the organisation's account in a real Chromium: the Packway button, the provider's own login page
 * (oidc-provider in a child process, shaped like Entra ID), back to the right home page for the role the claim
 * gives; then signing out, which leaves through the sign-out form to the provider's sign-out page and back. The
 * sign-out is the CSP trap: Chromium applies form-action to a form's redirect, so the provider's origin must be in it.
 */

let provider: TestProvider;
let server: ServerProcess;
let dataDir: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  provider = await startTestProvider({
    redirectUris: [`${baseUrl}/login/sso/callback`],
    postLogoutRedirectUris: [`${baseUrl}/login?signed-out=1`],
  });
  await provider.setAccounts({
    'dana.trainer': {
      claims: entraClaims('oid-dana', { name: 'Dana Okafor', roles: ['Packway.Trainer'] }),
    },
  });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-e2e-sso-'));
  server = await startServerProcess(
    dataDir,
    {
      CONTENT_DIR: path.join(__dirname, '..', 'content'),
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_BUTTON_TEXT: 'Sign in with your council account',
    },
    port,
  );
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await provider?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('signs a trainer in through the organisation’s login page and lands on their home page', async () => {
  await page.goto(`${server.baseUrl}/login`);
  expect(await axe(page)).toEqual([]);
  await page.setViewportSize({ width: 320, height: 800 });
  expect(await axe(page)).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await shot(page, 'sso-login-320');
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByRole('button', { name: 'Sign in with your council account' }).click();
  await page.waitForURL((url) => url.href.startsWith(provider.issuer));
  await page.getByLabel('Username').fill('dana.trainer');
  await page.getByLabel('Password').fill(PROVIDER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.waitForURL(`${server.baseUrl}/`);
  expect(await page.locator('h1').textContent()).toBe('Your cohorts');
  expect(await page.content()).toContain('Dana Okafor');
  await shot(page, 'sso-trainer-home');
});

it('signs out of Packway and of the provider, through the provider’s sign-out page and back', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  // a CSP that blocks the form's redirect leaves the page where it is: fail in seconds, not at the test's timeout
  await page.waitForURL((url) => url.href.startsWith(provider.issuer), { timeout: 10_000 });
  // the provider asks before signing out of it (Entra shows its own page here)
  await page.getByRole('button', { name: /yes/i }).click();
  await page.waitForURL(`${server.baseUrl}/login?signed-out=1`);
  expect(await page.getByText('You have signed out').isVisible()).toBe(true);
  await page.goto(`${server.baseUrl}/`);
  expect(new URL(page.url()).pathname).toBe('/login');
});
