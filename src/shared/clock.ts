import { londonDay } from './dates';

/**
 * The time, injected so tests can move it instead of rewriting timestamps in the database. Every service, schema and
 * job reads it from here (ESLint refuses `Date.now()` and a bare `new Date()` in them).
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock tests set and move by hand. Between moves it runs on with real time, so things done one after another are
 * stamped in that order, as they are in production (a clock that stood still would stamp them all alike, and "the
 * latest cohort joined" or "written since joining" would no longer be decided by what happened first).
 */
export function manualClock(
  start = Date.now(),
): Clock & { set(ms: number): void; advance(ms: number): void } {
  let offset = start - Date.now();
  return {
    now: () => Date.now() + offset,
    set: (ms) => void (offset = ms - Date.now()),
    advance: (ms) => void (offset += ms),
  };
}

/** The instant, as ISO 8601 text (how the database stores it). */
export const isoOf = (clock: Clock) => new Date(clock.now()).toISOString();

/** Today in London, `YYYY-MM-DD`: the day due dates, "overdue" and "not in the future" are measured against. */
export const todayOf = (clock: Clock) => londonDay(clock.now());
