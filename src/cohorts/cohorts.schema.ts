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
    .meta({
      description: 'The due day: an ISO 8601 date, or a date-time whose day is kept',
      anyOf: [
        { type: 'string', format: 'date' },
        { type: 'string', format: 'date-time' },
      ],
    })
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

/** Pinning a cohort to a variant version (the API): an integer id, or null for the built-in pack; nothing else. */
export const pinSchema = z.object({
  variantVersionId: z
    .number({
      error: 'Give variantVersionId as a published variant version’s id, or null for the built-in pack',
    })
    .int('Give variantVersionId as a whole number, or null for the built-in pack')
    .positive('Give variantVersionId as a published variant version’s id, or null for the built-in pack')
    .nullable()
    .meta({ description: 'A published variant version, or null for the built-in pack' }),
});

/**
 * The progress matrix may show one learning area (an unknown or malformed one shows them all), sorted by name or by
 * progress (`progress`: most achieved first; `least-progress`: fewest first), and only the learners with an overdue
 * module or who have never signed in.
 */
export const matrixQuerySchema = z.object({
  area: z.string().optional().catch(undefined),
  sort: z.enum(['name', 'progress', 'least-progress']).optional().default('name'),
  show: z.enum(['all', 'overdue', 'never-signed-in']).optional().default('all'),
});
export type MatrixQuery = z.output<typeof matrixQuerySchema>;

/** The list of cohorts: the active ones, or the archived ones. */
export const listQuerySchema = z.object({
  view: z.enum(['active', 'archived']).optional().default('active'),
});

/** The learners a trainer may pick from, by name or email. */
export const candidatesQuerySchema = z.object({
  q: z.string().trim().max(200, 'Search for 200 characters or fewer').optional().default(''),
});

/** Learners picked from the list (checkboxes named `userIds`). */
export const pickedSchema = z.object({
  userIds: z
    .preprocess(
      (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
      z.array(z.coerce.number().int().positive()).max(2000),
    )
    .refine((v) => v.length > 0, 'Select at least one learner'),
});

/** A whole number of days from a form field, with one plain-English message for whatever is wrong. */
const whole = (min: number, max: number, what: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const text = String(v).trim();
    const What = `${what[0].toUpperCase()}${what.slice(1)}`;
    const message = !text
      ? `Enter ${what}`
      : !/^[-+]?\d+$/.test(text)
        ? `${What} must be a whole number, like 7`
        : Number(text) < min || Number(text) > max
          ? `${What} must be between ${min} and ${max}`
          : '';
    if (message) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return Number(text);
  });

/** Several modules at once: the first due on `startOn`, each next one `everyDays` later (0: all on the same day). */
export const scheduleSchema = z.object({
  moduleIds: z
    .preprocess(
      (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
      z.array(z.string().trim().min(1).max(100)).max(500),
    )
    .refine((v) => v.length > 0, 'Select at least one module'),
  startOn: assignmentSchema.shape.dueAt,
  everyDays: whole(0, 365, 'the number of days between due dates'),
});
export type ScheduleInput = z.output<typeof scheduleSchema>;

/** Moving every due date of a cohort: later (positive) or earlier (negative). */
export const shiftSchema = z.object({
  days: whole(1, 365, 'the number of days'),
  direction: z.enum(['later', 'earlier'], { message: 'Choose whether to move the dates later or earlier' }),
});

/** A copy of a cohort: its name, and whether to bring the learners and the assignments. */
export const copySchema = z.object({
  name: cohortSchema.shape.name,
  include: z
    .preprocess(
      (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
      z.array(z.enum(['members', 'assignments'])),
    )
    .default([]),
});
export type CopyInput = z.output<typeof copySchema>;

export type CohortInput = z.output<typeof cohortSchema>;
export type CohortDetails = z.output<typeof cohortDetailsSchema>;
export type MembersInput = z.output<typeof membersSchema>;
export type AssignmentInput = z.output<typeof assignmentSchema>;

export const dateFromParts = dayFromParts;

// What the API answers (the presenters' return types are these, so the OpenAPI document and the code agree).

const day = z.iso.date();
const outcomeStatus = z.enum(['not_started', 'in_progress', 'awaiting_review', 'achieved']);
const assignmentStatus = z.enum(['not_started', 'in_progress', 'completed', 'overdue']);
const person = z.object({ id: z.number().int(), email: z.email(), name: z.string() });

/** A cohort: `variantVersionId` is the pinned variant version, or null for the built-in pack. */
export const cohortJsonSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    variantVersionId: z.number().int().nullable(),
  })
  .meta({ id: 'Cohort' });

/** `GET /api/v1/cohorts`: the cohorts the person runs (every cohort, for an admin). */
export const cohortListJsonSchema = z
  .object({
    cohorts: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        members: z.number().int(),
        variantVersionId: z.number().int().nullable(),
      }),
    ),
  })
  .meta({ id: 'CohortList' });

/** A module assigned to a cohort; `dueAt` is the due day. */
export const assignmentJsonSchema = z
  .object({
    id: z.number().int(),
    moduleId: z.string(),
    title: z.string(),
    dueAt: day,
  })
  .meta({ id: 'Assignment' });

/** `GET /api/v1/cohorts/:id`: the cohort with its trainers, members and assignments. */
export const cohortDetailJsonSchema = cohortJsonSchema
  .extend({
    trainers: z.array(person),
    members: z.array(person),
    assignments: z.array(assignmentJsonSchema),
  })
  .meta({ id: 'CohortDetail' });

/** `POST /api/v1/cohorts/:id/members`: how many were enrolled, and how many already were. */
export const enrolmentJsonSchema = z
  .object({
    added: z.number().int(),
    alreadyMembers: z.number().int(),
  })
  .meta({ id: 'Enrolment' });

/** `PUT /api/v1/cohorts/:id/variant`: the version the cohort now sees (null: the built-in pack). */
export const pinJsonSchema = z
  .object({ id: z.number().int(), variantVersionId: z.number().int().nullable() })
  .meta({ id: 'CohortPin' });

/** `GET /api/v1/cohorts/:id/progress`: learners × outcomes, and each learner's assigned modules. */
export const cohortProgressJsonSchema = z
  .object({
    cohort: z.object({ id: z.number().int(), name: z.string() }),
    outcomes: z.array(z.string()),
    modules: z.array(z.object({ id: z.string(), dueAt: day })),
    learners: z.array(
      person.extend({
        outcomes: z.record(z.string(), outcomeStatus),
        completedModules: z.array(z.string()),
        modules: z.record(z.string(), assignmentStatus),
      }),
    ),
  })
  .meta({ id: 'CohortProgress' });

/** `POST` and `PUT /api/v1/cohorts/:id/assignments…`: the assignment's id. */
export const assignmentIdJsonSchema = z.object({ id: z.number().int() }).meta({ id: 'AssignmentRef' });
