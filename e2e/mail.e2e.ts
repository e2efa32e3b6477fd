import type { Browser, Page } from 'playwright-core';
import { dataDirWithPeople, startServerProcess, type ServerProcess } from '../test/helpers/server';
import { PASSWORD } from '../test/helpers/app';
import { header, startSmtp, type SmtpServer } from '../test/helpers/smtp';
import { axe, launchBrowser, shot } from './harness';

/**
 * A forgotten password in a real Chromium, with the built server sending through a real SMTP server (aiosmtpd):
 * "Forgotten your password?" on the sign-in page → the message in the mailbox → its link → a new password → signed in.
 */

let smtp: SmtpServer;
let server: ServerProcess;
let browser: Browser;
let page: Page;
const email = 'forgetful@council.example';
const NEW_PASSWORD = 'a-new-password-for-packway';

beforeAll(async () => {
  smtp = await startSmtp();
  const dir = await dataDirWithPeople([{ email, role: 'learner' }]);
  server = await startServerProcess(dir, {
    MAIL_TRANSPORT: 'smtp',
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    MAIL_FROM: 'Packway <learning@council.example>',
    JOBS_POLL_MS: '100',
  });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
});
afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await smtp?.stop();
});

test('forgotten password: the link arrives by email, sets a new password and signs the person in', async () => {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByRole('link', { name: 'Forgotten your password?' }).click();
  await page.waitForURL('**/password/forgot');
  expect(await axe(page)).toEqual([]);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  await shot(page, 'mail-forgot-sent');

  const [mail] = await smtp.waitFor(1, 30_000);
  expect(header(mail, 'To')).toBe(email);
  expect(header(mail, 'Subject')).toBe('Reset your Packway password');
  const link = new RegExp(`${server.baseUrl.replace(/[.]/g, '\\.')}/password/set\\?token=[\\w%-]+`).exec(
    mail.text!,
  )![0];

  await page.goto(link);
  await page.getByLabel('Create a password').fill(NEW_PASSWORD);
  await page.getByLabel('Confirm the password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await page.waitForURL(`${server.baseUrl}/`);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();

  // the old password no longer works, the new one does
  const signIn = async (password: string) =>
    (
      await fetch(`${server.baseUrl}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      })
    ).status;
  expect(await signIn(PASSWORD)).toBe(401);
  expect(await signIn(NEW_PASSWORD)).toBe(201);
});
