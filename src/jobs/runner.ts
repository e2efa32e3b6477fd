import os from 'node:os';
import crypto from 'node:crypto';
import type { UnitOfWork } from '../db/ports';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { ClaimedJob, JobsRepo } from './jobs.repo';

/** What a handler is given: the job, and `finish` to end it inside the unit of work that holds its effect. */
export interface JobContext {
  job: ClaimedJob;
  /**
   * Ends the job (or schedules a recurring job's next run). Call it inside the unit of work that writes the job's
   * effect: if this worker lost the job (its lease ran out and another worker took it) it throws, the effect rolls
   * back, and the job takes effect exactly once. A handler that does not call it is finished after it returns.
   */
  finish(): Promise<void>;
}

export interface JobHandler {
  kind: string;
  /** Recurring jobs run every `everyMs`; one is seeded at start (keyed by its kind, so instances share it). */
  everyMs?: number;
  run(context: JobContext): Promise<void>;
}

export interface JobRunnerOptions {
  uow: UnitOfWork;
  repo: JobsRepo;
  clock: Clock;
  logger: Logger;
  handlers: readonly JobHandler[];
  /** How often an idle worker looks for due jobs. */
  pollMs: number;
  /** How long a claim lasts; a worker that dies holding a job gives it up when this runs out. */
  leaseMs: number;
  /** Jobs claimed at once. */
  batch?: number;
  /** Told how each job ended (for /metrics). */
  observe?: (kind: string, outcome: JobOutcome) => void;
}

export type JobOutcome = 'done' | 'failed' | 'lease_lost';

export class LeaseLost extends Error {
  constructor(job: ClaimedJob) {
    super(`job ${job.id} (${job.kind}) was taken over by another worker after its lease ran out`);
  }
}

/** Seconds to wait before attempt n+1: 1, 2, 4 … capped at 15 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(2 ** Math.max(0, attempts - 1) * 1000, 15 * 60_000);
}

/**
 * The background worker every instance runs. Jobs live in the database, so across instances each runs once: a
 * worker claims due jobs with a time-limited lease, runs them, and ends them; a failure is recorded and retried
 * with back-off; a worker that dies mid-job leaves its lease to run out, and the job is claimed again.
 */
export function createJobRunner(options: JobRunnerOptions) {
  const {
    uow,
    repo,
    clock,
    logger,
    handlers,
    pollMs,
    leaseMs,
    batch = 10,
    observe = () => undefined,
  } = options;
  const worker = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const byKind = new Map(handlers.map((h) => [h.kind, h]));
  const kinds = [...byKind.keys()];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopping = false;

  async function seedRecurring(): Promise<void> {
    const now = clock.now();
    for (const h of handlers) {
      if (h.everyMs) await repo.enqueue({ kind: h.kind, uniqueKey: h.kind, runAt: now }, now);
    }
  }

  async function runOne(job: ClaimedJob): Promise<void> {
    const handler = byKind.get(job.kind)!;
    let finished = false;
    const finish = async () => {
      const ended = handler.everyMs
        ? await repo.reschedule(job.id, worker, clock.now() + handler.everyMs)
        : await repo.complete(job.id, worker);
      if (!ended) throw new LeaseLost(job);
      finished = true;
    };
    try {
      await handler.run({ job, finish });
      if (!finished) await uow.run(finish);
      observe(job.kind, 'done');
    } catch (err) {
      if (err instanceof LeaseLost) {
        observe(job.kind, 'lease_lost');
        return logger.warn({ job: job.id, kind: job.kind }, err.message);
      }
      observe(job.kind, 'failed');
      logger.error({ err, job: job.id, kind: job.kind, attempts: job.attempts }, 'background job failed');
      const message = err instanceof Error ? err.message : String(err);
      await repo.fail(job.id, worker, clock.now() + backoffMs(job.attempts), message);
    }
  }

  /** Claims and runs due jobs until none are left (or the runner stops); returns how many ran. */
  async function drain(only: readonly string[] = kinds): Promise<number> {
    let ran = 0;
    for (;;) {
      const now = clock.now();
      const claimed = await uow.run(() => repo.claim(only, worker, now, now + leaseMs, batch));
      for (const job of claimed) await runOne(job);
      ran += claimed.length;
      if (claimed.length < batch || stopping) return ran;
    }
  }

  const tick = () => {
    if (running || stopping) return;
    running = drain(kinds)
      .then(
        () => undefined,
        (err: unknown) => logger.error({ err }, 'background jobs could not be claimed'),
      )
      .finally(() => {
        running = undefined;
      });
  };

  return {
    worker,
    /** Seeds the recurring jobs and starts polling. The timer does not keep the process alive. */
    async start(): Promise<void> {
      await seedRecurring();
      timer = setInterval(tick, pollMs);
      timer.unref();
      tick();
    },
    /** Stops polling and waits for the jobs in hand to finish. */
    async stop(): Promise<void> {
      stopping = true;
      clearInterval(timer);
      await running;
    },
    /** Runs the due jobs of these kinds now, in this process (`npm run retention`, tests); returns how many ran. */
    runDue: (only: readonly string[] = kinds) => drain(only),
    /** Adds a job inside the caller's unit of work. */
    enqueue: (kind: string, payload: unknown, runAt = clock.now()) =>
      repo.enqueue({ kind, payload: JSON.stringify(payload), runAt }, clock.now()),
    backlog: () => repo.backlog(clock.now()),
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
