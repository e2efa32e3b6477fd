import type { AuditRepo } from '../audit/audit.repo';
import type { CohortsRepo } from '../cohorts/cohorts.repo';
import { UniqueViolation } from '../db/errors';
import type { UnitOfWork } from '../db/ports';
import type { Actor, Role } from '../shared/actor';
import { isoOf, type Clock } from '../shared/clock';
import { Conflict, Invalid, NotFound } from '../shared/errors';
import type { UsersRepo } from '../users/users.repo';
import type { Pack } from '../content/types';
import type { SignedInUser } from '../auth/auth.repo';
import { hashToken, newToken } from '../auth/password';
import { LaunchRefused } from './lti.errors';
import { currentToolKey } from './tool-key';
import { PlatformKeysUnavailable, TokenRefused, type LtiTokens } from './lti.ports';
import type { LtiAccount, LtiRepo, Platform } from './lti.repo';
import {
  LTI_CLAIM,
  launchClaimsSchema,
  type LaunchClaims,
  type LoginInitiation,
  type PlatformInput,
} from './lti.schema';

/** How long a person has between the platform's login initiation and its id_token. */
export const LAUNCH_WINDOW_MS = 5 * 60_000;
/**
 * How long a rotated-out key of Packway's stays published: longer than any token Packway signs lives (client
 * assertions and deep-linking answers, minutes), with room for platforms that cache the key set for a while.
 */
export const OLD_KEY_PUBLISHED_MS = 24 * 3600_000;

const RANK: Record<Role, number> = { learner: 0, trainer: 1, admin: 2 };

const ASK = 'If this keeps happening, tell whoever looks after your learning platform.';
const START_AGAIN = `This launch has expired or has already been used. Go back to your course and open the activity again. ${ASK}`;
const NOT_TRUSTED = `Packway could not confirm that this launch came from your learning platform. ${ASK}`;
const NOT_A_LAUNCH = `Your learning platform sent Packway something it cannot open. ${ASK}`;
const UNKNOWN_PLATFORM = `Packway does not know this learning platform: an administrator must register it first. ${ASK}`;
const KEYS_DOWN =
  'Packway cannot reach your learning platform to check this launch just now. Try again in a few minutes.';

async function retryOnce<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof UniqueViolation)) throw err;
    return work();
  }
}

/** The LTI role vocabularies Packway reads (context and institution roles, and the deprecated short names). */
const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';

type LtiRole = 'instructor' | 'learner' | 'administrator';

