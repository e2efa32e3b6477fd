// Issue 28's "done when", as one story against a real SMTP server (Debian's aiosmtpd): a new learner is invited, sets a
// password from the message, is told of an assignment, is reminded before the due date, turns reminders off with the
// message's one-click link and subscribes to their due dates in a calendar.
import request from 'supertest';
import { makeTestApp, PASSWORD, type TestApp } from '../helpers/app';
import {
  freePort,
  haveAiosmtpd,
  header,
  startSmtp,
  type ReceivedMail,
  type SmtpServer,
} from '../helpers/smtp';
import { addDays, londonNow } from '../../src/shared/dates';

const describeSmtp = haveAiosmtpd() ? describe : describe.skip;
const SITE = 'https://learning.council.example';
const noon = (day: string) => new Date(`${day}T12:00:00Z`).getTime();

describeSmtp('a new learner, from invitation to calendar, through a real SMTP server', () => {
  let smtp: SmtpServer;
  let t: TestApp;
  let admin: string;
  let trainer: string;
  const today = londonNow(Date.now()).day;
  const sendAll = () => t.services.jobs.runDue(['mail.send']);
  /** The message with this subject, once `count` messages have arrived (a Maildir's order is not arrival order). */
  const arrived = async (count: number, subject: RegExp): Promise<ReceivedMail> => {
    const found = (await smtp.waitFor(count)).filter((m) => subject.test(header(m, 'Subject') ?? ''));
    expect(found).toHaveLength(1);
    return found[0];
  };
  const linkIn = (mail: ReceivedMail, pattern: RegExp) => pattern.exec(mail.text ?? '')?.[0];

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await makeTestApp({
      env: {
        MAIL_TRANSPORT: 'smtp',
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        MAIL_FROM: 'Packway <learning@council.example>',
        PUBLIC_URL: SITE,
        REMINDER_DAYS_BEFORE: '3',
        TRAINER_DIGEST_DAY: 'off',
      },
    });
    t.clock.set(noon(today));
    await t.user('admin', 'boss@example.org');
    await t.user('trainer', 'tess@example.org', 'Tess Trainer');
    admin = await t.token('boss@example.org');
    trainer = await t.token('tess@example.org');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  test('invited, signed in, told, reminded, unsubscribed in one click, subscribed in a calendar', async () => {
    // 1. the invitation, and a password set from its link
    const created = await request(t.app)
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ email: 'nia@example.org', name: 'Nia Learner', role: 'learner', invite: true });
    expect(created.status).toBe(201);
    await sendAll();
    const invitation = await arrived(1, /invited/);
    expect(header(invitation, 'To')).toBe('nia@example.org');
    const setLink = linkIn(invitation, /https:\/\/learning\.council\.example\/password\/set\?token=[\w%-]+/)!;
    const agent = request.agent(t.app);
    const form = await agent.get(setLink.replace(SITE, ''));
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const set = await agent
      .post('/password/set')
      .type('form')
      .send({
        _csrf: csrf,
        token: new URL(setLink).searchParams.get('token'),
        password: PASSWORD,
        confirm: PASSWORD,
      });
    expect(set.status).toBe(303);

    // 2. told of an assignment due in three days
    const api = (method: 'post', path: string, body: object) =>
      request(t.app)[method](`/api/v1${path}`).set('Authorization', `Bearer ${trainer}`).send(body);
    const cohort = (await api('post', '/cohorts', { name: 'Spring leaders' })).body.id as number;
    await api('post', `/cohorts/${cohort}/members`, { emails: ['nia@example.org'] });
    const due = addDays(today, 3);
    expect(
      (await api('post', `/cohorts/${cohort}/assignments`, { moduleId: 'area-listening', dueAt: due }))
        .status,
    ).toBe(201);
    await sendAll();
    const told = await arrived(2, /assigned|new module|to do/i);
    expect(header(told, 'To')).toBe('nia@example.org');
    expect(told.text).toContain('Listening');
    expect(invitation.text).toMatch(/until \d{1,2} \w+ \d{4} at (1[0-2]|[1-9]):\d\d [ap]m/); // a 12-hour time is never 0:00
    expect(header(told, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');

    // 3. reminded before the due date, by the reminder run
    await t.services.reminders.run(async () => undefined);
    await sendAll();
    const reminder = await arrived(3, /due|remind/i);
    expect(header(reminder, 'To')).toBe('nia@example.org');
    const unsubscribe = /^<(https:[^>]+)>$/.exec(header(reminder, 'List-Unsubscribe') ?? '')?.[1];
    expect(unsubscribe).toBeDefined();

    // 4. one click (RFC 8058: a POST with no cookie and no form token) turns reminders off, and no more come
    const clicked = await request(t.app)
      .post(unsubscribe!.replace(SITE, ''))
      .type('form')
      .send('List-Unsubscribe=One-Click');
    expect(clicked.status).toBe(200);
    expect(await t.services.messages.choices(created.body.id)).toMatchObject({ reminder: false });
    t.clock.set(noon(addDays(today, 1)));
    await t.services.reminders.run(async () => undefined);
    await sendAll();
    expect(smtp.received()).toHaveLength(3);

    // 5. a calendar address of their due dates, made on their account page
    const { agent: nia, csrf: niaCsrf } = await t.signIn('nia@example.org');
    const made = await nia.post('/account/calendar').type('form').send({ _csrf: niaCsrf });
    const feed = /<code id="feed-url">https:\/\/learning\.council\.example([^<]+)<\/code>/.exec(
      made.text,
    )![1];
    const ics = await request(t.app).get(feed);
    expect(ics.status).toBe(200);
    expect(ics.text).toContain(`DTSTART;VALUE=DATE:${due.replace(/-/g, '')}`);
    expect(ics.text).toContain('SUMMARY:Due: Listening');
  });
});

describe('a mail server that is down', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({
      env: {
        MAIL_TRANSPORT: 'smtp',
        SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
        MAIL_FROM: 'learning@council.example',
        PUBLIC_URL: SITE,
      },
    });
    await t.user('admin', 'boss@example.org');
  });
  afterAll(() => t.close());

  test('neither makes the service unready nor blocks a request; the message waits in the outbox', async () => {
    expect((await request(t.app).get('/readyz')).status).toBe(200);
    const created = await request(t.app)
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${await t.token('boss@example.org')}`)
      .send({ email: 'nia@example.org', name: 'Nia Learner', role: 'learner', invite: true });
    expect(created.status).toBe(201);
    await t.services.jobs.runDue(['mail.send']);
    const [row] = await t.db.all<{ status: string; last_error: string | null }>(
      'SELECT status, last_error FROM messages',
    );
    expect(row.status).toBe('queued');
    expect(row.last_error).toBeTruthy();
    expect((await request(t.app).get('/readyz')).status).toBe(200);
  });
});
