import { z } from 'zod';

/** A badge's id: the random UUID in its public address. */
export const badgeIdSchema = z
  .uuid()
  .describe('The badge’s id (a UUID, the last part of its public address)');

export const revokeSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(1, 'Say why the badge is revoked')
    .max(500, 'Keep the reason to 500 characters')
    .describe('Why the badge is revoked (kept in the audit log)'),
});

export const issueSchema = z.object({
  userId: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('One learner, issued now; without it, every learner, in the background'),
});

/** The check page's form: pasted text (an uploaded file comes as `file`). */
export const checkSchema = z.object({
  credential: z
    .string()
    .max(512 * 1024)
    .optional()
    .default(''),
});

export const settingsSchema = z.object({
  showEmail: z.enum(['yes', 'no']),
});
