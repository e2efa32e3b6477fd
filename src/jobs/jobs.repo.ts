/** A job claimed by a worker: it holds the lease until `leaseUntil` (ms since the epoch). */
export interface ClaimedJob {
  id: number;
  kind: string;
  uniqueKey: string | null;
  payload: string;
  /** Including this one. */
  attempts: number;
}

export interface NewJob {
  kind: string;
  /** At most one pending job per key: enqueueing again leaves the pending one as it is. */
  uniqueKey?: string | null;
  payload?: string;
  runAt: number;
}

/** The `jobs` table: background work that runs once across every instance. */
export interface JobsRepo {
  /** Adds a job (inside the caller's unit of work, so it exists exactly when the data that caused it does). */
  enqueue(job: NewJob, now: number): Promise<void>;
  /** Claims up to `limit` due jobs of these kinds whose lease is free or has expired, oldest first. */
  claim(
    kinds: readonly string[],
    worker: string,
    now: number,
    leaseUntil: number,
    limit: number,
  ): Promise<ClaimedJob[]>;
  /** Removes a finished job; false when this worker no longer holds it (its lease passed and another took it). */
  complete(id: number, worker: string): Promise<boolean>;
  /** Puts a finished recurring job back for its next run. */
  reschedule(id: number, worker: string, runAt: number): Promise<boolean>;
  /** Releases a failed job for a later attempt, keeping the error. */
  fail(id: number, worker: string, runAt: number, error: string): Promise<void>;
  /** Jobs waiting, and the oldest due time among them (for /metrics and /readyz). */
  backlog(now: number): Promise<{ due: number; leased: number }>;
}
