import type { UnitOfWork } from '../db/ports';
import type { SsoService } from '../auth/sso.service';
import type { AuthService } from '../auth/auth.service';
import type { PrivacyService } from '../privacy/privacy.service';
import type { XapiService } from '../xapi/xapi.service';
import type { Clock } from '../shared/clock';
import type { JobHandler } from './runner';

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
  sso: Pick<SsoService, 'sweep'>,
): JobHandler {
  return {
    kind: 'sessions.sweep',
    everyMs: 10 * 60_000,
    async run() {
      await auth.sweepSessions();
      await sso.sweep();
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
