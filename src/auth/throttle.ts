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
 *
 * Race-safe across instances: an attempt is written down (as in progress) BEFORE its password is checked, and the
 * one-account-from-one-address rule counts the attempts other than its own, in progress or failed. Each write and each
 * count is one atomic statement, so of attempts made at the same moment (on any instance) each one sees every attempt
 * written before it: no more than `pair` guesses get through however many are sent at once. The rules about many
 * accounts or many addresses count finished failures only, so people signing in together never block each other.
 * A blocked attempt removes its row (it never reached the password, as before); a successful one clears its pair's
 * failures, its own row included.
 */
export const THROTTLE_RULES = {
  windowMs: WINDOW_MS,
  pair: 5,
  accountFailures: 20,
  accountAddresses: 5,
  sprayAccounts: 10,
};

/** One sign-in attempt let through: say how it ended. */
export interface SigninAttempt {
  /** The password was wrong (or the account unknown or disabled): the attempt stays counted as a failure. */
  fail(): Promise<void>;
  /** Signed in: the failures of this account from this address are forgotten, and the address remembered. */
  succeed(): Promise<void>;
  /** Neither (the check itself failed): the attempt is not counted. */
  abandon(): Promise<void>;
}

export function createThrottle(repo: AuthRepo, clock: Clock) {
  const norm = (email: string) => email.trim().toLowerCase();

  /** The milliseconds this account must wait before being tried from this address, counting all but `self`. */
  async function wait(account: string, ip: string, self: number, now: number): Promise<number> {
    const since = now - WINDOW_MS;
    const until: number[] = [];
    const [fifth, acc, spray] = await Promise.all([
      repo.nthPairFailure(account, ip, since, THROTTLE_RULES.pair, self),
      repo.accountFailures(account, since),
      repo.addressFailures(ip, since),
    ]);
    if (fifth !== undefined) until.push(fifth + WINDOW_MS);
    if (
      acc.failures >= THROTTLE_RULES.accountFailures &&
      acc.addresses >= THROTTLE_RULES.accountAddresses &&
      acc.first !== null
    ) {
      until.push(acc.first + WINDOW_MS);
    }
    if (spray.accounts >= THROTTLE_RULES.sprayAccounts && spray.first !== null) {
      const known = await repo.lastSuccessFrom(account, ip);
      if (known === undefined || now - known > KNOWN_FOR_MS) until.push(spray.first + WINDOW_MS);
    }
    return Math.max(0, ...until.map((u) => u - now));
  }

  return {
    /**
     * Starts an attempt on this account from this address: throws 429 with the seconds to wait when it may not be
     * tried from there now; otherwise the attempt, counted as a failure until it says otherwise.
     */
    async begin(email: string, ip: string, now = clock.now()): Promise<SigninAttempt> {
      const account = norm(email);
      const self = await repo.startAttempt(account, ip, now);
      let ms: number;
      try {
        ms = await wait(account, ip, self, now);
      } catch (err) {
        await repo.dropAttempt(self);
        throw err;
      }
      if (ms > 0) {
        await repo.dropAttempt(self);
        throw new TooManyRequests(Math.ceil(ms / 1000));
      }
      return {
        async fail() {
          const at = clock.now();
          await repo.attemptFailed(self, ip, at);
          await repo.pruneFailures(at - 4 * WINDOW_MS);
        },
        async succeed() {
          await repo.clearPairFailures(account, ip, self);
          await repo.rememberAddress(account, ip, clock.now());
        },
        async abandon() {
          await repo.dropAttempt(self);
        },
      };
    },
  };
}
export type Throttle = ReturnType<typeof createThrottle>;
