import type { XapiService } from '../xapi/xapi.service';
import type { Logger } from '../shared/logger';
import { every, type Job } from './job';

/**
 * Forwards learning events to the Learning Record Store (XAPI_LRS_URL) in batches, in order: while there is a
 * backlog it sends batch after batch; when idle or backing off after a failure it checks again on the next tick.
 */
export function startXapiForwarder(
  xapi: Pick<XapiService, 'forwardOnce'>,
  logger: Logger,
  everyMs = 2_000,
): Job {
  return every(
    'xapi-forwarder',
    everyMs,
    async () => {
      for (let batches = 0; batches < 50 && (await xapi.forwardOnce()) === 'sent'; batches++);
    },
    logger,
  );
}
