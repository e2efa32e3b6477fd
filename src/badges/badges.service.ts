import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { AuditRepo } from '../audit/audit.repo';
import type { Pack } from '../content/types';
import type { UnitOfWork } from '../db/ports';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { longDate } from '../shared/dates';
import { Conflict, Forbidden, Invalid, NotFound } from '../shared/errors';
import type { JobsRepo } from '../jobs/jobs.repo';
import type { UserRecord } from '../users/users.repo';
import type { AreaEvidence, CredentialSigner, JsonObject, SigningKey, TrustedIssuer } from './badges.ports';
import type { BadgeRecord, BadgesRepo, IssuerKey } from './badges.repo';
import {
  achievementCredential,
  issuerProfile,
  issuerUrls,
  OB_CONTEXTS,
  statusListCredential,
  type IssuerInfo,
} from './credential';
import { STATUS_LIST_SIZE, statusBit } from './status-list';
import { badgeSvg, bakeSvg, svgDataUri, svgOfDataUri, unbakeSvg } from './svg';

export interface BadgesDeps {
  uow: UnitOfWork;
  repo: BadgesRepo;
  audit: AuditRepo;
  signer: CredentialSigner;
  evidence: AreaEvidence;
  clock: Clock;
  jobs: Pick<JobsRepo, 'enqueue'>;
  /** Tells the learner of their new badge (a message queued in the badge's own unit of work). */
  tell: (learner: UserRecord, badge: { area: string; url: string }) => Promise<void>;
  /** A person's account (the learner a badge is for). */
  user: (id: number) => Promise<UserRecord | undefined>;
  /** The pack a learner sees (their latest cohort's variant, or the built-in pack). */
  learnerPack: (learner: UserRecord) => Promise<Pack>;
  publicUrl: string;
  organisationName: string;
}

/** Why a credential does not verify, in the words the check page uses. */
export type VerifyProblem =
  'not_json' | 'not_credential' | 'other_issuer' | 'broken_proof' | 'tampered' | 'revoked' | 'not_yet_valid';

export interface Verification {
  verified: boolean;
  problem: VerifyProblem | null;
  /** One plain sentence: what the check found. */
  message: string;
  /** The library's or the parser's own words, for whoever wants the detail. */
  detail: string | null;
  /** What the badge says it is, when it could be read. */
  summary: { name: string; achievement: string; issuedOn: string; issuer: string } | null;
}

/** A badge as its learner and its public page see it. */
export interface BadgeView {
  id: string;
  areaId: string;
  areaTitle: string;
  issuedAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
  credential: JsonObject;
}

const ISSUE_ATTEMPTS = 8;
/** The job that issues a badge after an area is confirmed. */
export const ISSUE_JOB = 'badge.issue';

/** A badge.issue job: one area of a learner (after a confirmation), or all their areas (an admin's "issue now"). */
interface IssueJob {
  learnerId: number;
  areaId?: string;
  by?: Actor;
}
const MAX_REASON = 500;

const viewOf = (b: BadgeRecord): BadgeView => ({
  id: b.id,
  areaId: b.areaId,
  areaTitle: b.areaTitle,
  issuedAt: b.issuedAt,
  revokedAt: b.revokedAt,
  revokedReason: b.revokedReason,
  credential: JSON.parse(b.credential) as JsonObject,
});

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Open Badges 3.0 credentials: one per learning area a learner has had every outcome confirmed in, signed by
 * Packway's issuer key; their revocation list; and checking a credential anyone brings.
 */
