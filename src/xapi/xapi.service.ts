import type { Config } from '../config';
import type { PackRegistry } from '../content/registry';
import type { EventsRepo } from '../events/events.repo';
import type { Logger } from '../shared/logger';
import { toStatement, type Statement } from './statements';
import { forwardingStatus } from './xapi.presenter';
import type { XapiRepo } from './xapi.repo';
import type { EventsQuery } from './xapi.schema';

const BATCH = 100;
const MAX_BACKOFF_MS = 15 * 60_000;

export function createXapiService(
  config: Config,
  events: EventsRepo,
  repo: XapiRepo,
  packs: PackRegistry,
  logger: Logger,
) {
  /** A page of statements; `more` is the cursor for the next page. */
  function statements(q: EventsQuery): { statements: Statement[]; more: string | null } {
    const rows = events.page({
      after: q.after,
      since: q.since ? new Date(q.since).toISOString() : null,
      learner: q.learner ?? null,
      cohort: q.cohort ?? null,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const next = rows.length > q.limit ? page[page.length - 1].id : null;
    const params = new URLSearchParams(
      Object.entries({ ...q, after: next })
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([k, v]) => [k, String(v)]),
    );
    return {
      statements: page.map((e) => toStatement(e, config.publicUrl, packs.base)),
      more: next ? `/api/v1/events?${params}` : null,
    };
  }

  /**
   * Sends the next batch of events to the LRS. The cursor moves only when the LRS accepts the batch;
   * a failure backs off exponentially and the same batch is sent again later (statement ids make it idempotent).
   */
  async function forwardOnce(now = Date.now()): Promise<'sent' | 'idle' | 'failed' | 'waiting' | 'disabled'> {
    if (!config.XAPI_LRS_URL) return 'disabled';
    const state = repo.state();
    if (state.nextAttemptAt > now) return 'waiting';
    const rows = events.page({
      after: state.lastEventId,
      since: null,
      learner: null,
      cohort: null,
      limit: BATCH,
    });
    if (rows.length === 0) return 'idle';
    const body = rows.map((e) => toStatement(e, config.publicUrl, packs.base));
    try {
      const auth = Buffer.from(
        `${config.XAPI_LRS_USERNAME ?? ''}:${config.XAPI_LRS_PASSWORD ?? ''}`,
      ).toString('base64');
      const res = await fetch(`${config.XAPI_LRS_URL.replace(/\/$/, '')}/statements`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Experience-API-Version': '1.0.3',
          Authorization: `Basic ${auth}`,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`LRS answered ${res.status}`);
      repo.advance(rows[rows.length - 1].id);
      return 'sent';
    } catch (err) {
      const wait = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(state.failures, 10));
      repo.fail(now + wait, (err as Error).message);
      logger.warn({ err: (err as Error).message, retryInMs: wait }, 'xAPI forwarding failed; will retry');
      return 'failed';
    }
  }

  /** Where forwarding stands (for operators and tests). */
  function state() {
    return forwardingStatus(repo.state());
  }

  return { statements, forwardOnce, state };
}
export type XapiService = ReturnType<typeof createXapiService>;
