import crypto from 'node:crypto';
import type { Db } from '../db/open';
import type { Config } from '../config';
import type { AuditRepo } from '../audit/audit.repo';
import type { UsersRepo } from '../users/users.repo';
import type { AuthRepo } from './auth.repo';
import { hashToken, newToken, verifyPassword } from './password';
import type { Throttle } from './throttle';

const SETUP_CODE_KEY = 'setup_code_hash';
const normaliseCode = (code: string) => code.replace(/[\s-]/g, '').toUpperCase();

export interface SignedInUser {
  id: number;
  email: string;
  name: string;
  role: 'learner' | 'trainer' | 'admin';
}

export function createAuthService(db: Db, config: Config, repo: AuthRepo, users: UsersRepo, audit: AuditRepo, throttle: Throttle) {
  /** Checks a password with throttling and auditing; returns the user, or null with the reason audited. */
  async function checkCredentials(email: string, password: string, ip: string, via: 'page' | 'api'): Promise<SignedInUser | null> {
    throttle.check(email, ip);
    const user = users.byEmail(email);
    const ok = await verifyPassword(password, user?.password_hash ?? null);
    if (!user || !ok || user.disabled) {
      throttle.fail(email, ip);
      const reason = !user ? 'unknown email' : user.disabled ? 'disabled' : 'wrong password';
      audit.record({ actorId: user?.id, actorEmail: email.slice(0, 254), action: 'signin.failure', detail: `${via}: ${reason}`, ip });
      return null;
    }
    throttle.succeed(email, ip);
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  }

  /** Starts a fresh session (a new id at every sign-in, so a planted id is useless). */
  function startSession(user: SignedInUser, ip: string, previousIdHash?: string): { sessionId: string } {
    const { token: sessionId, hash } = newToken();
    const csrf = crypto.randomBytes(24).toString('base64url');
    db.transaction(() => {
      if (previousIdHash) repo.deleteSession(previousIdHash);
      repo.createSession(hash, user.id, csrf, Date.now());
      users.touch(user.id);
      audit.record({ actorId: user.id, actorEmail: user.email, action: 'signin.success', detail: 'page', ip });
    })();
    return { sessionId };
  }

  function issueToken(user: SignedInUser, ip: string): { token: string; expiresAt: string } {
    const { token, hash } = newToken();
    const expiresAt = new Date(Date.now() + config.API_TOKEN_HOURS * 3600_000).toISOString();
    db.transaction(() => {
      repo.createToken(hash, user.id, expiresAt);
      audit.record({ actorId: user.id, actorEmail: user.email, action: 'token.issue', ip });
    })();
    return { token, expiresAt };
  }

  function endSession(idHash: string): void {
    repo.deleteSession(idHash);
  }

  function userForToken(token: string): SignedInUser | undefined {
    const row = repo.tokenUser(hashToken(token));
    return row && { id: row.user_id, email: row.email, name: row.name, role: row.role };
  }

  function userForPasswordLink(token: string): number | undefined {
    return repo.linkUser(hashToken(token));
  }

  /**
   * The one-time set-up code that proves the first administrator can read the server's log (as Jupyter and Grafana do),
   * so whoever reaches /setup first on a shared network cannot take the service. SETUP_CODE fixes it instead.
   * Only its hash is stored; a restart before set-up prints a new one.
   */
  function newSetupCode(): string | null {
    if (config.SETUP_CODE) return null;
    const code = crypto.randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12).toUpperCase();
    repo.setSetting(SETUP_CODE_KEY, hashToken(normaliseCode(code)));
    return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
  }

  function setupCodeMatches(given: string): boolean {
    const expected = config.SETUP_CODE ? hashToken(normaliseCode(config.SETUP_CODE)) : repo.setting(SETUP_CODE_KEY);
    if (!expected) return false;
    const actual = hashToken(normaliseCode(given));
    return actual.length === expected.length && crypto.timingSafeEqual(Buffer.from(actual), Buffer.from(expected));
  }

  function forgetSetupCode(): void {
    repo.deleteSetting(SETUP_CODE_KEY);
  }

  return { checkCredentials, startSession, issueToken, endSession, userForToken, userForPasswordLink, newSetupCode, setupCodeMatches, forgetSetupCode };
}
export type AuthService = ReturnType<typeof createAuthService>;
