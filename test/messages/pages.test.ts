// The pages and API of messages: "forgot your password", the one-click unsubscribe, a person's choices and calendar
// feed (read back by Debian's python3-icalendar, an independent reader), the administrators' outbox.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { csrfFrom, makeTestApp, PASSWORD, type TestApp } from '../helpers/app';
import { haveAiosmtpd, SYSTEM_PYTHON } from '../helpers/smtp';
import { dueDatesCalendar } from '../../src/messages/calendar.service';

const readIcs = (ics: string) => {
  const out = spawnSync(SYSTEM_PYTHON, [path.join(__dirname, '..', 'helpers', 'ics_read.py')], {
    input: ics,
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout) as {
    version: string;
    events: {
      uid: string;
      dtstamp: string;
      start: string;
      startIsDate: boolean;
      end: string;
      summary: string;
      description: string;
    }[];
  };
};
const describeIcs = haveAiosmtpd() ? describe : describe.skip;

interface Row {
  id: number;
  user_id: number | null;
  kind: string;
  to_address: string;
  body_text: string;
  unsubscribe_url: string | null;
}
const outbox = (t: TestApp) =>
  t.db.all<Row>('SELECT id, user_id, kind, to_address, body_text, unsubscribe_url FROM messages ORDER BY id');

describe('forgot your password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ env: { PUBLIC_URL: 'https://l.example' } });
    const admin = await t.user('admin', 'admin@example.org', 'Admin');
    await t.user('learner', 'known@example.org', 'Known');
    const off = await t.user('learner', 'off@example.org', 'Off');
    await t.services.users.setDisabled(off.id, true, admin);
  });
  afterAll(() => t.close());

  const ask = async (email: string, ip = '10.0.0.1') => {
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/password/forgot');
    return agent
      .post('/password/forgot')
      .set('X-Forwarded-For', ip)
      .type('form')
      .send({ email, _csrf: csrf });
  };

  test('the sign-in page links to it; known and unknown addresses get the same page, and only the known one a link', async () => {
    expect((await request(t.app).get('/login')).text).toContain('href="/password/forgot"');
    const known = await ask('known@example.org');
    const unknown = await ask('nobody@example.org');
    const disabled = await ask('off@example.org');
    expect(known.status).toBe(200);
    const page = (r: request.Response, email: string) =>
      r.text.replace(/(name="_csrf" value|name="csrf-token" content)="[^"]+"/g, '').replace(email, 'EMAIL');
    expect(page(unknown, 'nobody@example.org')).toBe(page(known, 'known@example.org'));
    expect(page(disabled, 'off@example.org')).toBe(page(known, 'known@example.org'));
    expect(await outbox(t)).toHaveLength(0); // answered by a job, not while the person waits
    expect(await t.services.jobs.runDue(['password.reset'])).toBe(3);
    const sent = await outbox(t);
    expect(sent.map((m) => [m.to_address, m.kind])).toEqual([['known@example.org', 'password_reset']]);
    const link = /https:\/\/l\.example(\/password\/set\?token=[\w%-]+)/.exec(sent[0].body_text)!;
    expect(sent[0].body_text).toContain('for 60 minutes');
    // the link sets a new password; after an hour it no longer works
    const page2 = await request(t.app).get(link[1]);
    expect(page2.status).toBe(200);
  });

  test('the link is short-lived', async () => {
    await ask('known@example.org', '10.0.0.2');
    await t.services.jobs.runDue(['password.reset']);
    const last = (await outbox(t)).at(-1)!;
    const link = /https:\/\/l\.example(\/password\/set\?token=[\w%-]+)/.exec(last.body_text)![1];
    await t.db.run("UPDATE password_links SET expires_at = '2000-01-01T00:00:00.000Z' WHERE used_at IS NULL");
    expect((await request(t.app).get(link)).status).toBe(404);
  });

  test('it is throttled like sign-in: the sixth request for one address from one place is refused', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await ask('victim@example.org', '10.9.9.9')).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses[5]).toBe(429);
  });
});

