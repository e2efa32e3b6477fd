import { z } from 'zod';
import { emailSchema } from '../users/users.schema';

/** The kinds a person may turn off at /account/notifications (each carries List-Unsubscribe). */
export const OPTIONAL_KINDS = ['assignment', 'reminder', 'digest', 'self_assessment', 'review'] as const;

export const forgotSchema = z.object({ email: emailSchema });

/** The notifications form: the optional kinds left ticked (a lone tick arrives as a string). */
export const choicesSchema = z.object({
  kinds: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.enum(OPTIONAL_KINDS)).max(OPTIONAL_KINDS.length),
  ),
});

export const messageListQuery = z.object({
  status: z.enum(['queued', 'sent', 'failed']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

/** A message of the outbox as the API answers it (never its body: that stays on the admin page). */
export const messageSchema = z
  .object({
    id: z.number().int(),
    messageId: z.string(),
    kind: z.string(),
    to: z.string(),
    subject: z.string(),
    status: z.enum(['queued', 'sent', 'failed']),
    transport: z.string().nullable(),
    attempts: z.number().int(),
    reason: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    failedAt: z.string().nullable(),
    bodyKept: z.boolean(),
  })
  .meta({ id: 'Message' });

export const messageListSchema = z.object({
  messages: z.array(messageSchema),
  total: z.number().int(),
  page: z.number().int(),
  transport: z.string(),
});
