import type { AuthService } from '../auth/auth.service';
import type { Logger } from '../shared/logger';
import { every, type Job } from './job';

/** Deletes sessions past their idle or absolute timeout, so the sessions table holds only live ones. */
export function startSessionSweeper(
  auth: Pick<AuthService, 'sweepSessions'>,
  logger: Logger,
  everyMs = 10 * 60_000,
): Job {
  return every(
    'session-sweeper',
    everyMs,
    () => {
      const ended = auth.sweepSessions();
      if (ended > 0) logger.debug({ ended }, 'expired sessions removed');
    },
    logger,
  );
}
