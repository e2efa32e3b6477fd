import type { AuthRepo } from './auth.repo';
import { TooManyRequests } from '../web/errors';

interface Rule {
  limit: number;
  windowMs: number;
  blockMs: number;
}

/**
 * Failed sign-ins are counted per account+address (small limit), per account (larger) and per address.
 * Blocks always expire, so an attacker can slow sign-in to an account but never lock its owner out for good.
 */
const RULES: Record<'pair' | 'account' | 'address', Rule> = {
  pair: { limit: 5, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
  account: { limit: 20, windowMs: 15 * 60_000, blockMs: 5 * 60_000 },
  address: { limit: 50, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
};

export function createThrottle(repo: AuthRepo) {
  const keys = (email: string, ip: string) => ({
    pair: `pair:${email.toLowerCase()}|${ip}`,
    account: `account:${email.toLowerCase()}`,
    address: `address:${ip}`,
  });
  return {
    /** Throws 429 with the seconds to wait when any counter is blocked. */
    check(email: string, ip: string, now = Date.now()): void {
      let wait = 0;
      for (const key of Object.values(keys(email, ip))) {
        const row = repo.throttle(key);
        if (row && row.blocked_until > now) wait = Math.max(wait, row.blocked_until - now);
      }
      if (wait > 0) throw new TooManyRequests(Math.ceil(wait / 1000));
    },
    fail(email: string, ip: string, now = Date.now()): void {
      for (const [kind, key] of Object.entries(keys(email, ip)) as [keyof typeof RULES, string][]) {
        const rule = RULES[kind];
        const row = repo.throttle(key);
        const fresh = !row || now - row.window_start > rule.windowMs || (row.blocked_until && row.blocked_until <= now);
        const failures = fresh ? 1 : row.failures + 1;
        const windowStart = fresh ? now : row.window_start;
        repo.setThrottle(key, failures, windowStart, failures >= rule.limit ? now + rule.blockMs : 0);
      }
    },
    succeed(email: string, ip: string): void {
      const k = keys(email, ip);
      repo.clearThrottle(k.pair);
      repo.clearThrottle(k.account);
    },
  };
}
export type Throttle = ReturnType<typeof createThrottle>;
