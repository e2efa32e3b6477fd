import type { Answer } from './responses.repo';
import type { SavedAnswer } from './responses.service';
import type { z } from 'zod';
import type { moduleAnswersJsonSchema, savedAnswerJsonSchema } from './responses.schema';

/** `PUT /api/v1/me/responses/:moduleId/:promptId`. */
export function savedAnswerJson(a: SavedAnswer): z.infer<typeof savedAnswerJsonSchema> {
  return {
    moduleId: a.moduleId,
    promptId: a.promptId,
    text: a.text,
    shared: a.shared,
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** `GET /api/v1/me/responses/:moduleId`. */
export function moduleAnswersJson(answers: Iterable<Answer>): z.infer<typeof moduleAnswersJsonSchema> {
  return {
    responses: [...answers].map((r) => ({
      promptId: r.promptId,
      text: r.text,
      shared: r.shared,
      updatedAt: r.updatedAt.toISOString(),
    })),
  };
}
