// The outbox against a real SMTP server (Debian's aiosmtpd), messages read back from its Maildir by Python's email
// package: invitations end to end, failures sorted into temporary and permanent, one Message-ID for life, STARTTLS,
// and names that try to add a header or markup.
import request from 'supertest';
import { makeTestApp, PASSWORD, type TestApp } from '../helpers/app';
import {
  freePort,
  haveAiosmtpd,
  header,
  startSmtp,
  throwawayCertificate,
  type SmtpServer,
} from '../helpers/smtp';
import { createSmtpMail } from '../../src/messages/smtp.mail';
import { notices } from '../../src/messages/notices';

const describeSmtp = haveAiosmtpd() ? describe : describe.skip;
const FROM = 'Packway <learning@council.example>';

async function smtpApp(smtp: SmtpServer, env: Record<string, string> = {}): Promise<TestApp> {
  return makeTestApp({
    env: {
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      MAIL_FROM: FROM,
      MAIL_REPLY_TO: 'help@council.example',
      PUBLIC_URL: 'https://learning.council.example',
      ...env,
    },
  });
}

const sendDue = (t: TestApp) => t.services.jobs.runDue(['mail.send']);
const rows = (t: TestApp) =>
  t.db.all<{ id: number; message_id: string; status: string; last_error: string | null; attempts: number }>(
    'SELECT id, message_id, status, last_error, attempts FROM messages ORDER BY id',
  );