describe('forgot your password with single sign-on only', () => {
  test('a person who signs in only with their organisation gets a message saying so, and no link', async () => {
    const t = await makeTestApp({
      env: {
        OIDC_ISSUER: 'http://127.0.0.1:1/',
        OIDC_CLIENT_ID: 'packway',
        LOCAL_PASSWORDS: 'off',
        PUBLIC_URL: 'https://l.example',
      },
    });
    try {
      await t.services.users.create({ email: 'sso@example.org', name: 'Sso', role: 'learner' }, null);
      await t.services.messages.requestPasswordReset('sso@example.org', '10.0.0.1');
      await t.services.jobs.runDue(['password.reset']);
      const [m] = await outbox(t);
      expect(m.kind).toBe('security');
      expect(m.body_text).toContain('You sign in with your organisation account');
      expect(m.body_text).not.toContain('/password/set');
    } finally {
      await t.close();
    }
  });
});

describe('choices, one-click unsubscribe, calendar and the admin outbox', () => {
  let t: TestApp;
  let learner: { id: number; email: string };
  beforeAll(async () => {
    t = await makeTestApp({ env: { PUBLIC_URL: 'https://l.example' } });
    await t.user('admin', 'admin@example.org', 'Admin');
    await t.user('trainer', 'trainer@example.org', 'Trainer');
    learner = await t.user('learner', 'learner@example.org', 'Learner');
    const token = await t.token('trainer@example.org');
    const api = (p: string, body: object) =>
      request(t.app).post(`/api/v1${p}`).set('Authorization', `Bearer ${token}`).send(body);
    const cohort = (await api('/cohorts', { name: 'C' })).body.id;
    await api(`/cohorts/${cohort}/members`, { emails: [learner.email] });
    await api(`/cohorts/${cohort}/assignments`, { moduleId: 'area-listening', dueAt: '2027-07-15' }); // BST
    await api(`/cohorts/${cohort}/assignments`, { moduleId: 'area-measuring', dueAt: '2027-01-15' }); // GMT
  });
  afterAll(() => t.close());

  test('an optional message carries a signed one-click link that needs no sign-in, no cookie and no form token', async () => {
    const [m] = (await outbox(t)).filter((r) => r.kind === 'assignment');
    const url = m.unsubscribe_url!.replace('https://l.example', '');
    expect(m.body_text).toContain(m.unsubscribe_url!);
    const forged = url.replace(/[^/]+$/, 'A'.repeat(32));
    expect((await request(t.app).post(forged).type('form').send('List-Unsubscribe=One-Click')).status).toBe(
      404,
    );
    expect((await request(t.app).get(url)).text).toContain('Stop these messages');
    const res = await request(t.app).post(url).type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(await t.services.messages.choices(learner.id)).toMatchObject({
      assignment: false,
      reminder: true,
    });
  });

  test('/account/notifications shows and saves each choice', async () => {
    const { agent, csrf } = await t.signIn(learner.email, PASSWORD);
    const page = await agent.get('/account/notifications');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/id="kind-assignment" name="kinds" type="checkbox" value="assignment" aria/);
    expect(page.text).not.toContain('kind-digest'); // a learner runs no cohort
    const saved = await agent
      .post('/account/notifications')
      .type('form')
      .send(`_csrf=${csrf}&kinds=assignment`);
    expect(saved.status).toBe(303);
    expect(await t.services.messages.choices(learner.id)).toMatchObject({
      assignment: true,
      reminder: false,
      self_assessment: false,
    });
  });

  describeIcs('calendar', () => {
    test('a secret feed of due dates as all-day events with stable UIDs, read back by an independent reader; revocable', async () => {
      const planned = await request(t.app)
        .post('/api/v1/me/forms/raid-plan')
        .set('Authorization', `Bearer ${await t.token(learner.email, PASSWORD)}`)
        .send({
          values: {
            details: {
              host: 'Riverside NHS Trust; A&E, front door',
              'visit-date': '2027-10-31',
              purpose: 'Y',
            },
          },
        });
      expect(planned.status).toBe(201);
      const { agent, csrf } = await t.signIn(learner.email, PASSWORD);
      const made = await agent.post('/account/calendar').type('form').send({ _csrf: csrf });
      const feedUrl = /<code id="feed-url">https:\/\/l\.example([^<]+)<\/code>/.exec(made.text)![1];
      const feed = await request(t.app).get(feedUrl);
      expect(feed.status).toBe(200);
      expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
      const cal = readIcs(feed.text);
      expect(cal.version).toBe('2.0');
      const byStart = Object.fromEntries(cal.events.map((e) => [e.start, e]));
      expect(byStart['2027-07-15']).toMatchObject({
        startIsDate: true,
        end: '2027-07-16',
        summary: 'Due: Listening and customer insight',
      });
      expect(byStart['2027-01-15']).toMatchObject({ startIsDate: true, end: '2027-01-16' });
      // a planned raid visit on the day the clocks go back, from the learner's raid plan
      expect(byStart['2027-10-31']).toMatchObject({
        startIsDate: true,
        end: '2027-11-01',
        summary: 'Raid visit: Riverside NHS Trust; A&E, front door',
        uid: `raid-${planned.body.id}@l.example`,
      });
      expect(cal.events).toHaveLength(3);
      const again = readIcs((await request(t.app).get(feedUrl)).text);
      expect(again.events.map((e) => e.uid).sort()).toEqual(cal.events.map((e) => e.uid).sort());
      expect(cal.events[0].dtstamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
      const one = await agent.get('/calendar/modules/area-measuring.ics');
      expect(readIcs(one.text).events).toHaveLength(1);
      await agent.post('/account/calendar/revoke').type('form').send({ _csrf: csrf });
      expect((await request(t.app).get(feedUrl)).status).toBe(404);
    });

    test('titles with commas, semicolons, new lines and non-ASCII letters come back exactly', () => {
      const title = 'Listening, talking; acting\nwell — Siân’s “module” \\ done';
      const ics = dueDatesCalendar(
        [{ cohortId: 1, moduleId: 'm', title, dueOn: '2027-03-28' }],
        'https://l.example',
        new Date(),
        'x',
      );
      const [ev] = readIcs(ics).events;
      expect(ev.summary).toBe(`Due: ${title}`);
      expect(ev.start).toBe('2027-03-28'); // the day the clocks go forward: an all-day date does not move
    });
  });

  test('the admin sees the outbox, sends a test message and sends a failed one again; the API lists it too', async () => {
    const { agent, csrf } = await t.signIn('admin@example.org', PASSWORD);
    const page = await agent.get('/admin/messages');
    expect(page.status).toBe(200);
    expect(page.text).toContain('MAIL_TRANSPORT=log');
    await agent.post('/admin/messages/test').type('form').send({ _csrf: csrf });
    await t.services.jobs.runDue(['mail.send']);
    const token = await t.token('admin@example.org');
    const list = await request(t.app).get('/api/v1/messages').set('Authorization', `Bearer ${token}`);
    expect(list.status).toBe(200);
    expect(list.body.transport).toBe('log');
    expect(list.body.messages[0]).toMatchObject({
      kind: 'test',
      to: 'admin@example.org',
      status: 'sent',
      transport: 'log',
    });
    await t.db.run("UPDATE messages SET status = 'failed', last_error = 'SMTP 550: no' WHERE id = ?", [
      list.body.messages[0].id,
    ]);
    const failed = await request(t.app)
      .get('/api/v1/messages?status=failed')
      .set('Authorization', `Bearer ${token}`);
    expect(failed.body.messages).toHaveLength(1);
    const resend = await agent
      .post(`/admin/messages/${list.body.messages[0].id}/resend`)
      .type('form')
      .send({ _csrf: csrf });
    expect(resend.status).toBe(303);
    await t.services.jobs.runDue(['mail.send']);
    expect((await t.services.messages.get(list.body.messages[0].id)).status).toBe('sent');
    const learnerToken = await t.token(learner.email);
    expect(
      (await request(t.app).get('/api/v1/messages').set('Authorization', `Bearer ${learnerToken}`)).status,
    ).toBe(403);
  });
});

