import { z } from 'zod';

const NAME_MESSAGE = 'Enter a name for the variant, like "Northshire Council"';

/** The text fields sent with an upload (the file itself comes through `receiveFile`). */
export const uploadFieldsSchema = z.object({
  name: z
    .string({ message: NAME_MESSAGE })
    .trim()
    .min(1, NAME_MESSAGE)
    .max(80, 'Name must be 80 characters or fewer'),
  section: z.string().trim().max(60).optional(),
});
export type UploadFields = z.infer<typeof uploadFieldsSchema>;

/** `?to=` on the pin page: the version to compare with (absent: choose one; 0 or not a number: the built-in pack). */
export const pinQuerySchema = z.object({
  to: z
    .unknown()
    .optional()
    .transform((raw) => (raw === undefined ? undefined : Number(raw) || null)),
});

/** The pin form: an empty `versionId` is the built-in pack. */
export const pinFormSchema = z.object({
  versionId: z
    .unknown()
    .optional()
    .transform((raw) => (raw === '' || raw === undefined ? null : Number(raw))),
});