export function createBadgesService(deps: BadgesDeps) {
  const { uow, repo, audit, signer, evidence, clock } = deps;
  const urls = issuerUrls(deps.publicUrl);
  const issuer: IssuerInfo = {
    id: urls.issuer,
    name: deps.organisationName || 'Packway',
    url: deps.publicUrl,
  };

  /** The signed status list as last signed by this instance, with what it was signed for. */
  let statusCache: { stamp: string; credential: JsonObject } | undefined;

  /** The key that signs, made on first use; two instances racing keep whichever was stored first. */
  async function signingKey(): Promise<SigningKey & { keyId: number }> {
    let current = (await repo.keys()).find((k) => k.signing);
    if (!current) {
      const made = await signer.generateKey();
      await uow.run(() => repo.addSigningKey(made.publicKeyMultibase, made.secretKeyMultibase, clock.now()));
      current = (await repo.keys()).find((k) => k.signing)!;
    }
    return { ...keyOf(current), secretKeyMultibase: current.secretKeyMultibase, keyId: current.id };
  }

  const keyOf = (k: IssuerKey) => ({
    id: urls.key(k.id),
    controller: urls.issuer,
    publicKeyMultibase: k.publicKeyMultibase,
  });

  /**
   * Retires the signing key and makes a new one (`npm run badges:rotate-key`). Badges signed with the old key still
   * verify: it stays published, it only signs no more. Audited. Answers the new key's address.
   */
  async function rotateKey(): Promise<string> {
    const made = await signer.generateKey();
    await uow.run(async () => {
      await repo.retireSigningKey(clock.now());
      await repo.addSigningKey(made.publicKeyMultibase, made.secretKeyMultibase, clock.now());
      await audit.record({ action: 'badge.rotate_key', detail: `new public key ${made.publicKeyMultibase}` });
    });
    statusCache = undefined;
    return (await signingKey()).id;
  }

  async function trusted(): Promise<TrustedIssuer> {
    return { id: urls.issuer, keys: (await repo.keys()).map(keyOf) };
  }

  /** The issuer's Profile, with the public keys it signs with (the signing one first). */
  async function profile(): Promise<JsonObject> {
    await signingKey();
    const keys = (await repo.keys()).map((k) => ({
      id: urls.key(k.id),
      type: 'Multikey',
      controller: urls.issuer,
      publicKeyMultibase: k.publicKeyMultibase,
    }));
    return {
      '@context': [...OB_CONTEXTS, 'https://w3id.org/security/multikey/v1'],
      ...issuerProfile(issuer),
      description: `Issues Open Badges 3.0 credentials for learning areas completed in Packway at ${deps.publicUrl}.`,
      verificationMethod: keys,
      assertionMethod: keys.map((k) => k.id),
    };
  }

  /** One public key's document, or undefined for a key that does not exist. */
  async function publicKey(keyId: number): Promise<JsonObject | undefined> {
    const key = (await repo.keys()).find((k) => k.id === keyId);
    return key && { '@context': 'https://w3id.org/security/multikey/v1', type: 'Multikey', ...keyOf(key) };
  }

  /**
   * The signed status list. Its date is the latest revocation's (or the key's), and Ed25519 signatures are
   * deterministic, so every instance serves the same bytes for the same revocations; each signs once per change.
   */
  async function statusList(): Promise<JsonObject> {
    const key = await signingKey();
    const { indexes, latest } = await repo.revokedIndexes();
    const at = new Date(latest ?? (await repo.keys()).find((k) => k.signing)!.createdAt.getTime());
    const stamp = `${key.keyId}:${at.getTime()}:${indexes.length}`;
    if (statusCache?.stamp !== stamp) {
      const unsigned = statusListCredential(issuer, urls.statusList, indexes, at);
      statusCache = { stamp, credential: await signer.sign(unsigned, key, at) };
    }
    return statusCache.credential;
  }

  function areaOf(pack: Pack, areaId: string) {
    const area = pack.areas.find((a) => a.id === areaId);
    if (!area) throw new NotFound('No learning area with that id in the learner’s pack');
    return area;
  }

  async function signBadge(
    learner: UserRecord,
    pack: Pack,
    area: Pack['areas'][number],
    confirmed: NonNullable<Awaited<ReturnType<AreaEvidence['confirmedArea']>>>,
    badgeId: string,
    statusIndex: number,
  ): Promise<JsonObject> {
    const key = await signingKey();
    const when = new Date(clock.now());
    const byId = new Map(confirmed.map((c) => [c.outcomeId, c]));
    const unsigned = achievementCredential({
      badgeId,
      issuer,
      packId: pack.id,
      packTitle: pack.title,
      packVersion: pack.version,
      area,
      outcomes: area.outcomes.map((o) => ({
        id: o.id,
        text: o.text,
        standard: o.standard,
        confirmedAt: byId.get(o.id)!.confirmedAt,
        confirmedBy: byId.get(o.id)!.confirmedBy,
      })),
      email: learner.email,
      showEmail: await repo.showsEmail(learner.id),
      salt: randomBytes(16).toString('hex'),
      validFrom: when,
      statusIndex,
      statusListUrl: urls.statusList,
      credentialUrl: urls.badge(badgeId),
      image: svgDataUri(badgeSvg(area, issuer.name)),
    });
    return signer.sign(unsigned, key, when);
  }

  /**
   * Issues the badge of a learner's area if every outcome of it is confirmed and this confirmation has none yet.
   * A confirmation after a change (the area confirmed again) issues a new badge; an issued one is never altered.
   */
  async function issueIfConfirmed(
    learnerId: number,
    areaId: string,
    by: Actor | null,
  ): Promise<{ badge: BadgeView | null; issued: boolean }> {
    const learner = await deps.user(learnerId);
    if (!learner || learner.role !== 'learner') throw new NotFound('No learner with that id');
    const pack = await deps.learnerPack(learner);
    const area = areaOf(pack, areaId);
    const confirmed = await evidence.confirmedArea(learnerId, pack, areaId);
    if (!confirmed) return { badge: null, issued: false };
    const basis = new Date(Math.max(...confirmed.map((c) => c.confirmedAt.getTime()))).toISOString();
    const existing = await repo.forBasis(learnerId, areaId, basis);
    if (existing) return { badge: viewOf(existing), issued: false };
    for (let attempt = 0; attempt < ISSUE_ATTEMPTS; attempt++) {
      const id = randomUUID();
      const statusIndex = randomInt(STATUS_LIST_SIZE);
      const credential = await signBadge(learner, pack, area, confirmed, id, statusIndex);
      const outcome = await uow.run(async () => {
        const stored = await repo.insert({
          id,
          userId: learnerId,
          areaId,
          areaTitle: area.title,
          basis,
          statusIndex,
          credential: JSON.stringify(credential),
          issuedAt: clock.now(),
          issuedBy: by?.id ?? null,
        });
        if (stored !== 'inserted') return stored;
        // a disabled account cannot sign in to see it: no message
        if (!learner.disabled) await deps.tell(learner, { area: area.title, url: urls.badge(id) });
        await audit.record({
          actorId: by?.id ?? null,
          actorEmail: by?.email ?? null,
          action: 'badge.issue',
          target: `user:${learnerId}`,
          detail: `${area.id} ${area.title} (badge ${id})`,
          ip: by?.ip ?? null,
        });
        return stored;
      });
      if (outcome === 'inserted') return { badge: viewOf((await repo.get(id))!), issued: true };
      if (outcome === 'same_basis')
        return { badge: viewOf((await repo.forBasis(learnerId, areaId, basis))!), issued: false };
      // another badge took the random status index a moment earlier: draw again
    }
    throw new Conflict('Could not find a free place in the revocation list. Try again.');
  }

  /**
   * Told by the evidence review, inside its transaction, when a learner's area becomes confirmed (or stops being):
   * signing waits for a job, so the decision's transaction holds database work only. An area that stops being
   * confirmed changes no issued badge; confirmed again, it gets a new one.
   */
  async function areaChanged(change: {
    learnerId: number;
    areaId: string;
    confirmed: boolean;
  }): Promise<void> {
    if (!change.confirmed) return;
    await deps.jobs.enqueue(
      {
        kind: ISSUE_JOB,
        uniqueKey: `badge:${change.learnerId}:${change.areaId}`,
        payload: JSON.stringify({ learnerId: change.learnerId, areaId: change.areaId } satisfies IssueJob),
        runAt: clock.now(),
      },
      clock.now(),
    );
  }

  /** The job: issues the badge if the area is still confirmed (a learner may have changed evidence since). */
  async function runIssueJob(payload: string): Promise<void> {
    const { learnerId, areaId, by } = JSON.parse(payload) as IssueJob;
    try {
      if (areaId === undefined) await issueForLearner(learnerId, by ?? null);
      else await issueIfConfirmed(learnerId, areaId, by ?? null);
    } catch (error) {
      // a learner erased or an area gone from their pack since: nothing to issue, nothing to retry
      if (!(error instanceof NotFound)) throw error;
    }
  }

  /** Every area of a learner's pack with every outcome confirmed: issues what is not issued yet. */
  async function issueForLearner(learnerId: number, by: Actor | null): Promise<BadgeView[]> {
    const learner = await deps.user(learnerId);
    if (!learner || learner.role !== 'learner') throw new NotFound('No learner with that id');
    const pack = await deps.learnerPack(learner);
    const issued: BadgeView[] = [];
    for (const area of pack.areas) {
      const result = await issueIfConfirmed(learnerId, area.id, by);
      if (result.issued && result.badge) issued.push(result.badge);
    }
    return issued;
  }

  /** An administrator's "issue now": for people who completed areas before badges existed (or one person). */
  async function issueOnDemand(admin: Actor, learnerId: number): Promise<BadgeView[]> {
    if (admin.role !== 'admin') throw new Forbidden('Only administrators issue badges on demand');
    return issueForLearner(learnerId, admin);
  }

  /**
   * "Issue now" for everyone: one background job per learner (an organisation's whole history may be thousands of
   * badges, each signed), audited once. Answers how many learners were queued; each is told of each new badge.
   */
  async function issueForEveryone(admin: Actor): Promise<number> {
    if (admin.role !== 'admin') throw new Forbidden('Only administrators issue badges on demand');
    const learners = await repo.learnerIds();
    const by = { id: admin.id, email: admin.email, name: admin.name, role: admin.role };
    await uow.run(async () => {
      for (const learnerId of learners)
        await deps.jobs.enqueue(
          {
            kind: ISSUE_JOB,
            uniqueKey: `badge:${learnerId}:*`,
            payload: JSON.stringify({ learnerId, by } satisfies IssueJob),
            runAt: clock.now(),
          },
          clock.now(),
        );
      await audit.record({
        actorId: admin.id,
        actorEmail: admin.email,
        action: 'badge.issue_all',
        detail: `queued for ${learners.length} learners`,
        ip: admin.ip ?? null,
      });
    });
    return learners.length;
  }

  async function mine(actor: Actor): Promise<BadgeView[]> {
    return (await repo.forUser(actor.id)).map(viewOf);
  }

  /** One of the person's own badges (anyone else's is "not found", so badge ids cannot be probed). */
  async function own(actor: Actor, id: string): Promise<BadgeView> {
    const badge = await repo.get(id);
    if (!badge || badge.userId !== actor.id) throw new NotFound('You have no badge with that id');
    return viewOf(badge);
  }

  async function revoke(admin: Actor, id: string, reason: string): Promise<BadgeView> {
    if (admin.role !== 'admin') throw new Forbidden('Only administrators revoke badges');
    const why = reason.trim();
    if (!why || why.length > MAX_REASON)
      throw new Invalid([
        { field: 'reason', message: `Say why the badge is revoked (up to ${MAX_REASON} characters)` },
      ]);
    await uow.run(async () => {
      const badge = await repo.get(id);
      if (!badge) throw new NotFound('No badge with that id');
      if (!(await repo.revoke(id, admin.id, why, clock.now())))
        throw new Conflict('This badge is already revoked');
      await audit.record({
        actorId: admin.id,
        actorEmail: admin.email,
        action: 'badge.revoke',
        target: `user:${badge.userId}`,
        detail: `${badge.areaId} ${badge.areaTitle} (badge ${id}): ${why}`,
        ip: admin.ip ?? null,
      });
    });
    return viewOf((await repo.get(id))!);
  }

  const summaryOf = (doc: JsonObject): Verification['summary'] => {
    const subject = isObject(doc.credentialSubject) ? doc.credentialSubject : {};
    const achievement = isObject(subject.achievement) ? subject.achievement : {};
    const issuerOf = isObject(doc.issuer) ? doc.issuer : {};
    return {
      name: typeof doc.name === 'string' ? doc.name : '',
      achievement: typeof achievement.name === 'string' ? achievement.name : '',
      issuedOn: typeof doc.validFrom === 'string' ? longDate(doc.validFrom) : '',
      issuer: typeof issuerOf.name === 'string' ? issuerOf.name : String(doc.issuer ?? ''),
    };
  };

  const fail = (problem: VerifyProblem, message: string, detail: string | null = null, doc?: JsonObject) =>
    ({
      verified: false,
      problem,
      message,
      detail,
      summary: doc ? summaryOf(doc) : null,
    }) satisfies Verification;

  /** Whether the status list has the credential's bit set (the list is read from the database, never fetched). */
  async function revokedBit(doc: JsonObject): Promise<boolean | null> {
    const status = doc.credentialStatus;
    if (!isObject(status) || status.statusListCredential !== urls.statusList) return null;
    const index = Number(status.statusListIndex);
    const list = await statusList();
    const encoded = (list.credentialSubject as JsonObject).encodedList as string;
    return statusBit(encoded, index);
  }

  /** Checks a credential as a whole: ours, unchanged, properly signed, not revoked. */
  async function verifyDocument(doc: JsonObject): Promise<Verification> {
    const types = Array.isArray(doc.type) ? doc.type : [doc.type];
    const isBadge =
      Array.isArray(doc['@context']) &&
      types.includes('VerifiableCredential') &&
      (types.includes('AchievementCredential') || types.includes('OpenBadgeCredential'));
    if (!isBadge) return fail('not_credential', 'This is not a badge: it is not an Open Badges credential.');
    const issuerId = isObject(doc.issuer) ? doc.issuer.id : doc.issuer;
    if (issuerId !== urls.issuer)
      return fail(
        'other_issuer',
        `This badge was not issued by ${issuer.name} through this site, so this page cannot vouch for it. ` +
          'Check it with the service that issued it.',
        `issuer: ${String(issuerId)}`,
        doc,
      );
    const proof = await signer.verify(doc, await trusted(), new Date(clock.now()));
    if (!proof.ok) {
      if (proof.problem === 'unknown_key')
        return fail('other_issuer', `This badge was not signed by ${issuer.name}’s key.`, proof.detail, doc);
      if (proof.problem === 'broken_proof')
        return fail(
          'broken_proof',
          'This badge’s signature is missing or damaged, so it cannot be trusted.',
          proof.detail,
          doc,
        );
      return fail(
        'tampered',
        'This badge has been changed since it was issued: its signature no longer matches what it says.',
        proof.detail,
        doc,
      );
    }
    const revoked = await revokedBit(doc);
    if (revoked === null)
      return fail('tampered', 'This badge’s revocation entry cannot be read.', 'credentialStatus', doc);
    if (revoked) {
      const index = Number((doc.credentialStatus as JsonObject).statusListIndex);
      return fail(
        'revoked',
        `${issuer.name} has revoked this badge: it no longer counts.`,
        `status index ${index}`,
        doc,
      );
    }
    if (typeof doc.validFrom === 'string' && Date.parse(doc.validFrom) > clock.now())
      return fail('not_yet_valid', 'This badge is not valid yet.', `validFrom ${doc.validFrom}`, doc);
    return {
      verified: true,
      problem: null,
      message: `This badge is genuine: ${issuer.name} issued it, it is unchanged and it has not been revoked.`,
      detail: null,
      summary: summaryOf(doc),
    };
  }

  /** Checks what someone pasted or uploaded: a credential's JSON, or an SVG with one baked in. */
  async function check(text: string): Promise<Verification> {
    const trimmed = text.trim();
    let json = trimmed;
    if (trimmed.startsWith('<')) {
      const baked = unbakeSvg(trimmed);
      if (baked === null)
        return fail('not_credential', 'This is not a badge: the file is not an image with a badge baked in.');
      json = baked;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      return fail(
        'not_json',
        'This is not a badge: it is not JSON, the format badges are written in.',
        String(error),
      );
    }
    if (!isObject(parsed))
      return fail('not_credential', 'This is not a badge: it is not an Open Badges credential.');
    return verifyDocument(parsed);
  }

  /** A badge's public page: what it is and whether it verifies now. */
  async function publicBadge(id: string): Promise<{ badge: BadgeView; verification: Verification }> {
    const badge = await repo.get(id);
    if (!badge) throw new NotFound('No badge with that address');
    const view = viewOf(badge);
    return { badge: view, verification: await verifyDocument(view.credential) };
  }

  /** The badge image with its credential baked in. */
  function bakedSvg(badge: BadgeView): string {
    const achievement = (badge.credential.credentialSubject as JsonObject).achievement as JsonObject;
    const image =
      isObject(achievement.image) && typeof achievement.image.id === 'string' ? achievement.image.id : '';
    const svg = svgOfDataUri(image) ?? badgeSvg({ short: badge.areaId, title: badge.areaTitle }, issuer.name);
    return bakeSvg(svg, JSON.stringify(badge.credential));
  }

  async function setShowEmail(actor: Actor, show: boolean): Promise<void> {
    await uow.run(() => repo.setShowEmail(actor.id, show, clock.now()));
  }

  return {
    issuer,
    urls,
    profile,
    publicKey,
    rotateKey,
    statusList,
    issueIfConfirmed,
    issueForLearner,
    areaChanged,
    runIssueJob,
    issueOnDemand,
    issueForEveryone,
    mine,
    own,
    revoke,
    check,
    verifyDocument,
    publicBadge,
    bakedSvg,
    showsEmail: (actor: Actor) => repo.showsEmail(actor.id),
    setShowEmail,
  };
}

export type BadgesService = ReturnType<typeof createBadgesService>;
