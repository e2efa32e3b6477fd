/** The time, injected so tests can move it instead of rewriting timestamps in the database. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests set and move by hand. */
export function manualClock(
  start = Date.now(),
): Clock & { set(ms: number): void; advance(ms: number): void } {
  let at = start;
  return {
    now: () => at,
    set: (ms) => void (at = ms),
    advance: (ms) => void (at += ms),
  };
}

export const isoOf = (clock: Clock) => new Date(clock.now()).toISOString();
export const todayOf = (clock: Clock) => isoOf(clock).slice(0, 10);