export function ltiRoleOf(uri: string): LtiRole | null {
  const name = uri.startsWith(LIS) ? uri.slice(LIS.length) : uri;
  // sub-roles are written membership/Instructor#TeachingAssistant: a teaching assistant teaches
  if (/^(membership(\/Instructor)?#(Instructor|TeachingAssistant)|Instructor|TeachingAssistant)$/.test(name))
    return 'instructor';
  if (/^(membership(\/Learner)?#Learner|Learner)$/.test(name)) return 'learner';
  if (/^((membership|institution\/person|system\/person)#(Administrator|SysAdmin)|Administrator)$/.test(name))
    return 'administrator';
  return null;
}

/** The module a launch names: a custom `module` parameter, or `/modules/:id` in its target link (on Packway's origin). */
function moduleNamed(claims: LaunchClaims, origin: string): string | null {
  const custom = claims[`${LTI_CLAIM}custom`];
  const fromCustom = custom?.module ?? custom?.module_id;
  if (typeof fromCustom === 'string' && fromCustom.trim()) return fromCustom.trim();
  const target = URL.parse(claims[`${LTI_CLAIM}target_link_uri`]);
  const match = target?.origin === origin ? /^\/modules\/([^/?#]+)\/?$/.exec(target.pathname) : null;
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null; // a malformed escape names no module
  }
}

/** The origin whose pages may frame the session: the platform's pages (return_url) when named, else its issuer. */
function frameOriginOf(platform: Platform, claims: LaunchClaims): string {
  const returnUrl = URL.parse(claims[`${LTI_CLAIM}launch_presentation`]?.return_url ?? '');
  if (returnUrl && (returnUrl.protocol === 'https:' || returnUrl.protocol === 'http:'))
    return returnUrl.origin;
  return new URL(platform.issuer).origin;
}

const looksLikeEmail = (v: string | undefined) =>
  v && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? v.trim() : null;

const DL_SETTINGS = 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings';

/** A deep linking request's settings, when Packway can answer it: a web return address that takes resource links. */
function deepLinkingSettings(claims: LaunchClaims, platform: Platform) {
  const settings = claims[DL_SETTINGS];
  const returnUrl = URL.parse(settings?.deep_link_return_url ?? '');
  if (!settings || !returnUrl || (returnUrl.protocol !== 'https:' && returnUrl.protocol !== 'http:'))
    throw new LaunchRefused(
      400,
      NOT_A_LAUNCH,
      'deep linking request without a web return URL',
      platform.name,
    );
  if (!settings.accept_types.includes('ltiResourceLink'))
    throw new LaunchRefused(
      400,
      `Your learning platform asked for a kind of content Packway does not offer: Packway adds activities (links). ${ASK}`,
      `deep linking accept_types ${settings.accept_types.join(' ')} has no ltiResourceLink`,
      platform.name,
    );
  return { ...settings, returnUrl: returnUrl.href };
}

/** How long an instructor has to choose modules on the deep linking picker. */
export const DEEP_LINK_WINDOW_MS = 60 * 60_000;

export interface LaunchDone {
  user: SignedInUser;
  platformId: number;
  frameOrigin: string;
  /** Where the person lands: the linked module, or the cohort (trainers) or home (learners). */
  landing: string;
}

export interface LtiDeps {
  uow: UnitOfWork;
  repo: LtiRepo;
  tokens: LtiTokens;
  users: UsersRepo;
  cohorts: CohortsRepo;
  audit: AuditRepo;
  clock: Clock;
  /** Whether a module is in the pack the cohort's people see (the built-in pack when no cohort). */
  moduleExists(moduleId: string, cohortId: number | null): Promise<boolean>;
  /** The pack the cohort's people see (its pinned variant version; the built-in pack when no cohort). */
  packOf(cohortId: number | null): Promise<Pack>;
  /** Packway's address, where platforms send launches. */
  publicUrl: string;
}

export function createLtiService({
  uow,
  repo,
  tokens,
  users,
  cohorts,
  audit,
  clock,
  moduleExists,
  packOf,
  publicUrl,
}: LtiDeps) {
  const launchUrl = new URL('/lti/launch', publicUrl).href;

  // ---- platforms ----

  async function platforms(): Promise<Platform[]> {
    return repo.platforms();
  }

  async function register(actor: Actor, input: PlatformInput): Promise<Platform> {
    return uow.run(async () => {
      const id = await repo.insertPlatform({ ...input }, actor.id, clock.now());
      if (id === undefined)
        throw new Conflict('This platform is already registered', [
          { field: 'clientId', message: 'A platform with this issuer and client ID is already registered' },
        ]);
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: 'lti.platform-registered',
        target: `lti-platform:${id}`,
        detail: `${input.name} (${input.issuer}, client ${input.clientId})`,
        ip: actor.ip ?? null,
      });
      return (await repo.platform(id))!;
    });
  }

  /** Removes a platform: its launches under way and the sessions its launches made end with it. */
  async function remove(actor: Actor, id: number): Promise<Platform> {
    return uow.run(async () => {
      const platform = await repo.platform(id);
      if (!platform || !(await repo.deletePlatform(id))) throw new NotFound('There is no such platform');
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: 'lti.platform-removed',
        target: `lti-platform:${id}`,
        detail: `${platform.name} (${platform.issuer}, client ${platform.clientId})`,
        ip: actor.ip ?? null,
      });
      return platform;
    });
  }

  // ---- Packway's keys ----

  const currentKey = () => currentToolKey(repo, tokens, clock);

  /** The key set platforms check Packway's tokens with: the current key and those rotated out recently. */
  async function jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    await currentKey();
    return { keys: (await repo.publishedKeys(clock.now())).map((k) => k.publicJwk) };
  }

  /** A new current key; the old one stays published until every token it signed has expired. */
  async function rotateKey(actor: Actor): Promise<{ kid: string; previousKid: string | null }> {
    const made = await tokens.newToolKey();
    return uow.run(async () => {
      const now = clock.now();
      const previous = await repo.currentKey();
      await repo.retireCurrentKey(now, now + OLD_KEY_PUBLISHED_MS);
      await repo.deleteUnpublishedKeys(now);
      await repo.insertCurrentKey({ ...made, createdAt: now });
      await audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: 'lti.key-rotated',
        detail: `${previous?.kid ?? '(none)'} -> ${made.kid}`,
        ip: actor.ip ?? null,
      });
      return { kid: made.kid, previousKid: previous?.kid ?? null };
    });
  }

  async function keys() {
    await currentKey();
    return repo.publishedKeys(clock.now());
  }

  // ---- launches ----

  /** Records a refused launch (outside the launch's transaction, so that it is not rolled back with it). */
  async function refused(err: LaunchRefused, ip: string): Promise<void> {
    await audit.record({
      action: 'lti.launch-refused',
      detail: `${err.platform ? `${err.platform}: ` : ''}${err.reason}`.slice(0, 500),
      ip,
    });
  }

  async function guarded<T>(work: () => Promise<T>, ip: string): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof LaunchRefused) await refused(err, ip);
      throw err;
    }
  }

  /**
   * Third-party initiated login: the platform names itself (and the client and deployment); Packway keeps a state and
   * a nonce and answers with the platform's authentication request (response_mode form_post, prompt none).
   */
  function begin(init: LoginInitiation, ip: string): Promise<URL> {
    return guarded(async () => {
      const candidates = (await repo.platformsByIssuer(init.iss)).filter(
        (p) => !init.client_id || p.clientId === init.client_id,
      );
      if (candidates.length !== 1)
        throw new LaunchRefused(
          400,
          UNKNOWN_PLATFORM,
          candidates.length === 0
            ? `login from an unregistered platform: ${init.iss} client ${init.client_id ?? '(none)'}`
            : `login from ${init.iss} names no client_id and the issuer has several registrations`,
        );
      const platform = candidates[0];
      if (init.lti_deployment_id !== undefined && !platform.deploymentIds.includes(init.lti_deployment_id))
        throw new LaunchRefused(
          403,
          NOT_A_LAUNCH,
          `unregistered deployment ${init.lti_deployment_id}`,
          platform.name,
        );
      const state = newToken(24).token;
      const nonce = newToken(24).token;
      await repo.saveLaunch({
        stateHash: hashToken(state),
        platformId: platform.id,
        nonce,
        targetLinkUri: init.target_link_uri,
        expiresAt: clock.now() + LAUNCH_WINDOW_MS,
      });
      const url = new URL(platform.authLoginUrl);
      const params: Record<string, string> = {
        scope: 'openid',
        response_type: 'id_token',
        response_mode: 'form_post',
        prompt: 'none',
        client_id: platform.clientId,
        redirect_uri: launchUrl,
        login_hint: init.login_hint,
        state,
        nonce,
        ...(init.lti_message_hint !== undefined ? { lti_message_hint: init.lti_message_hint } : {}),
      };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url;
    }, ip);
  }

  /**
   * The platform answered the authentication request with an error (the person is not signed in there, or may not
   * use the tool): the launch under way ends, and the refusal says what the platform said.
   */
  function platformRefused(
    answer: { error: string; error_description?: string; state: string },
    ip: string,
  ): Promise<never> {
    return guarded(async () => {
      const pending = await repo.takeLaunch(hashToken(answer.state));
      const platform = pending ? await repo.platform(pending.platformId) : undefined;
      const said = `${answer.error}${answer.error_description ? `: ${answer.error_description}` : ''}`;
      throw new LaunchRefused(
        400,
        `Your learning platform did not confirm who you are. Sign in to it again, then open the activity again. ${ASK}`,
        `the platform answered ${said}`.slice(0, 400),
        platform?.name ?? null,
      );
    }, ip);
  }

  /** Checks the platform's id_token as LTI 1.3 requires; answers its claims, or refuses. */
  async function verify(idToken: string, state: string) {
    const pending = await repo.takeLaunch(hashToken(state));
    if (!pending || pending.expiresAt <= clock.now())
      throw new LaunchRefused(
        400,
        START_AGAIN,
        pending ? 'launch state expired' : 'unknown or already used state',
      );
    const platform = await repo.platform(pending.platformId);
    if (!platform)
      throw new LaunchRefused(400, UNKNOWN_PLATFORM, 'the platform was removed during the launch');
    let raw: Record<string, unknown>;
    try {
      raw = await tokens.verifyIdToken(idToken, {
        jwksUrl: platform.jwksUrl,
        issuer: platform.issuer,
        clientId: platform.clientId,
        now: clock.now(),
      });
    } catch (err) {
      if (err instanceof PlatformKeysUnavailable)
        throw new LaunchRefused(503, KEYS_DOWN, `platform keys unavailable: ${err.message}`, platform.name);
      if (err instanceof TokenRefused)
        throw new LaunchRefused(401, NOT_TRUSTED, `id_token refused: ${err.message}`, platform.name);
      throw err;
    }
    const audiences = Array.isArray(raw.aud) ? raw.aud : [raw.aud];
    if ((audiences.length > 1 || raw.azp !== undefined) && raw.azp !== platform.clientId)
      throw new LaunchRefused(
        401,
        NOT_TRUSTED,
        `azp ${String(raw.azp)} is not Packway's client id`,
        platform.name,
      );
    if (raw.nonce !== pending.nonce)
      throw new LaunchRefused(
        401,
        NOT_TRUSTED,
        'the nonce is not the one sent for this launch',
        platform.name,
      );
    const parsed = launchClaimsSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new LaunchRefused(400, NOT_A_LAUNCH, `claims malformed: ${problems}`, platform.name);
    }
    const claims = parsed.data;
    const messageType = claims[`${LTI_CLAIM}message_type`];
    if (messageType !== 'LtiResourceLinkRequest' && messageType !== 'LtiDeepLinkingRequest')
      throw new LaunchRefused(400, NOT_A_LAUNCH, `message_type ${messageType} is not handled`, platform.name);
    if (messageType === 'LtiResourceLinkRequest' && !claims[`${LTI_CLAIM}resource_link`])
      throw new LaunchRefused(
        400,
        NOT_A_LAUNCH,
        'a resource link launch without resource_link',
        platform.name,
      );
    if (messageType === 'LtiDeepLinkingRequest') deepLinkingSettings(claims, platform);
    if (claims[`${LTI_CLAIM}version`] !== '1.3.0')
      throw new LaunchRefused(400, NOT_A_LAUNCH, `version ${claims[`${LTI_CLAIM}version`]}`, platform.name);
    const deploymentId = claims[`${LTI_CLAIM}deployment_id`];
    if (!platform.deploymentIds.includes(deploymentId))
      throw new LaunchRefused(403, NOT_A_LAUNCH, `unregistered deployment ${deploymentId}`, platform.name);
    return { platform, claims, loginTarget: pending.targetLinkUri };
  }

  /** The Packway role the launch's LTI roles give: the highest; null when none is one Packway knows. */
  function roleOf(claims: LaunchClaims, platform: Platform): { role: Role; teaches: boolean } | null {
    let best: Role | null = null;
    let teaches = false;
    for (const uri of claims[`${LTI_CLAIM}roles`]) {
      const lti = ltiRoleOf(uri);
      const role =
        lti === 'instructor' ? 'trainer' : lti === 'learner' ? 'learner' : lti ? platform.adminRole : null;
      if (lti === 'instructor') teaches = true;
      if (role && (best === null || RANK[role] > RANK[best])) best = role;
    }
    return best ? { role: best, teaches: teaches || best !== 'learner' } : null;
  }

  /** The person behind (issuer, sub): linked already, an existing account with the same trusted address, or new. */
  async function personOf(
    platform: Platform,
    claims: LaunchClaims,
    role: Role,
    ip: string,
  ): Promise<LtiAccount> {
    const now = clock.now();
    const linked = await repo.accountByIdentity(platform.issuer, claims.sub);
    if (linked) {
      await repo.recordLaunch(platform.issuer, claims.sub, now);
      return linked;
    }
    const email = looksLikeEmail(claims.email);
    if (!email)
      throw new LaunchRefused(
        400,
        'Your learning platform did not give Packway your email address, so Packway cannot make you an account. ' +
          'Ask whoever looks after the platform to share launchers’ names and email addresses with Packway.',
        'no email address in the launch',
        platform.name,
      );
    const existing = await repo.accountByEmail(email, platform.issuer);
    if (existing) {
      const problem = linkProblem(existing, platform, claims);
      if (problem) throw new LaunchRefused(409, problem.message, problem.reason, platform.name);
      await repo.link(existing.id, platform.issuer, claims.sub, now);
      await audit.record({
        actorId: existing.id,
        actorEmail: existing.email,
        action: 'lti.linked',
        target: `user:${existing.id}`,
        detail: `${platform.name} (${platform.issuer})`,
        ip,
      });
      return existing;
    }
    const name =
      claims.name?.trim() ||
      [claims.given_name, claims.family_name].filter(Boolean).join(' ').trim() ||
      email.split('@')[0];
    const id = await users.insert({ email, name, role, passwordHash: null }, isoOf(clock));
    await repo.link(id, platform.issuer, claims.sub, now);
    await audit.record({
      actorId: id,
      actorEmail: email,
      action: 'lti.account-created',
      target: `user:${id}`,
      detail: `${role}, ${platform.name} (${platform.issuer})`,
      ip,
    });
    return { id, email, name, role, disabled: false, hasPassword: false, subjectAtIssuer: claims.sub };
  }

  /** The single sign-on linking rules, for an account found by the launch's address. */
  function linkProblem(existing: LtiAccount, platform: Platform, claims: LaunchClaims) {
    if (existing.subjectAtIssuer !== null)
      return {
        message: `A Packway account with your email address is already linked to another account on this learning platform. ${ASK}`,
        reason: 'email belongs to an account linked to another subject at this issuer',
      };
    if (!platform.trustEmail && claims.email_verified !== true)
      return {
        message:
          'A Packway account with your email address already exists, but Packway cannot be sure the learning platform ' +
          `checked the address, so it will not link them. Ask your learning and development team.`,
        reason: 'email not proven (platform not trusted for addresses); existing account not linked',
      };
    if (existing.role === 'admin' && existing.hasPassword)
      return {
        message:
          'Your email address belongs to a Packway administrator account that signs in with a password. ' +
          'Sign in to Packway directly instead.',
        reason: 'administrator accounts with a password are not linked (break-glass)',
      };
    return null;
  }

  /** The role only rises with a launch: a trainer who studies in one course stays a trainer. */
  async function promote(account: LtiAccount, role: Role, ip: string): Promise<Role> {
    if (RANK[role] <= RANK[account.role]) return account.role;
    await repo.setRole(account.id, role);
    await audit.record({
      actorId: account.id,
      actorEmail: account.email,
      action: 'user.role',
      target: `user:${account.id}`,
      detail: `${account.role} -> ${role} (LTI launch)`,
      ip,
    });
    return role;
  }

  /** The cohort the launch's course is: made at its first launch, renamed when the course's title changes. */
  async function cohortOf(
    platform: Platform,
    claims: LaunchClaims,
    actor: Actor,
  ): Promise<{ id: number; row: number } | null> {
    const context = claims[`${LTI_CLAIM}context`];
    if (!context) return null;
    const key = {
      issuer: platform.issuer,
      deploymentId: claims[`${LTI_CLAIM}deployment_id`],
      contextId: context.id,
    };
    const title = (
      context.title?.trim() ||
      context.label?.trim() ||
      `${platform.name} course ${context.id}`
    ).slice(0, 200);
    const endpoints = {
      membershipsUrl:
        claims['https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice']?.context_memberships_url ??
        null,
      lineitemsUrl: claims['https://purl.imsglobal.org/spec/lti-ags/claim/endpoint']?.lineitems ?? null,
    };
    const known = await repo.context(key);
    const record = (action: string, cohortId: number, detail: string) =>
      audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action,
        target: `cohort:${cohortId}`,
        detail,
        ip: actor.ip,
      });
    if (known) {
      await repo.updateContext(known.id, title, endpoints);
      const cohort = await cohorts.get(known.cohortId);
      if (cohort && cohort.name !== title) {
        await cohorts.update(cohort.id, title, cohort.description);
        await record('cohort.update', cohort.id, `renamed from the LMS course: ${cohort.name} -> ${title}`);
      }
      return { id: known.cohortId, row: known.id };
    }
    const cohortId = await cohorts.create(title, `From ${platform.name}`, null, actor.id, isoOf(clock));
    const row = await repo.insertContext(key, cohortId, title, endpoints, clock.now());
    await record('cohort.create', cohortId, `${title} (LMS course ${context.id} on ${platform.name})`);
    return { id: cohortId, row };
  }

  async function join(cohortId: number, account: LtiAccount, teaches: boolean, actor: Actor): Promise<void> {
    const record = (action: string, detail: string) =>
      audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action,
        target: `cohort:${cohortId}`,
        detail,
        ip: actor.ip,
      });
    if (teaches) {
      if (await cohorts.isTrainer(cohortId, account.id)) return;
      await cohorts.addTrainer(cohortId, account.id);
      await record('cohort.add_trainer', `${account.email} (LTI launch)`);
    } else if (await cohorts.addMember(cohortId, account.id, isoOf(clock))) {
      await record('cohort.enrol', `${account.email} (LTI launch)`);
    }
  }

  /**
   * The id_token the platform posted: checked, then the person found (or linked, or made), the course's cohort found
   * (or made) with them in it, the link remembered, and where they land decided. The session is the caller's to start.
   */
  function finish(idToken: string, state: string, ip: string): Promise<LaunchDone> {
    return guarded(async () => {
      const { platform, claims, loginTarget } = await verify(idToken, state);
      const mapped = roleOf(claims, platform);
      if (!mapped)
        throw new LaunchRefused(
          403,
          `Your role on the learning platform is not one that can use Packway. ${ASK}`,
          `no role Packway maps in ${claims[`${LTI_CLAIM}roles`].join(' ') || '(none)'}`,
          platform.name,
        );
      // two first launches of one person or course at once (a double click): the second's insert loses the race on
      // a unique key; run again, it finds what the first made
      const done = await retryOnce(() =>
        uow.run(async () => {
          const account = await personOf(platform, claims, mapped.role, ip);
          if (account.disabled)
            throw new LaunchRefused(
              403,
              'Your Packway account is switched off. Ask your learning and development team.',
              'account disabled',
              platform.name,
            );
          const role = await promote(account, mapped.role, ip);
          const actor: Actor = { id: account.id, email: account.email, name: account.name, role, ip };
          const cohort = await cohortOf(platform, claims, actor);
          const teaches = mapped.teaches && role !== 'learner';
          if (cohort) await join(cohort.id, account, teaches, actor);
          if (claims[`${LTI_CLAIM}message_type`] === 'LtiDeepLinkingRequest')
            return {
              user: { id: account.id, email: account.email, name: account.name, role },
              landing: await startDeepLinking(platform, claims, account, teaches, cohort?.id ?? null, ip),
            };
          const named = moduleNamed(claims, new URL(publicUrl).origin);
          const moduleId = named && (await moduleExists(named, cohort?.id ?? null)) ? named : null;
          const link = claims[`${LTI_CLAIM}resource_link`]!;
          await repo.upsertResourceLink(
            {
              issuer: platform.issuer,
              deploymentId: claims[`${LTI_CLAIM}deployment_id`],
              resourceLinkId: link.id,
              contextRowId: cohort?.row ?? null,
              moduleId,
              title: link.title ?? null,
              lineitemUrl: claims['https://purl.imsglobal.org/spec/lti-ags/claim/endpoint']?.lineitem ?? null,
            },
            clock.now(),
          );
          const landing = moduleId
            ? `/modules/${encodeURIComponent(moduleId)}`
            : teaches && cohort
              ? `/cohorts/${cohort.id}`
              : '/';
          await audit.record({
            actorId: account.id,
            actorEmail: account.email,
            action: 'lti.launch',
            target: cohort ? `cohort:${cohort.id}` : `user:${account.id}`,
            // the signed claim decides; a login initiation that named another target is noted (the two should agree)
            detail: [
              `${platform.name}: ${teaches ? 'trainer' : 'learner'}, link ${link.id} -> ${landing}`,
              loginTarget === claims[`${LTI_CLAIM}target_link_uri`]
                ? ''
                : ` (login initiation named ${loginTarget})`,
            ]
              .join('')
              .slice(0, 500),
            ip,
          });
          return { user: { id: account.id, email: account.email, name: account.name, role }, landing };
        }),
      );
      return { ...done, platformId: platform.id, frameOrigin: frameOriginOf(platform, claims) };
    }, ip);
  }

  // ---- deep linking ----

  /** A deep linking request from a teacher: kept in the database; they land on the picker. */
  async function startDeepLinking(
    platform: Platform,
    claims: LaunchClaims,
    account: LtiAccount,
    teaches: boolean,
    cohortId: number | null,
    ip: string,
  ): Promise<string> {
    if (!teaches)
      throw new LaunchRefused(
        403,
        `Only the teachers of a course can add Packway activities to it. ${ASK}`,
        'deep linking request from someone who does not teach the course',
        platform.name,
      );
    const settings = deepLinkingSettings(claims, platform);
    const token = newToken(24).token;
    await repo.saveDeepLink({
      idHash: hashToken(token),
      platformId: platform.id,
      deploymentId: claims[`${LTI_CLAIM}deployment_id`],
      userId: account.id,
      cohortId,
      returnUrl: settings.returnUrl,
      data: settings.data ?? null,
      acceptMultiple: settings.accept_multiple !== false,
      expiresAt: clock.now() + DEEP_LINK_WINDOW_MS,
    });
    await audit.record({
      actorId: account.id,
      actorEmail: account.email,
      action: 'lti.deep-linking',
      target: cohortId ? `cohort:${cohortId}` : `user:${account.id}`,
      detail: `${platform.name}: choosing modules to add`,
      ip,
    });
    return `/lti/deep-linking/${token}`;
  }

  const PICK_AGAIN =
    'This choice has expired or has already been sent. Go back to your course and add Packway again.';

  /** The request behind a picker's token, only for the teacher who made it and only while it lasts. */
  async function pendingDeepLink(actor: Actor, token: string) {
    const pending = await repo.deepLink(hashToken(token));
    if (!pending || pending.userId !== actor.id || pending.expiresAt <= clock.now())
      throw new NotFound(PICK_AGAIN);
    return pending;
  }

  /** The picker: the sections and modules of the pack the course's cohort sees. */
  async function deepLinkPicker(actor: Actor, token: string) {
    const pending = await pendingDeepLink(actor, token);
    const pack = await packOf(pending.cohortId);
    return {
      multiple: pending.acceptMultiple,
      sections: pack.sections
        .map((section) => ({
          id: section.id,
          title: section.title,
          modules: section.modules.map((m) => ({
            id: m.id,
            title: m.title,
            summary: m.summary,
            minutes: m.minutes,
          })),
        }))
        .filter((section) => section.modules.length > 0),
    };
  }

  /**
   * The teacher's choice, as the signed LtiDeepLinkingResponse the browser posts to the platform's return URL: one
   * resource link per module, whose url names the module, with a gradebook column (every Packway module completes).
   */
  async function deepLinkAnswer(
    actor: Actor,
    token: string,
    moduleIds: string[],
  ): Promise<{ returnUrl: string; jwt: string; count: number }> {
    const pending = await pendingDeepLink(actor, token);
    const pack = await packOf(pending.cohortId);
    const unknown = moduleIds.filter((id) => !pack.modules.has(id));
    if (unknown.length) throw new Invalid([{ field: 'modules', message: 'Choose modules from the list' }]);
    if (!pending.acceptMultiple && moduleIds.length > 1)
      throw new Invalid([
        { field: 'modules', message: 'Your learning platform takes one module at a time: choose one' },
      ]);
    const taken = await uow.run(() => repo.takeDeepLink(pending.idHash));
    const platform = taken && (await repo.platform(taken.platformId));
    if (!taken || !platform) throw new NotFound(PICK_AGAIN);
    const key = await currentKey();
    const now = Math.floor(clock.now() / 1000);
    const items = [...new Set(moduleIds)].map((id) => {
      const mod = pack.modules.get(id)!;
      return {
        type: 'ltiResourceLink',
        title: mod.title,
        text: mod.summary,
        url: new URL(`/modules/${encodeURIComponent(id)}`, publicUrl).href,
        custom: { module: id },
        lineItem: { scoreMaximum: 1, label: mod.title, resourceId: id },
      };
    });
    const jwt = await tokens.signWithToolKey(
      {
        iss: platform.clientId,
        aud: platform.issuer,
        iat: now,
        exp: now + 600,
        nonce: newToken(16).token,
        [`${LTI_CLAIM}message_type`]: 'LtiDeepLinkingResponse',
        [`${LTI_CLAIM}version`]: '1.3.0',
        [`${LTI_CLAIM}deployment_id`]: taken.deploymentId,
        'https://purl.imsglobal.org/spec/lti-dl/claim/content_items': items,
        ...(taken.data !== null ? { 'https://purl.imsglobal.org/spec/lti-dl/claim/data': taken.data } : {}),
      },
      key,
    );
    await audit.record({
      actorId: actor.id,
      actorEmail: actor.email,
      action: 'lti.deep-linked',
      target: taken.cohortId ? `cohort:${taken.cohortId}` : `user:${actor.id}`,
      detail: `${platform.name}: ${items.map((i) => i.custom.module).join(', ')}`.slice(0, 500),
      ip: actor.ip ?? null,
    });
    return { returnUrl: taken.returnUrl, jwt, count: items.length };
  }

  /**
   * The person a framed page's "Open in a new window" link signs in, when the link holds for one of their live framed
   * sessions (`holds` checks its signature against a session's id hash).
   */
  async function openWindow(
    userId: number,
    holds: (idHash: string) => boolean,
  ): Promise<SignedInUser | undefined> {
    const sessions = await repo.framedSessions(userId);
    if (!sessions.some(holds)) return undefined;
    const user = await users.byId(userId);
    if (!user || user.disabled) return undefined;
    return { id: user.id, email: user.email, name: user.name, role: user.role };
  }

  /** Forgets launches that were never finished; returns how many. */
  async function sweep(now = clock.now()): Promise<number> {
    return (await repo.deleteExpiredLaunches(now)) + (await repo.deleteExpiredDeepLinks(now));
  }

  return {
    platforms,
    register,
    remove,
    jwks,
    keys,
    rotateKey,
    begin,
    finish,
    platformRefused,
    deepLinkPicker,
    deepLinkAnswer,
    openWindow,
    sweep,
    launchUrl,
  };
}

export type LtiService = ReturnType<typeof createLtiService>;
