import { z } from 'zod';

/** The admin types the person's email address to confirm an erasure. */
export const eraseSchema = z.object({
  confirmEmail: z
    .string({ message: 'Type the email address of the person to confirm' })
    .trim()
    .min(1, 'Type the email address of the person to confirm'),
});
export type EraseInput = z.infer<typeof eraseSchema>;

// What the API answers (the presenters' return types are these, so the OpenAPI document and the code agree).

/** A table row as stored, column names and all. */
const rowSchema = z.record(z.string(), z.unknown());
const rows = z.array(rowSchema);

/** `GET /api/v1/users/:id/export`: everything held about the person, table by table (no password or token hashes). */
export const subjectExportJsonSchema = z
  .object({
    exportedAt: z.iso.datetime(),
    subject: z.object({ id: z.number().int() }),
    note: z.string(),
    record: z.object({
      account: rowSchema.optional(),
      sessions: rows,
      signInAddresses: rows,
      apiTokens: rows,
      singleSignOn: rows,
      learningPlatforms: rows,
      platformCoursesLeft: rows,
      deepLinkRequests: rows,
      passwordLinks: rows,
      cohortsAsLearner: rows,
      cohortsAsTrainer: rows,
      moduleProgress: rows,
      outcomeProgress: rows,
      outcomeHistory: rows,
      outcomeReviews: rows,
      reviewsDecided: rows,
      responses: rows,
      submissions: rows,
      actions: rows,
      events: rows,
      messages: rows,
      notificationOptOuts: rows,
      calendarFeed: rows,
      remindersSent: rows,
      badges: rows,
      badgeSettings: rows,
      auditEntries: rows,
      variantsCreated: rows,
      variantVersionsUploaded: rows,
    }),
  })
  .meta({ id: 'SubjectExport' });

/** `POST /api/v1/users/:id/erase`. */
export const erasedJsonSchema = z
  .object({ id: z.number().int(), erased: z.literal(true) })
  .meta({ id: 'Erased' });
