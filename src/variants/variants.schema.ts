import { z } from 'zod';

export const NAME_MESSAGE = 'Enter a name for the variant, like "Northshire Council"';

/**
 * The text fields sent with an upload (the file itself comes through `receiveFile`). Without a `name` (or with an
 * empty one) the variant is named after the uploaded file, without its extension.
 */
export const uploadFieldsSchema = z.object({
  name: z
    .string({ message: NAME_MESSAGE })
    .trim()
    .max(80, 'Name must be 80 characters or fewer')
    .optional()
    .describe('The variant to add a draft to; default: the file name without its extension'),
  section: z
    .string()
    .trim()
    .max(60)
    .optional()
    .describe(
      'For a single .md that adds a new module: the section folder it belongs to, like 06-case-studies',
    ),
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

// What the API answers (the presenters' return types are these, so the OpenAPI document and the code agree).

const versionStatus = z.enum(['draft', 'published']);

/** One version of a variant: a draft, or a published immutable version (`version` 1, 2 …). */
export const variantVersionJsonSchema = z
  .object({
    id: z.number().int(),
    variantId: z.number().int(),
    name: z.string(),
    status: versionStatus,
    version: z.number().int().nullable(),
    hash: z.string(),
    createdAt: z.iso.datetime(),
    publishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'VariantVersion' });

/** `GET /api/v1/variants`: every version of every variant. */
export const variantVersionListJsonSchema = z
  .object({ versions: z.array(variantVersionJsonSchema) })
  .meta({ id: 'VariantVersionList' });

/** `POST /api/v1/variants`: the draft the upload made (`id` is the variant's; `draftId` the version's). */
export const uploadJsonSchema = z
  .object({
    id: z.number().int(),
    variantId: z.number().int(),
    draftId: z.number().int(),
    name: z.string(),
    hash: z.string(),
    changes: z.array(
      z.object({ id: z.string(), title: z.string(), change: z.enum(['added', 'replaced', 'hidden']) }),
    ),
  })
  .meta({ id: 'VariantUpload' });

/** `POST /api/v1/variants/:id/publish`: the version published (`id` and `versionId` are its id; `version` its number). */
export const publishedJsonSchema = z
  .object({
    id: z.number().int(),
    versionId: z.number().int(),
    version: z.number().int(),
  })
  .meta({ id: 'PublishedVersion' });
