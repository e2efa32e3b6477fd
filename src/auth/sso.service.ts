import type { SsoConfig } from '../config';
import type { UnitOfWork } from '../db/ports';
import type { AuditRepo } from '../audit/audit.repo';
import type { Role } from '../shared/actor';
import { isoOf, type Clock } from '../shared/clock';
import type { AuthRepo, SignedInUser } from './auth.repo';
import type { IdentityProvider } from './oidc.client';
import { hashToken, newToken } from './password';
import { IdentityNotConfirmed, ProviderUnavailable, SignInRefused } from './sso.errors';
import type { IdentityKey, RoleSource, SsoAccount, SsoPerson, SsoRepo } from './sso.repo';
import type { UsersRepo } from '../users/users.repo';

/** How long someone has to get through their organisation's login page. */
export const SIGN_IN_WINDOW_MS = 10 * 60_000;

const RANK: Record<Role, number> = { learner: 0, trainer: 1, admin: 2 };

const START_AGAIN =
  'This sign-in has expired or has already been used. Go back to the sign-in page and start again.';
const NOT_CONFIRMED =
  "Packway could not confirm who you are with your organisation's sign-in service. " +
  'Start again; if this keeps happening, tell your IT service desk.';
const UNAVAILABLE =
  "Your organisation's sign-in service cannot be reached just now. Try again in a few minutes.";
const ASK_LD = 'Ask your learning and development team.';

/** What an ID token says about the person, read the same way for Entra ID and any other OpenID Provider. */
interface Claimed {
  key: IdentityKey;
  tenant: string | null;
  email: string | null;
  /** The provider vouches for the address (Entra `xms_edov`, or the standard `email_verified`). */
  emailProven: boolean;
  name: string | null;
  /** The highest Packway role the role claim maps to; null when it maps to none. */
  role: Role | null;
}

const isTrue = (v: unknown) => v === true || v === 'true' || v === 1 || v === '1';
const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
const looksLikeEmail = (v: string | null) => (v && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? v : null);

