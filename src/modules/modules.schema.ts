import { z } from 'zod';
import { MODULE_KINDS } from '../content/types';

/** `?cohort=` on `GET /pack` and `GET /modules/:id`: that cohort's pinned variant (a member or its trainer only). */
export const packQuerySchema = z.object({
  cohort: z.number().int().positive().optional(),
});

const kind = z.enum(MODULE_KINDS);

/** `GET /api/v1/pack`: sections with their modules, and the learning areas with their outcomes. */
export const packSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    version: z.string(),
    versionId: z
      .union([z.number().int().positive(), z.literal('builtin')])
      .describe(
        'The version of the pack you see: the variant version’s id when your cohort is pinned to one, else `builtin`' +
          ' (its trainer’s pack is `GET /packs/{versionId}/trainer-pack.zip`)',
      ),
    hash: z.string(),
    sections: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        kind,
        modules: z.array(
          z.object({
            id: z.string(),
            title: z.string(),
            kind,
            summary: z.string(),
            minutes: z.number(),
            areas: z.array(z.string()),
          }),
        ),
      }),
    ),
    areas: z.array(
      z.object({
        id: z.string(),
        short: z.string(),
        title: z.string(),
        moduleId: z.string(),
        outcomes: z.array(
          z.object({
            id: z.string(),
            text: z.string(),
            review: z.enum(['trainer', 'self']).meta({
              description: 'Who confirms it once marked achieved: a trainer, or nobody (self-assessed)',
            }),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'Pack' });

const formFieldSchema = z.object({
  id: z.string(),
  type: z.enum(['text', 'textarea', 'date', 'rating', 'select', 'radios', 'checkboxes', 'actions']),
  label: z.string(),
  hint: z.string().optional(),
  required: z.boolean(),
  options: z.array(z.string()),
  min: z.number(),
  max: z.number(),
  count: z.number().int(),
});

/** A structured form a module declares (raid plan, self-assessment …). */
export const formSchema = z
  .object({
    repeatable: z.boolean(),
    groups: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        area: z.string().optional(),
        description: z.string().optional(),
        questions: z.array(z.string()),
        fields: z.array(formFieldSchema),
      }),
    ),
  })
  .meta({ id: 'Form' });

/** `GET /api/v1/modules/:id`: one module, its HTML, and prompts, slides, form and sources where it has them. */
export const moduleSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    kind,
    section: z.string(),
    summary: z.string(),
    minutes: z.number(),
    areas: z.array(z.string()),
    outcomes: z.array(z.string()),
    html: z.string(),
    prompts: z.array(z.object({ id: z.string(), area: z.string(), question: z.string() })).optional(),
    slides: z
      .array(
        z.object({
          title: z.string(),
          html: z.string(),
          notesHtml: z.string(),
          minutes: z.number().nullable(),
        }),
      )
      .optional(),
    form: formSchema.optional(),
    sources: z.array(z.string()).optional(),
  })
  .meta({ id: 'Module' });
export type ModuleJson = z.infer<typeof moduleSchema>;
export type PackJson = z.infer<typeof packSchema>;
