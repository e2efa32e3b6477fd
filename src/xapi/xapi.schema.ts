import { z } from 'zod';
import { isoDayOf } from '../shared/dates';

/** `GET /api/v1/events`: which statements, from where, how many. */
export const eventsQuerySchema = z.object({
  since: z
    .string()
    .datetime({ offset: true, message: 'since must be an ISO 8601 date-time' })
    .refine((v) => isoDayOf(v) !== null, 'since must be a real date-time')
    .optional(),
  cohort: z.coerce.number().int().positive().optional(),
  learner: z.coerce.number().int().positive().optional(),
  after: z.coerce.number().int().min(0).optional().default(0),
  limit: z.coerce.number().int().min(1).max(1000).optional().default(200),
});
export type EventsQuery = z.infer<typeof eventsQuerySchema>;
