import type { Actor } from '../shared/actor';
import { z } from 'zod';
import type { UnitOfWork } from '../db/ports';
import type { Pack } from '../content/types';
import type { EventsRepo } from '../events/events.repo';
import { Forbidden, NotFound } from '../shared/errors';
import { parseInput } from '../shared/validate';
import type { ResponsesRepo } from './responses.repo';

export const RESPONSE_MAX = 10_000;

export const responseSchema = z.object({
  text: z.string().max(RESPONSE_MAX, `An answer must be ${RESPONSE_MAX.toLocaleString('en-GB')} characters or fewer`),
  shared: z.boolean().optional(),
});

type User = Actor;

export function createResponsesService(uow: UnitOfWork, responses: ResponsesRepo, events: EventsRepo) {
  function checkPrompt(pack: Pack, moduleId: string, promptId: string): void {
    const mod = pack.modules.get(moduleId);
    if (!mod) throw new NotFound('No module with that id');
    if (!mod.prompts.some((p) => p.id === promptId)) throw new NotFound('No prompt with that id in this module');
  }

  /** Saves one answer (plain text, stored as written); an event records each real change. */
  function save(user: User, pack: Pack, moduleId: string, promptId: string, input: unknown) {
    if (user.role !== 'learner') throw new Forbidden('Only learners write answers');
    checkPrompt(pack, moduleId, promptId);
    const data = parseInput(responseSchema, input);
    const prior = responses.get(user.id, moduleId, promptId);
    const shared = data.shared ?? (prior ? prior.shared === 1 : false);
    if (prior && prior.text === data.text && (prior.shared === 1) === shared) {
      return { moduleId, promptId, text: prior.text, shared, updatedAt: prior.updated_at };
    }
    const updatedAt = uow.run(() => {
      const at = responses.save(user.id, moduleId, promptId, data.text, shared);
      if (!prior || prior.text !== data.text) {
        events.append({ userId: user.id, verb: 'answered', objectType: 'prompt', objectId: `${moduleId}/${promptId}`, moduleId, result: { response: data.text } }, at);
      }
      if (shared && !(prior?.shared === 1)) {
        events.append({ userId: user.id, verb: 'shared', objectType: 'prompt', objectId: `${moduleId}/${promptId}`, moduleId }, at);
      }
      return at;
    });
    return { moduleId, promptId, text: data.text, shared, updatedAt };
  }

  function forModule(userId: number, moduleId: string) {
    return new Map(responses.forModule(userId, moduleId).map((r) => [r.prompt_id, r]));
  }

  return { save, forModule, forUser: responses.forUser, sharedInCohort: responses.sharedInCohort, sharedModulesInCohort: responses.sharedModulesInCohort };
}
export type ResponsesService = ReturnType<typeof createResponsesService>;
