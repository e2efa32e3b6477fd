/** How far forwarding to the Learning Record Store has got, and how it is backing off after failures. */
export interface ForwardState {
  /** The last event the LRS accepted (the cursor). */
  lastEventId: number;
  /** The transaction of the last event forwarded (PostgreSQL; 0 on SQLite): the cursor is (lastTx, lastEventId). */
  lastTx: number;
  /** Failures in a row since the last accepted batch. */
  failures: number;
  /** No attempt before this time (milliseconds since the epoch; 0 means now). */
  nextAttemptAt: number;
  lastError: string | null;
}

/** The cohort (and its pinned variant version) an event was stamped with when it was written. */
export interface EventContext {
  eventId: number;
  cohortId: number | null;
  /** The cohort's name now (null when the cohort has since been deleted). */
  cohortName: string | null;
  variantVersionId: number | null;
  variantName: string | null;
  /** The published version number of the variant (null for a draft). */
  variantVersion: number | null;
}

/** The forwarding cursor (one row, moved only when the LRS accepts a batch) and what statements are made from. */
export interface XapiRepo {
  state(): Promise<ForwardState>;
  /**
   * The LRS accepted everything up to this event: move the cursor and forget past failures. Only while the caller
   * still holds the lease it claimed until `lease`: false (nothing written) when it has run out.
   */
  advance(lastTx: number, lastEventId: number, lease: number): Promise<boolean>;
  /** A failed attempt: count it, remember why, and wait until `nextAttemptAt` before the next (while holding `lease`). */
  fail(nextAttemptAt: number, error: string, lease: number): Promise<void>;
  /**
   * Claims forwarding until `until` (ms since the epoch) unless another process holds an unexpired claim:
   * true when this caller now holds it. Stops two instances sending the same batch at once. `until` is then the
   * lease that `advance`, `fail` and `release` name.
   */
  claim(now: number, until: number): Promise<boolean>;
  /** Gives up the lease claimed until `lease`, unless another process has since taken it over. */
  release(lease: number): Promise<void>;
  /** This installation's id: a random UUID generated once and kept in the `settings` table. */
  installationId(): Promise<string>;
  /** The context of events with ids from..to (inclusive), by event id. */
  contexts(fromId: number, toId: number): Promise<Map<number, EventContext>>;
}