describe('messages are personal data', () => {
  test('a person’s messages and choices are in their data export, and erased with them', async () => {
    const t = await makeTestApp();
    try {
      const admin = await t.user('admin', 'dpo@example.org', 'Dpo');
      const person = await t.services.users.create(
        { email: 'leaving@example.org', name: 'Leaving', role: 'learner', invite: true },
        null,
      );
      await t.services.messages.setChoices(person.id, ['assignment']);
      await t.services.messages.newCalendarFeed(person.id);
      const actor = { ...admin, name: 'Dpo', role: 'admin' as const };
      const record = await t.services.privacy.exportPerson(person.id, actor);
      expect(record.messages).toEqual([
        expect.objectContaining({ kind: 'invitation', to_address: 'leaving@example.org' }),
      ]);
      expect(record.notificationOptOuts.map((r) => r.kind)).toEqual([
        'digest',
        'reminder',
        'review',
        'self_assessment',
      ]);
      expect(record.calendarFeed).toHaveLength(1);
      await t.services.privacy.erase(person.id, { confirmEmail: 'leaving@example.org' }, actor);
      const left = await t.db.get<{ n: number }>(
        `SELECT (SELECT COUNT(*) FROM messages WHERE user_id = @id) + (SELECT COUNT(*) FROM notification_opt_outs WHERE user_id = @id)
           + (SELECT COUNT(*) FROM calendar_feeds WHERE user_id = @id) AS n`,
        { id: person.id },
      );
      expect(Number(left!.n)).toBe(0);
    } finally {
      await t.close();
    }
  });

  test('bodies are kept 30 days, then only the metadata', async () => {
    const t = await makeTestApp();
    try {
      await t.services.users.create(
        { email: 'old@example.org', name: 'Old', role: 'learner', invite: true },
        null,
      );
      await t.services.jobs.runDue(['mail.send']);
      t.clock.advance(31 * 86_400_000);
      expect(await t.services.outbox.clearOldBodies()).toBe(1);
      const [m] = (await t.services.messages.list(null, 1)).messages;
      expect(m).toMatchObject({
        subject: 'You have been invited to Packway',
        status: 'sent',
        text: null,
        html: null,
      });
    } finally {
      await t.close();
    }
  });
});