describeSmtp('mail through SMTP', () => {
  let smtp: SmtpServer;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await smtpApp(smtp);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  test('an invited person gets one message with a link that sets their password and signs them in', async () => {
    await t.user('admin', 'boss@example.org');
    const token = await t.token('boss@example.org');
    const res = await request(t.app)
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${token}`)
      .send({ email: 'new.learner@example.org', name: 'New Learner', role: 'learner', invite: true });
    expect(res.status).toBe(201);
    expect(res.body.passwordLink).toBeUndefined();
    expect(await sendDue(t)).toBe(1);
    const [mail] = await smtp.waitFor(1);
    expect(header(mail, 'To')).toBe('new.learner@example.org');
    expect(header(mail, 'From')).toBe(FROM);
    expect(header(mail, 'Reply-To')).toBe('help@council.example');
    expect(header(mail, 'Subject')).toBe('You have been invited to Packway');
    const [row] = await rows(t);
    expect(row.status).toBe('sent');
    expect(header(mail, 'Message-ID')).toBe(row.message_id);
    expect(header(mail, 'List-Unsubscribe')).toBeUndefined(); // an invitation is always sent
    const link = /https:\/\/learning\.council\.example\/password\/set\?token=[\w%-]+/.exec(mail.text!)?.[0];
    expect(link).toBeDefined();
    expect(mail.html).toContain(link!.replace(/&/g, '&amp;'));
    // the link works once: set a password, then sign in with it
    const path = link!.replace('https://learning.council.example', '');
    const agent = request.agent(t.app);
    const page = await agent.get(path);
    expect(page.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const tokenValue = new URL(link!).searchParams.get('token')!;
    const set = await agent
      .post('/password/set')
      .type('form')
      .send({ _csrf: csrf, token: tokenValue, password: PASSWORD, confirm: PASSWORD });
    expect(set.status).toBe(303);
    expect(await t.token('new.learner@example.org')).toEqual(expect.any(String));
    // sending again sends nothing more: the message is recorded as sent
    expect(await sendDue(t)).toBe(0);
    expect(smtp.received()).toHaveLength(1);
  });

  test('a refused address (550) is given up with the reason; a busy one (451) waits and is tried again', async () => {
    const before = smtp.received().length;
    await t.services.users.create(
      { email: 'refused@example.org', name: 'R', role: 'learner', invite: true },
      null,
    );
    await t.services.users.create(
      { email: 'busy@example.org', name: 'B', role: 'learner', invite: true },
      null,
    );
    await sendDue(t);
    const all = await rows(t);
    const refused = all.at(-2)!;
    const busy = all.at(-1)!;
    expect(refused.status).toBe('failed');
    expect(refused.last_error).toMatch(/^SMTP 550/);
    expect(busy.status).toBe('queued');
    expect(busy.last_error).toMatch(/^SMTP 451/);
    // not before its back-off has passed
    expect(await sendDue(t)).toBe(0);
    t.clock.advance(2_000);
    expect(await sendDue(t)).toBe(1);
    expect((await rows(t)).at(-1)!.attempts).toBe(2);
    expect(smtp.received()).toHaveLength(before);
  });

  test('a message whose sending was not recorded (the worker died) goes again with the same Message-ID', async () => {
    const before = smtp.received().length;
    const admin = { id: 1, email: 'boss@example.org', name: 'Boss', role: 'admin' as const };
    const id = await t.services.messages.sendTest(admin);
    const row = (await rows(t)).find((r) => r.id === id)!;
    // the first attempt reaches the server, then the instance dies before recording it: the job is claimed again
    // once its lease runs out, and the message goes again under the Message-ID it has had from the start
    const first = await t.services.outbox
      .deliver(id, 1, async () => {
        throw new Error('killed');
      })
      .catch((err: Error) => err.message);
    expect(first).toBe('killed');
    expect((await rows(t)).find((r) => r.id === id)!.status).toBe('queued');
    expect(await sendDue(t)).toBe(1);
    // (the Maildir's order is not the order of arrival: pick the copies by their Message-ID)
    const got = await smtp.waitFor(before + 2);
    expect(got.filter((m) => header(m, 'Message-ID') === row.message_id)).toHaveLength(2);
    expect((await rows(t)).find((r) => r.id === id)!.status).toBe('sent');
  });

  test('names and titles with new lines, markup, quotes and non-ASCII letters change no header and no markup', async () => {
    const before = smtp.received().length;
    const name = 'Siân "Ó\'Brien"\r\nBcc: victim@evil.example\n<script>alert(1)</script>';
    const write = notices({
      service: 'Packway',
      organisation: null,
      publicUrl: 'https://learning.council.example',
    });
    const u = await t.services.users.create(
      { email: 'sian@example.org', name: 'Siân', role: 'learner' },
      null,
    );
    const draft = write.assignment(
      name,
      'Cohort\r\nX-Injected: yes',
      [
        {
          title: 'Title\r\nBcc: victim@evil.example <b>bold</b>',
          dueOn: '2027-03-03',
          url: 'https://learning.council.example/modules/x',
        },
      ],
      {
        url: 'https://learning.council.example/unsubscribe/1/assignment/sig',
        settingsUrl: 'https://learning.council.example/account/notifications',
      },
    );
    await t.db.transaction(() => t.services.outbox.queue(draft, { userId: u.id, email: u.email }));
    await sendDue(t);
    const [mail] = (await smtp.waitFor(before + 1)).filter((m) => header(m, 'To') === 'sian@example.org');
    expect(mail.rawHeaders).not.toMatch(/^Bcc:/im);
    expect(mail.rawHeaders).not.toMatch(/^X-Injected:/im);
    expect(header(mail, 'Subject')).toBe(
      'New module to complete: Title Bcc: victim@evil.example <b>bold</b>',
    );
    expect(header(mail, 'To')).toBe('sian@example.org');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>bold</b>');
    expect(mail.html).toContain('Siân &quot;Ó&#39;Brien&quot; Bcc: victim@evil.example &lt;script&gt;');
    expect(mail.text).toContain('Dear Siân "Ó\'Brien" Bcc: victim@evil.example <script>alert(1)</script>,');
    expect(header(mail, 'List-Unsubscribe')).toBe(
      '<https://learning.council.example/unsubscribe/1/assignment/sig>',
    );
    expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  });
});

describeSmtp('mail through SMTP when the server is away, and with STARTTLS', () => {
  test('a server that refuses connections delays the message; it is sent once the server is back', async () => {
    const port = await freePort();
    const t = await makeTestApp({
      env: { MAIL_TRANSPORT: 'smtp', SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: FROM },
    });
    let smtp: SmtpServer | undefined;
    try {
      const res = await t.services.users.create(
        { email: 'later@example.org', name: 'Later', role: 'learner', invite: true },
        null,
      );
      expect(res.id).toEqual(expect.any(Number)); // the request did not wait for the mail server
      await sendDue(t);
      const [row] = await rows(t);
      expect(row.status).toBe('queued');
      expect(row.last_error).toMatch(/ECONNECTION|ECONNREFUSED/);
      smtp = await startSmtp({ port });
      t.clock.advance(2_000);
      expect(await sendDue(t)).toBe(1);
      const [got] = await smtp.waitFor(1);
      expect(header(got, 'Message-ID')).toBe(row.message_id);
      expect((await rows(t))[0].status).toBe('sent');
    } finally {
      await t.close();
      await smtp?.stop();
    }
  });

  test('STARTTLS with a throwaway certificate: the message arrives over TLS', async () => {
    const cert = throwawayCertificate();
    const smtp = await startSmtp({ tls: cert });
    const mail = createSmtpMail({
      url: `smtp://127.0.0.1:${smtp.port}?requireTLS=true`,
      from: FROM,
      ca: cert.pem,
    });
    const t = await makeTestApp({ mail });
    try {
      await t.services.users.create(
        { email: 'tls@example.org', name: 'TLS', role: 'learner', invite: true },
        null,
      );
      expect(await sendDue(t)).toBe(1);
      expect(await rows(t)).toMatchObject([{ status: 'sent', last_error: null }]);
      const [got] = await smtp.waitFor(1);
      expect(header(got, 'To')).toBe('tls@example.org');
      // the same server refuses a client that does not trust its certificate
      const untrusting = createSmtpMail({ url: `smtp://127.0.0.1:${smtp.port}?requireTLS=true`, from: FROM });
      await expect(
        untrusting.send(
          {
            messageId: '<x@y>',
            reference: 'x',
            to: 'a@example.org',
            subject: 's',
            text: 't',
            html: 'h',
            unsubscribeUrl: null,
          },
          false,
        ),
      ).rejects.toMatchObject({ permanent: false });
    } finally {
      await t.close();
      await smtp.stop();
    }
  });
});
