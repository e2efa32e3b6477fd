import { z } from 'zod';
import type { BadgeView, Verification } from './badges.service';

const credentialSchema = z
  .record(z.string(), z.unknown())
  .describe('The signed Open Badges 3.0 AchievementCredential, exactly as issued');

export const badgeJsonSchema = z.object({
  id: z.string(),
  areaId: z.string(),
  areaTitle: z.string(),
  issuedAt: z.string().describe('ISO 8601'),
  revokedAt: z.string().nullable(),
  url: z.string().describe('The badge’s public verification page'),
  credential: credentialSchema,
});

/** `GET /me/badges`: each badge with its credential, and OB 3.0's getCredentials shape (`credential`). */
export const myBadgesSchema = z.object({
  badges: z.array(badgeJsonSchema),
  credential: z.array(credentialSchema).describe('The credentials alone, as OB 3.0’s getCredentials answers'),
});

export const issuedSchema = z.object({ issued: z.array(badgeJsonSchema) });
export const queuedSchema = z.object({
  queued: z.number().int().describe('Learners whose badges are being issued'),
});

export const verificationSchema = z.object({
  verified: z.boolean(),
  problem: z
    .enum([
      'not_json',
      'not_credential',
      'other_issuer',
      'broken_proof',
      'tampered',
      'revoked',
      'not_yet_valid',
    ])
    .nullable(),
  message: z.string(),
});

export const badgeJson = (b: BadgeView, url: string): z.infer<typeof badgeJsonSchema> => ({
  id: b.id,
  areaId: b.areaId,
  areaTitle: b.areaTitle,
  issuedAt: b.issuedAt.toISOString(),
  revokedAt: b.revokedAt?.toISOString() ?? null,
  url,
  credential: b.credential,
});

export const verificationJson = (v: Verification): z.infer<typeof verificationSchema> => ({
  verified: v.verified,
  problem: v.problem,
  message: v.message,
});

/** LinkedIn's "add a certification" address, with the certification's fields filled in. */
export function linkedInUrl(b: BadgeView, organisation: string, url: string): string {
  const params = new URLSearchParams({
    startTask: 'CERTIFICATION_NAME',
    name: b.areaTitle,
    organizationName: organisation,
    issueYear: String(b.issuedAt.getUTCFullYear()),
    issueMonth: String(b.issuedAt.getUTCMonth() + 1),
    certUrl: url,
    certId: b.id,
  });
  return `https://www.linkedin.com/profile/add?${params.toString()}`;
}
