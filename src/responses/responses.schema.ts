import { z } from 'zod';
import type { Prompt } from '../content/types';
import type { ErrorDetail } from '../shared/errors';

export const RESPONSE_MAX = 10_000;

const answerText = z
  .string()
  .max(RESPONSE_MAX, `An answer must be ${RESPONSE_MAX.toLocaleString('en-GB')} characters or fewer`);

/** `PUT /api/v1/me/responses/:moduleId/:promptId`: the answer, and whether to share it (unchanged when left out). */
export const responseSchema = z.object({
  text: answerText,
  shared: z.boolean().optional(),
});
export type ResponseInput = z.infer<typeof responseSchema>;

/** The problem with an answer that is too long, naming its question: "Your answer to ‘…’ must be 10,000 characters or fewer". */
export function answerTooLong(question: string): string {
  return `Your answer to ‘${question.replace(/[.:]+$/, '')}’ must be ${RESPONSE_MAX.toLocaleString('en-GB')} characters or fewer`;
}

/** One answer from the module page's form (every prompt's answer is posted together). */
export interface PageAnswer {
  promptId: string;
  text: string;
  shared: boolean;
}

/**
 * The module page posts `answer:<promptId>` and `share:<promptId>` for each prompt. Answers that pass go to `answers`;
 * each one that does not becomes a problem naming its question, so the good ones can still be saved.
 */
export function answersFromPage(
  body: unknown,
  prompts: readonly Prompt[],
): { answers: PageAnswer[]; problems: ErrorDetail[] } {
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const answers: PageAnswer[] = [];
  const problems: ErrorDetail[] = [];
  for (const p of prompts) {
    const text = fields[`answer:${p.id}`];
    if (typeof text !== 'string') continue;
    const checked = answerText.safeParse(text);
    if (checked.success)
      answers.push({ promptId: p.id, text: checked.data, shared: fields[`share:${p.id}`] === '1' });
    else
      problems.push(
        ...checked.error.issues.map((i) => ({
          field: `answer-${p.id}`,
          message: i.code === 'too_big' ? answerTooLong(p.question) : `${p.question} ${i.message}`,
        })),
      );
  }
  return { answers, problems };
}

/** `GET /cohorts/:id/shared?module=`: anything but one module id shows the list of modules. */
export const sharedQuerySchema = z.object({ module: z.string().optional().catch(undefined) });

// What the API answers (the presenters' return types are these, so the OpenAPI document and the code agree).

/** `PUT /api/v1/me/responses/:moduleId/:promptId`: the answer as saved. */
export const savedAnswerJsonSchema = z
  .object({
    moduleId: z.string(),
    promptId: z.string(),
    text: z.string(),
    shared: z.boolean(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'SavedAnswer' });

/** `GET /api/v1/me/responses/:moduleId`: my answers to the module's prompts. */
export const moduleAnswersJsonSchema = z
  .object({
    responses: z.array(savedAnswerJsonSchema.omit({ moduleId: true })),
  })
  .meta({ id: 'ModuleAnswers' });
