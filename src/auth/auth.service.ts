import crypto from 'node:crypto';
import type { UnitOfWork } from '../db/ports';
import type { Config } from '../config';
import type { AuditRepo } from '../audit/audit.repo';
import type { UsersRepo } from '../users/users.repo';
import type { AuthRepo, SessionFrame, SignedInUser } from './auth.repo';
import { hashToken, newToken, verifyPassword } from './password';
import type { Throttle } from './throttle';
import type { SsoRepo } from './sso.repo';
import { isoOf, type Clock } from '../shared/clock';

const SETUP_CODE_KEY = 'setup_code_hash';
const normaliseCode = (code: string) => code.replace(/[\s-]/g, '').toUpperCase();

export type { SignedInUser } from './auth.repo';

export interface ResumedSession {
  user: SignedInUser;
  csrfToken: string;
  /** The variant version an admin is previewing, if any. */
  previewVersionId: number | null;
  /** A message left for this page by the previous action, now taken. */
  flash: string | null;
  /** The origin that may frame the session's pages (made by an LTI launch), else null. */
  frameOrigin: string | null;
}

/** How often a session's last-seen time is written: often enough for the idle timeout, not on every request. */
const TOUCH_EVERY_MS = 60_000;

export function createAuthService(
  uow: UnitOfWork,
  config: Config,
  clock: Clock,
  repo: AuthRepo,
  users: UsersRepo,
  audit: AuditRepo,
  throttle: Throttle,
  sso: Pick<SsoRepo, 'accountById'>,
) {
  const idleMs = config.SESSION_IDLE_MINUTES * 60_000;
  const absoluteMs = config.SESSION_ABSOLUTE_HOURS * 3600_000;

  /** A live session by its hashed id; an idle or too old one is ended. `takeFlash` shows a waiting message once. */
  async function resumeSession(
    idHash: string,
    takeFlash: boolean,
    now = clock.now(),
  ): Promise<ResumedSession | undefined> {
    const session = await repo.session(idHash);
    if (!session) return undefined;
    if (now - session.lastSeenAt >= idleMs || now - session.createdAt >= absoluteMs) {
      await repo.deleteSession(idHash);
      return undefined;
    }
    if (now - session.lastSeenAt > TOUCH_EVERY_MS) await repo.touchSession(idHash, now);
    const flash = takeFlash && session.flash ? session.flash : null;
    if (flash) await repo.setFlash(idHash, null);
    return {
      user: session.user,
      csrfToken: session.csrfToken,
      previewVersionId: session.user.role === 'admin' ? session.previewVersionId : null,
      flash,
      frameOrigin: session.frameOrigin,
    };
  }

  /** Ends every session idle or older than the settings allow; returns how many. */
  async function sweepSessions(now = clock.now()): Promise<number> {
    return repo.expireSessions(now - idleMs, now - absoluteMs);
  }

  /** Leaves a message for the next page this session shows. */
  async function leaveFlash(idHash: string, text: string): Promise<void> {
    await repo.setFlash(idHash, text.slice(0, 500));
  }

  /** An admin sees the pack as learners pinned to a version would (null stops previewing). */
  async function setPreview(idHash: string, versionId: number | null): Promise<void> {
    await repo.setPreview(idHash, versionId);
  }

  /** Whether this is the person's current password (for changing it). */
  async function passwordMatches(userId: number, password: string): Promise<boolean> {
    return verifyPassword(password, (await users.byId(userId))?.passwordHash ?? null);
  }

  /**
   * With LOCAL_PASSWORDS=off only break-glass accounts sign in with a password: administrators with no single
   * sign-on identity, kept for when the organisation's sign-in is down or misconfigured.
   */
  async function passwordAllowed(userId: number): Promise<boolean> {
    if (config.localPasswords) return true;
    const account = await sso.accountById(userId);
    return account !== undefined && account.role === 'admin' && account.identity === null;
  }

  /** Checks a password with throttling and auditing; returns the user, or null with the reason audited. */
  async function checkCredentials(
    email: string,
    password: string,
    ip: string,
    via: 'page' | 'api',
  ): Promise<SignedInUser | null> {
    const attempt = await throttle.begin(email, ip);
    let user: Awaited<ReturnType<UsersRepo['byEmail']>>;
    let ok: boolean;
    try {
      user = await users.byEmail(email);
      ok = await verifyPassword(password, user?.passwordHash ?? null);
    } catch (err) {
      await attempt.abandon();
      throw err;
    }
    const passwordsOff = user && ok && !user.disabled && !(await passwordAllowed(user.id));
    if (!user || !ok || user.disabled || passwordsOff) {
      await attempt.fail();
      const reason = !user
        ? 'unknown email'
        : user.disabled
          ? 'disabled'
          : passwordsOff
            ? 'password sign-in is off (LOCAL_PASSWORDS=off)'
            : 'wrong password';
      await audit.record({
        actorId: user?.id,
        actorEmail: email.slice(0, 254),
        action: 'signin.failure',
        detail: `${via}: ${reason}`,
        ip,
      });
      return null;
    }
    await attempt.succeed();
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  }

  /** Starts a fresh session (a new id at every sign-in, so a planted id is useless). */
  async function startSession(
    user: SignedInUser,
    ip: string,
    previousIdHash?: string,
    via: 'page' | 'sso' | 'lti' = 'page',
    frame?: SessionFrame,
  ): Promise<{ sessionId: string }> {
    const { token: sessionId, hash } = newToken();
    const csrf = crypto.randomBytes(24).toString('base64url');
    await uow.run(async () => {
      if (previousIdHash) await repo.deleteSession(previousIdHash);
      await repo.createSession(hash, user.id, csrf, clock.now(), frame);
      await users.touch(user.id, isoOf(clock));
      await audit.record({
        actorId: user.id,
        actorEmail: user.email,
        action: 'signin.success',
        detail: via,
        ip,
      });
    });
    return { sessionId };
  }

  async function issueToken(user: SignedInUser, ip: string): Promise<{ token: string; expiresAt: string }> {
    const { token, hash } = newToken();
    const expiresAt = new Date(clock.now() + config.API_TOKEN_HOURS * 3600_000).toISOString();
    await uow.run(async () => {
      await repo.createToken(hash, user.id, expiresAt, isoOf(clock));
      await audit.record({ actorId: user.id, actorEmail: user.email, action: 'token.issue', ip });
    });
    return { token, expiresAt };
  }

  async function endSession(idHash: string): Promise<void> {
    await repo.deleteSession(idHash);
  }

  async function userForToken(token: string): Promise<SignedInUser | undefined> {
    return repo.tokenUser(hashToken(token), isoOf(clock));
  }

  /** The account a password link sets a password for; none when passwords are off for that account. */
  async function userForPasswordLink(token: string): Promise<number | undefined> {
    const userId = await repo.linkUser(hashToken(token), isoOf(clock));
    return userId !== undefined && (await passwordAllowed(userId)) ? userId : undefined;
  }

  /**
   * The one-time set-up code that proves the first administrator can read the server's log (as Jupyter and Grafana do),
   * so whoever reaches /setup first on a shared network cannot take the service. SETUP_CODE fixes it instead.
   * Only its hash is stored; a restart before set-up prints a new one.
   */
  async function newSetupCode(): Promise<string | null> {
    if (config.SETUP_CODE) return null;
    const code = crypto.randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12).toUpperCase();
    await repo.setSetting(SETUP_CODE_KEY, hashToken(normaliseCode(code)));
    return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
  }

  async function setupCodeMatches(given: string): Promise<boolean> {
    const expected = config.SETUP_CODE
      ? hashToken(normaliseCode(config.SETUP_CODE))
      : await repo.setting(SETUP_CODE_KEY);
    if (!expected) return false;
    const actual = hashToken(normaliseCode(given));
    return (
      actual.length === expected.length && crypto.timingSafeEqual(Buffer.from(actual), Buffer.from(expected))
    );
  }

  async function forgetSetupCode(): Promise<void> {
    await repo.deleteSetting(SETUP_CODE_KEY);
  }

  /**
   * The secret that signs cookies: SESSION_SECRET when set, else one made once and kept in the database, so every
   * instance over that database (and every restart) signs and accepts the same cookies.
   */
  async function cookieSecret(configured: string | undefined): Promise<string> {
    if (configured) return configured;
    return repo.sharedSecret('session', () => crypto.randomBytes(32).toString('hex'));
  }

  return {
    cookieSecret,
    checkCredentials,
    startSession,
    issueToken,
    endSession,
    userForToken,
    userForPasswordLink,
    resumeSession,
    sweepSessions,
    leaveFlash,
    setPreview,
    passwordMatches,
    newSetupCode,
    setupCodeMatches,
    forgetSetupCode,
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
