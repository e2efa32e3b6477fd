/**
 * The documents Packway signs, built from plain data (nothing here reads the database or the clock): the Open Badges
 * 3.0 AchievementCredential of a learning area, the Bitstring Status List credential, and the issuer's Profile.
 * Shapes follow the OB 3.0 specification and its JSON Schema (`type`, `@context` and `proof` are arrays).
 */
import { createHash } from 'node:crypto';
import { longDate } from '../shared/dates';
import type { JsonObject } from './badges.ports';
import { encodeStatusList, STATUS_LIST_SIZE } from './status-list';

export const OB_CONTEXTS = [
  'https://www.w3.org/ns/credentials/v2',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
];

/** Where the issuer's documents live, all under PUBLIC_URL. */
export function issuerUrls(publicUrl: string) {
  const issuer = `${publicUrl}/badges/issuer`;
  return {
    issuer,
    key: (keyId: number) => `${issuer}/keys/${keyId}`,
    statusList: `${publicUrl}/badges/status/1`,
    badge: (badgeId: string) => `${publicUrl}/badges/${badgeId}`,
  };
}

export interface IssuerInfo {
  id: string;
  name: string;
  url: string;
}

/** The issuer as every credential names it (an OB 3.0 Profile). */
export const issuerProfile = (issuer: IssuerInfo): JsonObject => ({
  id: issuer.id,
  type: ['Profile'],
  name: issuer.name,
  url: issuer.url,
});

export interface BadgeOutcome {
  id: string;
  text: string;
  standard: string | null;
  confirmedAt: Date;
  confirmedBy: string;
}

export interface BadgeFacts {
  badgeId: string;
  issuer: IssuerInfo;
  packId: string;
  packTitle: string;
  packVersion: string;
  area: { id: string; short: string; title: string };
  outcomes: BadgeOutcome[];
  /** The learner's email address: hashed with `salt` unless `showEmail`. */
  email: string;
  showEmail: boolean;
  salt: string;
  validFrom: Date;
  statusIndex: number;
  statusListUrl: string;
  credentialUrl: string;
  image: string;
}

/** Seconds, not milliseconds: the XML Schema dateTimeStamp the specifications show. */
export const xsdDateTime = (at: Date) => `${at.toISOString().slice(0, 19)}Z`;

/** OB 3.0's hashed identity: `sha256$` and the hex SHA-256 of the address followed by the salt. */
export const identityHash = (email: string, salt: string) =>
  `sha256$${createHash('sha256')
    .update(email + salt)
    .digest('hex')}`;

/**
 * A stable identifier for an area of a pack at a version (a name-based UUID over SHA-256, RFC 9562 version 8): the
 * same achievement in every badge issued for it, a different one when the pack's version changes what it means.
 */
export function achievementId(issuerId: string, packId: string, areaId: string, version: string): string {
  const hex = createHash('sha256').update(`${issuerId}\n${packId}\n${areaId}\n${version}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const outcomeLine = (o: BadgeOutcome) =>
  `- ${o.id}: ${o.text}${o.standard ? `\n  Standard of evidence: ${o.standard}` : ''}`;

function criteriaNarrative(facts: BadgeFacts): string {
  return [
    `Every outcome of the learning area "${facts.area.title}" confirmed against its standard of evidence:`,
    ...facts.outcomes.map(outcomeLine),
  ].join('\n');
}

function evidenceOf(o: BadgeOutcome): JsonObject {
  const who = o.confirmedBy
    ? `Evidence reviewed and confirmed by ${o.confirmedBy}`
    : 'Evidence reviewed and confirmed';
  return {
    type: ['Evidence'],
    name: `${o.id}: ${o.text}`,
    narrative: `${who} on ${longDate(o.confirmedAt)}.`,
  };
}

function achievementOf(facts: BadgeFacts): JsonObject {
  return {
    id: achievementId(facts.issuer.id, facts.packId, facts.area.id, facts.packVersion),
    type: ['Achievement'],
    achievementType: 'Competency',
    name: facts.area.title,
    description:
      `The learning area "${facts.area.title}" (${facts.area.short}) of ${facts.packTitle}: ` +
      `${facts.outcomes.length} outcomes, each evidenced by the learner and confirmed.`,
    criteria: { narrative: criteriaNarrative(facts) },
    image: { id: facts.image, type: 'Image', caption: `${facts.area.title} badge` },
    humanCode: facts.area.id,
    version: facts.packVersion,
    inLanguage: 'en-GB',
    creator: issuerProfile(facts.issuer),
  };
}

function identifierOf(facts: BadgeFacts): JsonObject {
  return facts.showEmail
    ? { type: 'IdentityObject', identityHash: facts.email, identityType: 'emailAddress', hashed: false }
    : {
        type: 'IdentityObject',
        identityHash: identityHash(facts.email, facts.salt),
        identityType: 'emailAddress',
        hashed: true,
        salt: facts.salt,
      };
}

/** The unsigned AchievementCredential of one learner's learning area. */
export function achievementCredential(facts: BadgeFacts): JsonObject {
  return {
    '@context': [...OB_CONTEXTS],
    id: facts.credentialUrl,
    type: ['VerifiableCredential', 'AchievementCredential'],
    name: `${facts.area.title} (${facts.packTitle})`,
    description: `Issued by ${facts.issuer.name} when every outcome of the learning area was confirmed.`,
    issuer: issuerProfile(facts.issuer),
    validFrom: xsdDateTime(facts.validFrom),
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [identifierOf(facts)],
      achievement: achievementOf(facts),
    },
    evidence: facts.outcomes.map(evidenceOf),
    credentialStatus: {
      id: `${facts.statusListUrl}#${facts.statusIndex}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(facts.statusIndex),
      statusListCredential: facts.statusListUrl,
    },
  };
}

/** The unsigned Bitstring Status List credential: a set bit is a revoked badge. */
export function statusListCredential(
  issuer: IssuerInfo,
  url: string,
  revoked: Iterable<number>,
  validFrom: Date,
): JsonObject {
  return {
    '@context': [OB_CONTEXTS[0]],
    id: url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: issuer.id,
    validFrom: xsdDateTime(validFrom),
    credentialSubject: {
      id: `${url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      encodedList: encodeStatusList(revoked, STATUS_LIST_SIZE),
    },
  };
}
