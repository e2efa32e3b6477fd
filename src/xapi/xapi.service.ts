import type { Clock } from '../shared/clock';
import type { Config } from '../config';
import type { PackRegistry } from '../content/registry';
import type { Pack } from '../content/types';
import type { EventsRepo, LearningEventWithLearner } from '../events/events.repo';
import type { Logger } from '../shared/logger';
import { describeTerm, toStatement, type Statement } from './statements';
import { forwardingStatus } from './xapi.presenter';
import type { XapiRepo } from './xapi.repo';
import type { EventsQuery } from './xapi.schema';

const MAX_BACKOFF_MS = 15 * 60_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** How long one process may hold forwarding: longer than the slowest batch (one request, or one per statement). */

export type ForwardOutcome = 'sent' | 'idle' | 'failed' | 'waiting' | 'disabled';

/** The lease ran out (another instance may hold it now): stop without touching the cursor. */
class LeaseLost extends Error {}

/** Why a send failed; `status` when the LRS answered. */
class LrsError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function createXapiService(
  config: Config,
  events: EventsRepo,
  repo: XapiRepo,
  packs: PackRegistry,
  logger: Logger,
  clock: Clock,
) {
  const batchSize = config.XAPI_BATCH_SIZE;

  async function packOf(variantVersionId: number | null): Promise<Pack> {
    try {
      return await packs.forVersion(variantVersionId);
    } catch (err) {
      logger.warn(
        { err: (err as Error).message, variantVersionId },
        'xAPI: variant unavailable; naming from the built-in pack',
      );
      return packs.base;
    }
  }

  /** Statements for events in id order: named from the pack each learner had, in the cohort they were in. */
  async function build(rows: LearningEventWithLearner[]): Promise<Statement[]> {
    if (rows.length === 0) return [];
    const [installationId, contexts] = await Promise.all([
      repo.installationId(),
      repo.contexts(rows[0].id, rows[rows.length - 1].id),
    ]);
    // each version's pack once per batch (a cached pack costs no database call)
    const versionIds = new Set(rows.map((e) => contexts.get(e.id)?.variantVersionId ?? null));
    const packsOf = new Map(
      await Promise.all([...versionIds].map(async (id) => [id, await packOf(id)] as const)),
    );
    return rows.map((e) => {
      const context = contexts.get(e.id);
      return toStatement(e, {
        baseUrl: config.publicUrl,
        installationId,
        pack: packsOf.get(context?.variantVersionId ?? null)!,
        context,
      });
    });
  }

  /** A page of statements; `more` is the address of the next page, `""` on the last (as in an LRS). */
  async function statements(q: EventsQuery): Promise<{ statements: Statement[]; more: string }> {
    const rows = await events.page({
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
    return { statements: await build(page), more: next ? `/api/v1/events?${params}` : '' };
  }

  /** POSTs statements to the LRS (xAPI 1.0.3 §2.1.3); resolves when it answers 200 with their ids. */
  async function post(body: Statement[]): Promise<void> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-Experience-API-Version': '1.0.3',
    };
    if (config.XAPI_LRS_USERNAME || config.XAPI_LRS_PASSWORD) {
      const auth = `${config.XAPI_LRS_USERNAME ?? ''}:${config.XAPI_LRS_PASSWORD ?? ''}`;
      headers.Authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
    }
    const res = await fetch(`${config.XAPI_LRS_URL!.replace(/\/$/, '')}/statements`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text().catch(() => '');
    if (!res.ok) {
      logger.warn({ status: res.status, answered: text.slice(0, 500) }, 'xAPI: the LRS refused a batch');
      throw new LrsError(`LRS answered ${res.status}`, res.status);
    }
    let ids: unknown;
    try {
      ids = JSON.parse(text);
    } catch {
      ids = undefined;
    }
    if (!Array.isArray(ids) || ids.length !== body.length || ids.some((id, i) => id !== body[i].id)) {
      logger.warn(
        { answered: text.slice(0, 200) },
        'xAPI: the LRS accepted a batch but did not answer its ids',
      );
    }
  }

  /**
   * Sends the next batch of events to the LRS, in event order. The cursor moves only when the LRS accepts the
   * batch, and only one process sends at a time (a lease in the database), so an accepted statement is never sent
   * again; a failure backs off exponentially and the same batch (same statement ids) is sent again later.
   * A 409 Conflict means the LRS already holds a statement with one of these ids and refused the whole batch
   * (xAPI 1.0.3 §2.1.3): the batch is then sent a statement at a time, and a statement answered 409 on its own is
   * already stored, so it counts as delivered and is not sent again.
   */
  let busy = false;
  async function forwardOnce(now = clock.now()): Promise<ForwardOutcome> {
    if (!config.XAPI_LRS_URL) return 'disabled';
    if (busy) return 'waiting';
    busy = true; // before the claim's await, so a second call in this process stops here
    try {
      const lease = now + config.JOBS_LEASE_MS; // the forwarding job's lease: a dead forwarder's turn passes with it
      if (!(await repo.claim(now, lease))) return 'waiting';
      try {
        return await forwardBatch(now, lease);
      } finally {
        await repo.release(lease);
      }
    } finally {
      busy = false;
    }
  }

  /** One batch, while holding the lease claimed until `lease`. */
  async function forwardBatch(now: number, lease: number): Promise<ForwardOutcome> {
    let state = await repo.state();
    try {
      if (state.nextAttemptAt > now) return 'waiting';
      const rows = await events.forwardable({ tx: state.lastTx, id: state.lastEventId }, batchSize);
      if (rows.length === 0) return 'idle';
      const body = await build(rows);
      try {
        await post(body);
        await advance(rows[rows.length - 1], lease);
        return 'sent';
      } catch (err) {
        if (!(err instanceof LrsError && err.status === 409)) throw err;
      }
      for (let i = 0; i < body.length; i++) {
        try {
          await post([body[i]]);
        } catch (err) {
          if (!(err instanceof LrsError && err.status === 409)) throw err;
          logger.warn(
            { statementId: body[i].id, eventId: rows[i].id },
            'xAPI: the LRS already holds this statement id (409); not sent again',
          );
        }
        await advance(rows[i], lease);
        state = await repo.state();
      }
      return 'sent';
    } catch (err) {
      if (err instanceof LeaseLost) {
        logger.warn(
          { err: err.message },
          'xAPI: the forwarding lease ran out during a batch; another instance goes on',
        );
        return 'waiting';
      }
      const wait = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(state.failures, 10));
      await repo.fail(now + wait, (err as Error).message, lease);
      logger.warn({ err: (err as Error).message, retryInMs: wait }, 'xAPI forwarding failed; will retry');
      return 'failed';
    }
  }

  /** Moves the cursor, or stops the batch when this process no longer holds the lease. */
  async function advance(last: { tx: number; id: number }, lease: number): Promise<void> {
    if (!(await repo.advance(last.tx, last.id, lease)))
      throw new LeaseLost('the forwarding lease was no longer held');
  }

  /** Where forwarding stands (for operators and tests). */
  async function state() {
    return forwardingStatus(await repo.state());
  }

  /** The JSON-LD description of a term Packway defines (an extension or activity type), if there is one. */
  function term(kind: string, name: string) {
    return describeTerm(config.publicUrl, kind, name);
  }

  return { statements, forwardOnce, state, term };
}
export type XapiService = ReturnType<typeof createXapiService>;
