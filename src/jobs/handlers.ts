import type { UnitOfWork } from '../db/ports';
import type { SsoService } from '../auth/sso.service';
import type { AuthService } from '../auth/auth.service';
import type { PrivacyService } from '../privacy/privacy.service';
import type { XapiService } from '../xapi/xapi.service';
import type { Clock } from '../shared/clock';
import type { JobHandler } from './runner';
import { SEND_KIND, type Outbox } from '../messages/outbox.service';
import { RESET_KIND, type MessagesService } from '../messages/messages.service';
import type { Reminders } from '../messages/reminders.service';
import { PREPARE_KIND, type BuildsService, type VersionRef } from '../exports/builds.service';
import type { ExportKind } from '../exports/export-kinds';
import { ISSUE_JOB, type BadgesService } from '../badges/badges.service';
import { SCORE_KIND, type LtiGrades, type ScoreJob } from '../lti/grades.service';
import { ROSTER_KIND, type LtiRosterService } from '../lti/roster.service';

/**
 * Sends a run of batches at most this long, so the lease (a minute by default) is never close to running out. Read
 * from the clock the runner's leases are measured on.
 */
const FORWARD_FOR_MS = 20_000;

/**
 * Learning events to the Learning Record Store (XAPI_LRS_URL), in order. One recurring job shared by every
 * instance, so exactly one instance forwards at a time; while there is a backlog it sends batch after batch.
 */
export function xapiForwarding(xapi: Pick<XapiService, 'forwardOnce'>, clock: Clock): JobHandler {
  return {
    kind: 'xapi.forward',
    everyMs: 2_000,
    async run() {
      const until = clock.now() + FORWARD_FOR_MS;
      while (clock.now() < until && (await xapi.forwardOnce(clock.now())) === 'sent');
    },
  };
}

/** Deletes sessions past their idle or absolute timeout, so the sessions table holds only live ones. */
/** Ends idle and too-old sessions, and forgets single sign-ins that were started and never finished. */
export function sessionSweeping(
  auth: Pick<AuthService, 'sweepSessions'>,
  /** Sign-ins and launches under way (single sign-on, LTI) that were never finished. */
  ...pending: Pick<SsoService, 'sweep'>[]
): JobHandler {
  return {
    kind: 'sessions.sweep',
    everyMs: 10 * 60_000,
    async run() {
      await auth.sweepSessions();
      for (const p of pending) await p.sweep();
    },
  };
}

/**
 * The retention rule, daily: one erasure job per learner inactive for longer than RETENTION_MONTHS, enqueued in one
 * unit of work with the daily job's own end, so a crash never enqueues them twice.
 */
export function retention(
  uow: UnitOfWork,
  privacy: Pick<PrivacyService, 'retentionDue' | 'enqueueRetentionErasures'>,
  months: number,
): JobHandler {
  return {
    kind: 'privacy.retention',
    everyMs: 24 * 3_600_000,
    async run({ finish }) {
      await uow.run(async () => {
        await privacy.enqueueRetentionErasures(await privacy.retentionDue(months));
        await finish();
      });
    },
  };
}

/** One learner's records erased for retention, exactly once: the erasure and the job's end commit together. */
export function retentionErasure(
  uow: UnitOfWork,
  privacy: Pick<PrivacyService, 'eraseForRetention'>,
  months: number,
): JobHandler {
  return {
    kind: 'privacy.retention-erase',
    async run({ job, finish }) {
      const { userId } = JSON.parse(job.payload) as { userId: number };
      await uow.run(async () => {
        await privacy.eraseForRetention(userId, months);
        await finish();
      });
    },
  };
}

/**
 * One message of the outbox sent (issue 28). The result is recorded with the job's end in one unit of work: once
 * recorded as sent it is never sent again; a temporary failure throws, and the runner tries again with back-off.
 */
export function mailSending(uow: UnitOfWork, outbox: Pick<Outbox, 'deliver'>): JobHandler {
  return {
    kind: SEND_KIND,
    async run({ job, finish }) {
      const { id } = JSON.parse(job.payload) as { id: number };
      await outbox.deliver(id, job.attempts, (write) =>
        uow.run(async () => {
          await write();
          await finish();
        }),
      );
    },
  };
}

/** A "forgot your password" request answered (a link, a note about single sign-on, or nothing), exactly once. */
export function passwordResets(
  uow: UnitOfWork,
  messages: Pick<MessagesService, 'answerPasswordReset'>,
): JobHandler {
  return {
    kind: RESET_KIND,
    async run({ job, finish }) {
      const { email } = JSON.parse(job.payload) as { email: string };
      await uow.run(async () => {
        await messages.answerPasswordReset(email);
        await finish();
      });
    },
  };
}

/** Reminders, the trainers' weekly summary and the self-assessment follow-up: soon after start, then every few minutes. */
export function reminders(run: Pick<Reminders, 'run'>, everyMinutes: number): JobHandler {
  return {
    kind: 'reminders.check',
    everyMs: everyMinutes * 60_000,
    async run({ finish }) {
      await run.run(finish);
    },
  };
}

/**
 * A newly published version's exports, built in the background so its first download is ready. The build's worker
 * runs in this instance and its file lands in this instance's cache; other instances build on their first request.
 * A failed build is not retried here: the download page shows it, with a button to try again.
 */
export function exportPreparing(exports: Pick<BuildsService, 'prepare'>): JobHandler {
  return {
    kind: PREPARE_KIND,
    async run({ job }) {
      const { kind, versionId } = JSON.parse(job.payload) as { kind: ExportKind; versionId: VersionRef };
      await exports.prepare(kind, versionId);
    },
  };
}

/** Issues a learner's badge once the evidence review confirmed every outcome of an area (off the deciding request). */
export function badgeIssuing(badges: Pick<BadgesService, 'runIssueJob'>): JobHandler {
  return {
    kind: ISSUE_JOB,
    async run({ job }) {
      await badges.runIssueJob(job.payload);
    },
  };
}

/**
 * A score to a learning platform's gradebook (LTI grade passback). Sent, or dropped (platform removed, score refused
 * for good), the job ends; a platform that is down or refuses the token throws, and the runner tries again later.
 */
export function ltiScores(grades: Pick<LtiGrades, 'send'>): JobHandler {
  return {
    kind: SCORE_KIND,
    async run({ job }) {
      await grades.send(JSON.parse(job.payload) as ScoreJob);
    },
  };
}

/** Daily: every cohort made from an LMS course follows the course's members (Names and Role Provisioning). */
export function ltiRosterSync(roster: Pick<LtiRosterService, 'syncAll'>): JobHandler {
  return {
    kind: ROSTER_KIND,
    everyMs: 24 * 3_600_000,
    async run() {
      await roster.syncAll();
    },
  };
}
