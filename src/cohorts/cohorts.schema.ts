import { dayFromParts, isoDayOf } from '../shared/dates';
import { z } from 'zod';

export const cohortSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter a name for the cohort')
    .max(120, 'Name must be 120 characters or fewer'),
  description: z
    .string()
    .trim()
    .max(1000, 'Description must be 1,000 characters or fewer')
    .optional()
    .default(''),
  variantId: z
    .union([z.coerce.number().int().positive(), z.literal(''), z.null()])
    .optional()
    .transform((v) => (typeof v === 'number' ? v : null)),
});

const emailList = z
  .array(z.string().trim().toLowerCase().email('Each entry must be an email address'))
  .min(1)
  .max(2000);
export const membersSchema = z.union(
  [
    z.object({ emails: emailList }),
    z.object({ userIds: z.array(z.number().int().positive()).min(1).max(2000) }),
  ],
  { message: 'Send {"emails": [...]} or {"userIds": [...]}' },
);

/** A due date: ISO 8601 (date or date-time) from the API, or the GOV.UK day / month / year fields from a page. */
export const assignmentSchema = z.object({
  moduleId: z.string().trim().min(1, 'Choose a module').max(100),
  dueAt: z
    .string()
    .trim()
    .min(1, 'Enter a due date')
    .transform((v, ctx) => {
      const day = isoDayOf(v);
      if (!day) {
        ctx.addIssue({ code: 'custom', message: 'Due date must be a real date, like 2027-03-27' });
        return z.NEVER;
      }
      return day;
    }),
});

/** A new due date for an assignment. */
export const dueDateSchema = assignmentSchema.pick({ dueAt: true });

/** A cohort's name and description (the details form). */
export const cohortDetailsSchema = cohortSchema.pick({ name: true, description: true });

/** Pinning a cohort to a variant version: anything but a number means the built-in pack. */
export const pinSchema = z.object({
  variantVersionId: z.unknown().transform((v) => (typeof v === 'number' ? v : null)),
});

/** The progress matrix may show one learning area (an unknown or malformed one shows them all). */
export const matrixQuerySchema = z.object({
  area: z.string().optional().catch(undefined),
});

export type CohortInput = z.output<typeof cohortSchema>;
export type CohortDetails = z.output<typeof cohortDetailsSchema>;
export type MembersInput = z.output<typeof membersSchema>;
export type AssignmentInput = z.output<typeof assignmentSchema>;

export const dateFromParts = dayFromParts;

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
