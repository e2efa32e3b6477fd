import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServerProcess } from '../test/helpers/server';

export const ROOT = path.join(__dirname, '..');
export const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

/** The set-up code the browser journey types (the server is started with it, as an operator would). */
export const E2E_SETUP_CODE = 'E2E-SETUP-CODE-1';

export interface RunningApp {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Starts the built server on a temporary database and a free loopback port: the built-in pack by default (E2E_CONTENT=DIR for another). */
export async function startApp(
  content = path.resolve(ROOT, process.env.E2E_CONTENT ?? 'content'),
): Promise<RunningApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'packway-e2e-'));
  const server = await startServerProcess(dataDir, { CONTENT_DIR: content, SETUP_CODE: E2E_SETUP_CODE });
  return {
    baseUrl: server.baseUrl,
    async stop() {
      server.child.kill('SIGTERM');
      await server.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core with the WCAG 2.2 AA rules; returns serious and critical violations (every violation with `all`). */
export async function axe(page: Page, options: { all?: boolean } = {}): Promise<AxeViolation[]> {
  // evaluated through the DevTools protocol, so the page's Content-Security-Policy (script-src 'self') stays on
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> };
    };
    const result = await w.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })),
    }));
  });
  return options.all
    ? violations
    : violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** JSON calls to a running server's API (for seeding data before a journey), failing loudly on any error answer. */
export async function callApi(
  baseUrl: string,
  method: string,
  url: string,
  token: string | null,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}/api/v1${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
}

/** An API token for a person, through POST /auth/token. */
export async function tokenFor(baseUrl: string, email: string, password: string): Promise<string> {
  return (await callApi(baseUrl, 'POST', '/auth/token', null, { email, password })).token as string;
}

/** The first administrator, made through the set-up page with the set-up code (a fresh app has nobody yet). */
export async function setUpAdministrator(
  page: Page,
  baseUrl: string,
  person: { name: string; email: string; password: string },
): Promise<void> {
  if (!new URL(page.url(), baseUrl).pathname.startsWith('/setup')) await page.goto(`${baseUrl}/setup`);
  await page.getByLabel('Set-up code').fill(E2E_SETUP_CODE);
  await page.getByLabel('Your full name').fill(person.name);
  await page.getByLabel('Email address').fill(person.email);
  await page.getByLabel('Create a password').fill(person.password);
  await page.getByLabel('Confirm the password').fill(person.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/setup'));
}