export function createSsoService(
  uow: UnitOfWork,
  sso: SsoConfig | undefined,
  provider: IdentityProvider | undefined,
  clock: Clock,
  repo: SsoRepo,
  users: UsersRepo,
  auth: AuthRepo,
  audit: AuditRepo,
) {
  function roleFrom(value: unknown, settings: SsoConfig): Role | null {
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    let best: Role | null = null;
    for (const v of values) {
      const role = typeof v === 'string' ? settings.roleMap[v] : undefined;
      if (role && (best === null || RANK[role] > RANK[best])) best = role;
    }
    return best;
  }

  function read(claims: Record<string, unknown>, settings: SsoConfig): Claimed {
    const tenant = text(claims.tid)?.toLowerCase() ?? null;
    // Entra's `oid` is the person's id across every app of the tenant; `sub` differs per app. Either is immutable,
    // unlike an email address or user name, which is why an identity is never found by those.
    const subject = text(claims.oid) ?? text(claims.sub);
    if (!subject) throw new IdentityNotConfirmed('the ID token names no subject');
    const email = looksLikeEmail(text(claims.email));
    return {
      key: { issuerKey: tenant ? `tid:${tenant}` : `iss:${String(claims.iss)}`, subject },
      tenant,
      // only the email claim can be proven; a user name that looks like an address serves to name a new account
      email: email ?? looksLikeEmail(text(claims.preferred_username)),
      emailProven: email !== null && (isTrue(claims.xms_edov) || isTrue(claims.email_verified)),
      name: text(claims.name),
      role: roleFrom(claims[settings.roleClaim], settings),
    };
  }

  const enabled = (): { settings: SsoConfig; idp: IdentityProvider } => {
    if (!sso || !provider)
      throw new SignInRefused(404, 'Single sign-on is not set up here.', 'not configured');
    return { settings: sso, idp: provider };
  };

  const refuse = (status: number, message: string, reason: string, email: string | null = null) =>
    new SignInRefused(status, message, reason, email);

  /**
   * Starts a sign-in: keeps its state, nonce and PKCE verifier (hashed state as the key) against the browser's login
   * cookie, and returns where to send the person. `browserToken` is the login cookie's value.
   */
  async function begin(returnTo: string, browserToken: string): Promise<URL> {
    const { idp } = enabled();
    let start;
    try {
      start = await idp.beginSignIn();
    } catch (err) {
      if (err instanceof ProviderUnavailable) throw new SignInRefused(503, UNAVAILABLE, err.message);
      throw err;
    }
    await repo.savePending({
      stateHash: hashToken(start.state),
      browserHash: hashToken(browserToken),
      nonce: start.nonce,
      codeVerifier: start.codeVerifier,
      returnTo,
      expiresAt: clock.now() + SIGN_IN_WINDOW_MS,
    });
    return start.url;
  }

  /**
   * Finishes a sign-in from the provider's answer: the sign-in under way is taken (once), the code redeemed and the ID
   * token checked, then the person's account found by their identity, linked or created, and their role refreshed.
   */
  async function finish(
    answer: URLSearchParams,
    browserToken: string | undefined,
    ip: string,
  ): Promise<{ user: SignedInUser; returnTo: string }> {
    try {
      return await verifyAndSignIn(answer, browserToken, ip);
    } catch (err) {
      // audited here, outside the sign-in's transaction, so that the refusal's record is not rolled back with it
      if (err instanceof SignInRefused)
        await audit.record({
          actorEmail: err.email?.slice(0, 254) ?? null,
          action: 'signin.failure',
          detail: `sso: ${err.reason}`.slice(0, 500),
          ip,
        });
      throw err;
    }
  }

  async function verifyAndSignIn(
    answer: URLSearchParams,
    browserToken: string | undefined,
    ip: string,
  ): Promise<{ user: SignedInUser; returnTo: string }> {
    const { settings, idp } = enabled();
    const state = answer.get('state');
    const pending = state ? await repo.takePending(hashToken(state)) : undefined;
    if (!pending || pending.expiresAt <= clock.now())
      throw refuse(400, START_AGAIN, state ? 'unknown, used or expired state' : 'no state');
    if (!browserToken || hashToken(browserToken) !== pending.browserHash)
      throw refuse(400, START_AGAIN, 'state from another browser');
    const providerError = answer.get('error');
    if (providerError) {
      const said = (answer.get('error_description') ?? '').slice(0, 200);
      throw refuse(
        403,
        "Your organisation's sign-in service did not let you in. If you think it should have, tell your IT service desk.",
        `provider said ${providerError.slice(0, 60)}${said ? `: ${said}` : ''}`,
      );
    }
    let claimed: Claimed;
    try {
      claimed = read(await idp.finishSignIn(answer, { state: state!, ...pending }), settings);
    } catch (err) {
      if (err instanceof ProviderUnavailable) throw refuse(503, UNAVAILABLE, err.message);
      if (err instanceof IdentityNotConfirmed)
        throw refuse(401, NOT_CONFIRMED, `ID token refused: ${err.message}`.slice(0, 500));
      throw err;
    }
    if (settings.allowedTenants.length > 0 && !settings.allowedTenants.includes(claimed.tenant ?? ''))
      throw refuse(
        403,
        'Your organisation is not one that can sign in to Packway here. Ask your IT service desk.',
        `tenant ${claimed.tenant ?? '(none)'} not allowed`,
        claimed.email,
      );
    const user = await uow.run(() => signInAs(claimed, settings, ip));
    return { user, returnTo: pending.returnTo };
  }

  async function signInAs(claimed: Claimed, settings: SsoConfig, ip: string): Promise<SignedInUser> {
    const now = new Date(clock.now());
    const linked = await repo.accountByIdentity(claimed.key);
    const account = linked ?? (await linkOrCreate(claimed, settings, ip, now));
    if (account.disabled)
      throw refuse(403, `Your Packway account is switched off. ${ASK_LD}`, 'account disabled', claimed.email);
    if (linked) {
      await repo.recordSignIn(claimed.key, now);
      await followEmailChange(account, claimed, ip);
    }
    const role = await refreshRole(account, claimed.role, settings, ip);
    return { id: account.id, email: account.email, name: account.name, role };
  }

  /** A first sign-in: link an account the administrators made for this (proven) address, or make one. */
  async function linkOrCreate(
    claimed: Claimed,
    settings: SsoConfig,
    ip: string,
    now: Date,
  ): Promise<SsoAccount> {
    if (!claimed.email)
      throw refuse(
        400,
        `Your organisation's sign-in did not give Packway an email address, so it cannot make you an account. ${ASK_LD}`,
        'no email address in the ID token',
      );
    const existing = await repo.accountByEmail(claimed.email);
    if (existing) {
      const problem = linkProblem(existing, claimed);
      if (problem) throw refuse(409, problem.message, problem.reason, claimed.email);
      await repo.link(existing.id, claimed.key, now);
      await audit.record({
        actorId: existing.id,
        actorEmail: existing.email,
        action: 'sso.linked',
        target: `user:${existing.id}`,
        detail: claimed.key.issuerKey,
        ip,
      });
      return existing;
    }
    const role = claimed.role ?? (settings.defaultRole === 'none' ? null : settings.defaultRole);
    if (!role) throw refuse(403, NO_ROLE, 'no role in the claim and OIDC_DEFAULT_ROLE=none', claimed.email);
    const name = claimed.name ?? claimed.email.split('@')[0];
    const id = await users.insert({ email: claimed.email, name, role, passwordHash: null }, isoOf(clock));
    const source: RoleSource = claimed.role ? 'claim' : 'packway';
    await repo.setRole(id, role, source);
    await repo.link(id, claimed.key, now);
    await audit.record({
      actorId: id,
      actorEmail: claimed.email,
      action: 'sso.account-created',
      target: `user:${id}`,
      detail: `${role} (${source === 'claim' ? 'role claim' : 'default role'}), ${claimed.key.issuerKey}`,
      ip,
    });
    return {
      id,
      email: claimed.email,
      name,
      role,
      roleSource: source,
      disabled: false,
      hasPassword: false,
      identity: claimed.key,
    };
  }

  function linkProblem(existing: SsoAccount, claimed: Claimed): { message: string; reason: string } | null {
    if (existing.identity)
      return {
        message: `A Packway account with your email address is already linked to another organisation account. ${ASK_LD}`,
        reason: 'email belongs to an account linked to another identity',
      };
    if (!claimed.emailProven)
      return {
        message:
          "A Packway account with your email address already exists, but your organisation's sign-in did not confirm " +
          `the address, so Packway will not link them. ${ASK_LD}`,
        reason: 'email not proven by the provider; existing account not linked',
      };
    if (existing.role === 'admin' && existing.hasPassword)
      return {
        message:
          'Your email address belongs to a Packway administrator account that signs in with a password. ' +
          'Sign in with the password, or ask another administrator.',
        reason: 'administrator accounts with a password are not linked (break-glass)',
      };
    return null;
  }

  /** A linked person's address changed at the provider: follow it when proven and free, else keep ours. */
  async function followEmailChange(account: SsoAccount, claimed: Claimed, ip: string): Promise<void> {
    const email = claimed.email;
    if (!email || !claimed.emailProven || email.toLowerCase() === account.email.toLowerCase()) return;
    if (await repo.emailTaken(email, account.id)) return;
    await repo.setEmail(account.id, email);
    await audit.record({
      actorId: account.id,
      actorEmail: email,
      action: 'sso.email-changed',
      target: `user:${account.id}`,
      detail: `${account.email} -> ${email}`,
      ip,
    });
    account.email = email;
  }

  const NO_ROLE =
    'You have not been given access to Packway. Ask your IT service desk to give you a Packway role.';

  /**
   * The role claim decides at every sign-in. With no role in the claim, a role the claim gave before falls back to the
   * default one, and a role set in Packway stays.
   */
  async function refreshRole(
    account: SsoAccount,
    fromClaim: Role | null,
    settings: SsoConfig,
    ip: string,
  ): Promise<Role> {
    let next: { role: Role; source: RoleSource } | null = null;
    if (fromClaim) next = { role: fromClaim, source: 'claim' };
    else if (account.roleSource === 'claim') {
      if (settings.defaultRole === 'none')
        throw refuse(403, NO_ROLE, 'role claim removed and OIDC_DEFAULT_ROLE=none', account.email);
      next = { role: settings.defaultRole, source: 'packway' };
    }
    if (!next || (next.role === account.role && next.source === account.roleSource)) return account.role;
    await repo.setRole(account.id, next.role, next.source);
    if (next.role !== account.role) {
      // sessions and tokens made under the old role end with it
      await auth.deleteSessionsOf(account.id);
      await auth.revokeTokensOf(account.id, isoOf(clock));
      await audit.record({
        actorId: account.id,
        actorEmail: account.email,
        action: 'user.role',
        target: `user:${account.id}`,
        detail: `${account.role} -> ${next.role} (${fromClaim ? 'role claim' : 'role claim removed: default role'})`,
        ip,
      });
    }
    return next.role;
  }

  /** Where to send a person who signs out, so they are signed out at the provider too; null for a local sign-out. */
  async function signOutUrl(userId: number): Promise<string | null> {
    if (!provider || !(await repo.accountById(userId))?.identity) return null;
    try {
      return (await provider.signOutUrl())?.href ?? null;
    } catch {
      return null; // the provider being down must not stop anyone signing out of Packway
    }
  }

  async function people(): Promise<SsoPerson[]> {
    return repo.people();
  }

  async function sweep(now = clock.now()): Promise<number> {
    return repo.deleteExpiredPending(now);
  }

  /** The value of a browser's login cookie: random, only its hash is stored. */
  const newBrowserToken = () => newToken(24).token;

  return {
    enabled: sso !== undefined,
    buttonText: sso?.buttonText ?? '',
    begin,
    finish,
    signOutUrl,
    people,
    sweep,
    newBrowserToken,
  };
}

export type SsoService = ReturnType<typeof createSsoService>;
