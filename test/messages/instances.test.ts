// Two instances of the built server over one PostgreSQL database, sending through a real SMTP server (aiosmtpd):
// 500 reminders due at once are each sent once, and `kill -9` of one instance in the middle of sending loses none and
// repeats none that was recorded as sent (at most the one in flight goes again, under its own Message-ID).
import { describeOnPostgres } from '../helpers/engine';
import { dataDirWithPeople, databaseUrlOf, startServerProcess, type ServerProcess } from '../helpers/server';
import { haveAiosmtpd, header, startSmtp, type SmtpServer } from '../helpers/smtp';
import { openDatabase } from '../../src/db/open';
import { addDays, londonNow } from '../../src/shared/dates';

const LEARNERS = 500;
const describeHere = haveAiosmtpd() ? describeOnPostgres : describe.skip;

describeHere('mail from two instances over PostgreSQL', () => {
  let smtp: SmtpServer;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await smtp?.stop();
  });

  test(`${LEARNERS} reminders due at once: each sent once; kill -9 of an instance mid-batch loses none`, async () => {
    const dir = await dataDirWithPeople([{ email: 'trainer@example.org', role: 'trainer' }]);
    const url = databaseUrlOf(dir)!;
    const db = openDatabase({ databaseUrl: url, dataDir: dir, poolSize: 2, synchronous: 'FULL' });
    const now = new Date().toISOString();
    const cohort = (await db.get<{ id: number }>(
      "INSERT INTO cohorts (name, created_at) VALUES ('Everyone', ?) RETURNING id",
      [now],
    ))!.id;
    await db.transaction(async () => {
      for (let i = 0; i < LEARNERS; i++) {
        const email = `learner${i}@example.org`;
        const user = (await db.get<{ id: number }>(
          "INSERT INTO users (email, email_norm, name, role, created_at) VALUES (?, ?, ?, 'learner', ?) RETURNING id",
          [email, email, `Learner ${i}`, now],
        ))!.id;
        await db.run('INSERT INTO cohort_members (cohort_id, user_id, added_at) VALUES (?, ?, ?)', [
          cohort,
          user,
          now,
        ]);
      }
      await db.run('INSERT INTO assignments (cohort_id, module_id, due_on, created_at) VALUES (?, ?, ?, ?)', [
        cohort,
        'area-listening',
        addDays(londonNow(Date.now()).day, 2),
        now,
      ]);
    });

    smtp = await startSmtp();
    const env = {
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      MAIL_FROM: 'Packway <learning@council.example>',
      JOBS_POLL_MS: '100',
      JOBS_LEASE_MS: '5000',
      TRAINER_DIGEST_DAY: 'off',
      SELF_ASSESSMENT_REPEAT_WEEKS: '0',
    };
    const started = Date.now();
    servers.push(await startServerProcess(dir, env), await startServerProcess(dir, env));
    // let both send for a while, then kill one in the middle of its batch
    await smtp.waitFor(120, 60_000);
    servers[0].child.kill('SIGKILL');
    await servers[0].exited;
    const killedAt = smtp.received().length;
    const received = await smtp.waitFor(LEARNERS, 120_000);
    // wait until the database says every message is sent (the last ones are recorded after they arrive)
    const deadline = Date.now() + 30_000;
    let statuses: { status: string; n: number }[];
    for (;;) {
      statuses = await db.all<{ status: string; n: number }>(
        'SELECT status, COUNT(*) AS n FROM messages GROUP BY status',
      );
      if (statuses.length === 1 && statuses[0].status === 'sent') break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const seconds = (Date.now() - started) / 1000;
    const all = smtp.received();
    const ids = all.map((m) => header(m, 'Message-ID'));
    const distinct = new Set(ids);
    const rows = await db.all<{ message_id: string; sent_by: string | null }>(
      "SELECT message_id, transport AS sent_by FROM messages WHERE kind = 'reminder'",
    );
    process.stdout.write(
      `${LEARNERS} reminders: ${all.length} received, ${distinct.size} distinct, killed after ${killedAt}, ${seconds.toFixed(1)} s\n`,
    );
    expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['sent', LEARNERS]]);
    expect(rows).toHaveLength(LEARNERS);
    expect(distinct.size).toBe(LEARNERS);
    expect(new Set(rows.map((r) => r.message_id))).toEqual(distinct);
    // a repeat can only be the message the killed instance had handed to the server and not yet recorded
    expect(all.length - distinct.size).toBeLessThanOrEqual(1);
    expect(received.length).toBeGreaterThanOrEqual(LEARNERS);
    // each learner got one reminder
    const to = new Set(all.map((m) => header(m, 'To')));
    expect(to.size).toBe(LEARNERS);
    await db.close();
  });
});
