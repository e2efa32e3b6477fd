// The outbox through GOV.UK Notify's official client, against a stand-in that checks the client's JWT and the
// documented POST /v2/notifications/email body and answers as Notify does (201, 400, 403, 429, 500).
import { makeTestApp, type TestApp } from '../helpers/app';
import { startNotifyStandIn, type NotifyStandIn } from '../helpers/notify-standin';
import { loadConfig } from '../../src/config';

const sendDue = (t: TestApp) => t.services.jobs.runDue(['mail.send']);
const rows = (t: TestApp) =>
  t.db.all<{
    id: number;
    message_id: string;
    status: string;
    last_error: string | null;
    provider_ref: string | null;
  }>('SELECT id, message_id, status, last_error, provider_ref FROM messages ORDER BY id');
const last = async (t: TestApp) => (await rows(t)).at(-1)!;
const invite = (t: TestApp, email: string, name = 'Invited Person') =>
  t.services.users.create({ email, name, role: 'learner', invite: true }, null);

describe('mail through GOV.UK Notify', () => {
  let notify: NotifyStandIn;
  let t: TestApp;
  beforeAll(async () => {
    notify = await startNotifyStandIn();
    t = await makeTestApp({
      env: {
        MAIL_TRANSPORT: 'notify',
        NOTIFY_API_KEY: notify.apiKey,
        NOTIFY_TEMPLATE_ID: notify.templateId,
        NOTIFY_BASE_URL: notify.baseUrl,
        PUBLIC_URL: 'https://learning.council.example',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await notify.stop();
  });

  test('an invitation reaches Notify once, with the subject and body as personalisation and the reference', async () => {
    await invite(t, 'invited@example.org');
    expect(await sendDue(t)).toBe(1);
    expect(notify.sent).toHaveLength(1);
    const [email] = notify.sent;
    const row = await last(t);
    expect(email.email_address).toBe('invited@example.org');
    expect(email.template_id).toBe(notify.templateId);
    expect(email.personalisation.subject).toBe('You have been invited to Packway');
    expect(email.personalisation.body).toMatch(/https:\/\/learning\.council\.example\/password\/set\?token=/);
    expect(`<${email.reference}@learning.council.example>`).toBe(row.message_id);
    expect(row).toMatchObject({ status: 'sent', provider_ref: email.id });
    expect(await sendDue(t)).toBe(0);
    expect(notify.sent).toHaveLength(1);
  });

  test('429 and 500 are tried again after a wait; 403 and 400 are given up with Notify’s reason', async () => {
    notify.failNext(429);
    notify.failNext(500);
    await invite(t, 'patient@example.org');
    await sendDue(t);
    expect(await last(t)).toMatchObject({
      status: 'queued',
      last_error: expect.stringMatching(/^Notify 429: RateLimitError/),
    });
    t.clock.advance(1_500);
    await sendDue(t);
    expect(await last(t)).toMatchObject({
      status: 'queued',
      last_error: expect.stringMatching(/^Notify 500/),
    });
    t.clock.advance(3_000);
    await sendDue(t);
    expect(await last(t)).toMatchObject({ status: 'sent' });
    expect(notify.sent.filter((s) => s.email_address === 'patient@example.org')).toHaveLength(1);

    notify.failNext(403);
    await invite(t, 'forbidden@example.org');
    await sendDue(t);
    expect(await last(t)).toMatchObject({
      status: 'failed',
      last_error: expect.stringMatching(/^Notify 403/),
    });

    // an address Notify refuses (the stand-in checks it as Notify does): 400 with its errors
    const id = await t.db.transaction(() =>
      t.services.outbox.queue(
        { kind: 'test', subject: 's', text: 't', html: '<p>t</p>', unsubscribeUrl: null },
        { userId: null, email: 'not-an-address' },
      ),
    );
    await sendDue(t);
    expect((await rows(t)).find((r) => r.id === id)).toMatchObject({
      status: 'failed',
      last_error: 'Notify 400: BadRequestError: email_address Not a valid email address',
    });
  });

  test('an attempt after one that reached Notify unrecorded looks the reference up and sends nothing again', async () => {
    await invite(t, 'once@example.org');
    const row = await last(t);
    const before = notify.sent.length;
    await expect(
      t.services.outbox.deliver(row.id, 1, async () => {
        throw new Error('killed before recording');
      }),
    ).rejects.toThrow('killed before recording');
    expect(notify.sent.length).toBe(before + 1);
    expect(await sendDue(t)).toBe(1);
    expect(notify.sent.length).toBe(before + 1);
    expect(await last(t)).toMatchObject({ status: 'sent', provider_ref: notify.sent.at(-1)!.id });
    expect(notify.log.filter((l) => l.method === 'GET' && l.status === 200).length).toBeGreaterThan(0);
  });
});

describe('mail settings', () => {
  const base = { NODE_ENV: 'test', LOG_LEVEL: 'silent' };
  test.each([
    [{ MAIL_TRANSPORT: 'smtp' }, 'SMTP_URL'],
    [{ MAIL_TRANSPORT: 'smtp', SMTP_URL: 'smtp://mail.example:587' }, 'MAIL_FROM'],
    [{ MAIL_TRANSPORT: 'smtp', SMTP_URL: 'http://mail.example' }, 'SMTP_URL'],
    [{ MAIL_TRANSPORT: 'notify' }, 'NOTIFY_API_KEY'],
    [{ MAIL_TRANSPORT: 'notify', NOTIFY_API_KEY: 'nonsense' }, 'NOTIFY_API_KEY'],
    [{ MAIL_TRANSPORT: 'pigeon' }, 'MAIL_TRANSPORT'],
    [{ REMINDER_DAYS_BEFORE: '-1' }, 'REMINDER_DAYS_BEFORE'],
    [{ REMINDER_CHECK_MINUTES: '0' }, 'REMINDER_CHECK_MINUTES'],
    [{ TRAINER_DIGEST_DAY: 'someday' }, 'TRAINER_DIGEST_DAY'],
    [{ SELF_ASSESSMENT_REPEAT_WEEKS: 'x' }, 'SELF_ASSESSMENT_REPEAT_WEEKS'],
    [{ MAIL_REPLY_TO: 'not an address' }, 'MAIL_REPLY_TO'],
  ])('%j stops start-up naming %s', (env, setting) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(new RegExp(`^Invalid settings:\\n  ${setting}:`));
  });

  test('the default sends nothing out: MAIL_TRANSPORT=log', () => {
    expect(loadConfig(base).mail).toEqual({ transport: 'log' });
  });
});
