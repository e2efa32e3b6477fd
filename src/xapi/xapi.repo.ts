/** How far forwarding to the Learning Record Store has got, and how it is backing off after failures. */
export interface ForwardState {
  /** The last event the LRS accepted (the cursor). */
  lastEventId: number;
  /** Failures in a row since the last accepted batch. */
  failures: number;
  /** No attempt before this time (milliseconds since the epoch; 0 means now). */
  nextAttemptAt: number;
  lastError: string | null;
}

/** The forwarding cursor: one row, moved only when the LRS accepts a batch. */
export interface XapiRepo {
  state(): ForwardState;
  /** The LRS accepted everything up to this event: move the cursor and forget past failures. */
  advance(lastEventId: number): void;
  /** A failed attempt: count it, remember why, and wait until `nextAttemptAt` before the next. */
  fail(nextAttemptAt: number, error: string): void;
}