describe('inviting from the users page', () => {
  test('the form and the CSV import can email invitations instead of showing links', async () => {
    const t = await makeTestApp({ env: { PUBLIC_URL: 'https://l.example' } });
    try {
      await t.user('admin', 'admin@example.org', 'Admin');
      const { agent, csrf } = await t.signIn('admin@example.org', PASSWORD);
      const page = await agent.get('/users');
      expect(page.text).toContain('name="invite" type="checkbox" value="yes"');
      const made = await agent.post('/users').type('form').send({
        _csrf: csrf,
        email: 'form@example.org',
        name: 'Form Person',
        role: 'learner',
        invite: 'yes',
      });
      expect(made.status).toBe(201);
      expect(made.text).toContain('We are emailing them an invitation');
      expect(made.text).not.toContain('data-testid="password-link"');
      const csv = Buffer.from(
        'email,name,role\ncsv1@example.org,Csv One,learner\ncsv2@example.org,Csv Two,trainer\n',
      );
      const imported = await agent
        .post('/users/import')
        .field('_csrf', csrf)
        .field('invite', 'yes')
        .attach('file', csv, 'people.csv');
      expect(imported.status).toBe(303);
      const invitations = (await outbox(t)).filter((m) => m.kind === 'invitation').map((m) => m.to_address);
      expect(invitations).toEqual(['form@example.org', 'csv1@example.org', 'csv2@example.org']);
      // each invitation's link works (a later link would have cancelled it)
      for (const m of (await outbox(t)).filter((r) => r.kind === 'invitation')) {
        const link = /https:\/\/l\.example(\/password\/set\?token=[\w%-]+)/.exec(m.body_text)![1];
        expect((await request(t.app).get(link)).status).toBe(200);
      }
    } finally {
      await t.close();
    }
  });
});

describe('the outbox API refuses a bad query with the documented error', () => {
  test('GET /api/v1/messages?page=0 answers 422', async () => {
    const t = await makeTestApp();
    try {
      await t.user('admin', 'a@example.org');
      const token = await t.token('a@example.org');
      const res = await request(t.app).get('/api/v1/messages?page=0').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toEqual(expect.any(String));
    } finally {
      await t.close();
    }
  });
});
