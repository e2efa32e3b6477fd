import type { AuthRepo } from './auth.repo';
import { TooManyRequests } from '../shared/errors';
import type { Clock } from '../shared/clock';

const WINDOW_MS = 15 * 60_000;
const KNOWN_FOR_MS = 90 * 24 * 3600_000;

/**
 * Sign-in throttling that slows guessing without locking the wrong people out (OWASP Authentication Cheat Sheet:
 * prefer throttling the source of the failures; lock an account only when it is being guessed from many places).
 * - Account from one address: 5 failures in 15 minutes block that address for that account, even with the right
 *   password (otherwise guessing would go on); the owner elsewhere is not affected.
 * - Account from many addresses: 20 failures from 5 or more addresses block the account everywhere for the window.
 * - One address against many accounts (password spraying): failures on 10 or more accounts block that address for
 *   accounts that have not signed in from it before, so colleagues behind the same office address keep working.
 * Every block ends when its failures age out of the window.
 */
export const THROTTLE_RULES = {
  windowMs: WINDOW_MS,
  pair: 5,
  accountFailures: 20,
  accountAddresses: 5,
  sprayAccounts: 10,
};

export function createThrottle(repo: AuthRepo, clock: Clock) {
  const norm = (email: string) => email.trim().toLowerCase();
  return {
    /** Throws 429 with the seconds to wait when this account may not be tried from this address now. */
    check(email: string, ip: string, now = clock.now()): void {
      const account = norm(email);
      const since = now - WINDOW_MS;
      const until: number[] = [];
      const fifth = repo.nthPairFailure(account, ip, since, THROTTLE_RULES.pair);
      if (fifth !== undefined) until.push(fifth + WINDOW_MS);
      const acc = repo.accountFailures(account, since);
      if (
        acc.failures >= THROTTLE_RULES.accountFailures &&
        acc.addresses >= THROTTLE_RULES.accountAddresses &&
        acc.first !== null
      ) {
        until.push(acc.first + WINDOW_MS);
      }
      const spray = repo.addressFailures(ip, since);
      if (spray.accounts >= THROTTLE_RULES.sprayAccounts && spray.first !== null) {
        const known = repo.lastSuccessFrom(account, ip);
        if (known === undefined || now - known > KNOWN_FOR_MS) until.push(spray.first + WINDOW_MS);
      }
      const wait = Math.max(0, ...until.map((u) => u - now));
      if (wait > 0) throw new TooManyRequests(Math.ceil(wait / 1000));
    },
    fail(email: string, ip: string, now = clock.now()): void {
      repo.recordFailure(norm(email), ip, now);
      repo.pruneFailures(now - 4 * WINDOW_MS);
    },
    succeed(email: string, ip: string, now = clock.now()): void {
      repo.clearPairFailures(norm(email), ip);
      repo.rememberAddress(norm(email), ip, now);
    },
  };
}
export type Throttle = ReturnType<typeof createThrottle>;
