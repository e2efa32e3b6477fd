import { z } from 'zod';
import { MODULE_KINDS } from './types';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lowercase slug (a-z, 0-9 and -)');
const text = z.string().trim().min(1, 'must not be empty');
const outcomeId = z.string().regex(/^[A-Z]{2,4}\d{1,2}$/, 'must look like SP1 (capital letters then a number)');

export const packYamlSchema = z.object({
  id: slug,
  title: text,
  version: z.union([z.string(), z.number()]).transform(String),
  sections: z
    .array(
      z.object({
        dir: z.string().regex(/^[a-z0-9-]+$/, 'must be a folder name (a-z, 0-9 and -)'),
        id: slug,
        title: text,
        kind: z.enum(MODULE_KINDS),
      }),
    )
    .min(1, 'must list at least one section'),
});
export type PackYaml = z.infer<typeof packYamlSchema>;

const FILE_NAME = /(^|[\s(:])[\w./-]+\.(txt|md|markdown|docx?|pdf|ya?ml|csv|json|html?)\b/i;
/** A reference a reader can follow: a title and a body or an address, never a file name from the author's desk. */
const reference = text.refine((s) => !FILE_NAME.test(s.replace(/https?:\/\/\S+/g, '')), {
  message: 'a source must be a reference a reader can follow (title, author or body, year, address), not a file name',
});

export const promptSchema = z.object({ id: slug, area: slug, question: text });

const fieldSchema = z
  .object({
    id: slug,
    type: z.enum(['text', 'textarea', 'date', 'rating', 'select', 'radios', 'checkboxes', 'actions']),
    label: text,
    hint: z.string().optional(),
    required: z.boolean().default(false),
    options: z.array(text).default([]),
    min: z.number().int().default(1),
    max: z.number().int().default(5),
    count: z.number().int().min(1).max(10).default(3),
  })
  .superRefine((f, ctx) => {
    if (['select', 'radios', 'checkboxes'].includes(f.type) && f.options.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${f.type} field needs options` });
    }
    if (f.type === 'rating' && !(f.min < f.max && f.max - f.min <= 10)) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: 'a rating needs min < max, at most 10 apart' });
    }
  });

export const formSchema = z.object({
  repeatable: z.boolean().default(false),
  groups: z
    .array(
      z.object({
        id: slug,
        title: text,
        area: slug.optional(),
        description: z.string().optional(),
        questions: z.array(text).default([]),
        fields: z.array(fieldSchema).min(1, 'a form group needs at least one field'),
      }),
    )
    .min(1, 'a form needs at least one group'),
});

const common = {
  id: slug,
  title: text,
  summary: text,
  minutes: z.number().int().min(1).max(600),
  areas: z.array(slug).default([]),
  hidden: z.boolean().default(false),
  prompts: z.array(promptSchema).default([]),
  sources: z.array(reference).default([]),
  form: formSchema.optional(),
};

export const moduleSchema = z.object({ ...common, outcomes: z.array(outcomeId).default([]) });

/** Who confirms an outcome the learner marks achieved: their trainer (the default) or nobody (self-assessed). */
const reviewRule = z.enum(['trainer', 'self'], { message: 'review must be "trainer" or "self"' });

export const learningAreaSchema = z.object({
  ...common,
  area: z.object({ id: slug, short: z.string().regex(/^[A-Z]{2,4}$/, 'must be 2 to 4 capital letters') }),
  review: reviewRule.default('trainer'),
  outcomes: z
    .array(z.object({ id: outcomeId, text, standard: text.optional(), review: reviewRule.optional() }))
    .min(3, 'a learning area needs 3 to 5 outcomes')
    .max(5, 'a learning area needs 3 to 5 outcomes'),
});

/** A variant may hide a base module with nothing but its id. */
export const hideOnlySchema = z.object({ id: slug, hidden: z.literal(true) });

export type ModuleFrontMatter = z.infer<typeof moduleSchema>;
export type LearningAreaFrontMatter = z.infer<typeof learningAreaSchema>;
