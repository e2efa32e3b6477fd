import { z } from 'zod';

/** The admin types the person's email address to confirm an erasure. */
export const eraseSchema = z.object({
  confirmEmail: z
    .string({ message: 'Type the email address of the person to confirm' })
    .trim()
    .min(1, 'Type the email address of the person to confirm'),
});
export type EraseInput = z.infer<typeof eraseSchema>;
