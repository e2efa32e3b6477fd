import type { AuditRepo } from '../audit/audit.repo';
import type { JobsRepo } from '../jobs/jobs.repo';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { ScoreRefused, type LtiAdvantage, type LtiTokens, type Score } from './lti.ports';
import type { LtiRepo } from './lti.repo';
import { currentToolKey } from './tool-key';

/** The job that posts one score to a platform's gradebook. */
export const SCORE_KIND = 'lti.score';

/** Where a learner now stands on a module. */
export type ModuleState = 'completed' | 'in_progress' | 'not_started';

/** What a score job carries: everything but the access token, fixed when the change happened. */
export interface ScoreJob {
  platformId: number;
  lineitemUrl: string;
  score: Score;
}

/** A completion is full marks; an undone one is no mark at all (the platform clears what it held). */
function scoreOf(subject: string, state: ModuleState, timestamp: string): Score {
  if (state === 'completed')
    return {
      userId: subject,
      scoreGiven: 1,
      scoreMaximum: 1,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      timestamp,
    };
  return {
    userId: subject,
    activityProgress: state === 'in_progress' ? 'InProgress' : 'Initialized',
    gradingProgress: 'NotReady',
    timestamp,
  };
}

export interface LtiGradesDeps {
  repo: LtiRepo;
  jobs: JobsRepo;
  tokens: Pick<LtiTokens, 'newToolKey'>;
  advantage: LtiAdvantage;
  audit: AuditRepo;
  clock: Clock;
  logger: Logger;
}

/**
 * Grade passback (LTI Assignment and Grade Services 2.0): a learner's completion of a module, or its undoing, becomes
 * one job per gradebook column that shows it, enqueued in the transaction that records the change; the job posts the
 * score with the change's own timestamp, so retries and reordering never make the gradebook go back in time.
 */
export function createLtiGrades({ repo, jobs, tokens, advantage, audit, clock, logger }: LtiGradesDeps) {
  /** Inside the caller's unit of work: the learner's state on the module changed at `at` (ISO). */
  async function moduleChanged(
    userId: number,
    moduleId: string,
    state: ModuleState,
    at: string,
  ): Promise<void> {
    for (const target of await repo.scoreTargets(userId, moduleId)) {
      const job: ScoreJob = {
        platformId: target.platformId,
        lineitemUrl: target.lineitemUrl,
        score: scoreOf(target.subject, state, at),
      };
      // one change, one score: the same change enqueued twice (a retried transaction) is one job
      await jobs.enqueue(
        {
          kind: SCORE_KIND,
          uniqueKey: `${SCORE_KIND}:${target.linkRowId}:${userId}:${at}:${state}`,
          payload: JSON.stringify(job),
          runAt: clock.now(),
        },
        clock.now(),
      );
    }
  }

  /**
   * Sends one score job. A platform removed since is not written to (the job ends); a refusal that will not change
   * ends it with an audit entry; anything else throws, and the job runner tries again with back-off.
   */
  async function send(job: ScoreJob): Promise<'sent' | 'platform-removed' | 'refused'> {
    const platform = await repo.platform(job.platformId);
    if (!platform) {
      logger.info({ platformId: job.platformId }, 'LTI score dropped: its platform was removed');
      return 'platform-removed';
    }
    const key = await currentToolKey(repo, tokens, clock);
    try {
      await advantage.postScore(
        { clientId: platform.clientId, tokenUrl: platform.tokenUrl, key },
        job.lineitemUrl,
        job.score,
        clock.now(),
      );
      return 'sent';
    } catch (err) {
      if (!(err instanceof ScoreRefused)) throw err;
      await audit.record({
        action: 'lti.score-refused',
        target: `lti-platform:${platform.id}`,
        detail: `${platform.name}: ${err.message}`.slice(0, 500),
        ip: null,
      });
      return 'refused';
    }
  }

  return { moduleChanged, send };
}

export type LtiGrades = ReturnType<typeof createLtiGrades>;
