import type { Clock } from '../shared/clock';
import type { UnitOfWork } from '../db/ports';
import type { Pack } from '../content/types';
import type { EventsRepo } from '../events/events.repo';
import type { Actor } from '../shared/actor';
import { Forbidden, NotFound } from '../shared/errors';
import type { Answer, ResponsesRepo } from './responses.repo';
import type { PageAnswer, ResponseInput } from './responses.schema';

/** What a save answers: the answer as stored. */
export interface SavedAnswer {
  moduleId: string;
  promptId: string;
  text: string;
  shared: boolean;
  updatedAt: Date;
}

export function createResponsesService(
  uow: UnitOfWork,
  responses: ResponsesRepo,
  events: EventsRepo,
  clock: Clock,
) {
  function checkPrompt(pack: Pack, moduleId: string, promptId: string): void {
    const mod = pack.modules.get(moduleId);
    if (!mod) throw new NotFound('No module with that id');
    if (!mod.prompts.some((p) => p.id === promptId))
      throw new NotFound('No prompt with that id in this module');
  }

  /** Saves one answer (plain text, stored as written); an event records each real change. */
  async function save(
    actor: Actor,
    pack: Pack,
    moduleId: string,
    promptId: string,
    input: ResponseInput,
  ): Promise<SavedAnswer> {
    if (actor.role !== 'learner') throw new Forbidden('Only learners write answers');
    checkPrompt(pack, moduleId, promptId);
    const prior = await responses.get(actor.id, moduleId, promptId);
    const shared = input.shared ?? prior?.shared ?? false;
    if (prior && prior.text === input.text && prior.shared === shared) {
      return { moduleId, promptId, text: prior.text, shared, updatedAt: prior.updatedAt };
    }
    const updatedAt = await uow.run(async () => {
      const at = await responses.save(
        actor.id,
        moduleId,
        promptId,
        input.text,
        shared,
        new Date(clock.now()),
      );
      const object = {
        userId: actor.id,
        objectType: 'prompt' as const,
        objectId: `${moduleId}/${promptId}`,
        moduleId,
      };
      if (!prior || prior.text !== input.text)
        await events.append(
          { ...object, verb: 'answered', result: { response: input.text } },
          at.toISOString(),
        );
      if (shared && !prior?.shared) await events.append({ ...object, verb: 'shared' }, at.toISOString());
      return at;
    });
    return { moduleId, promptId, text: input.text, shared, updatedAt };
  }

  /** Saves the answers posted together from a module page, each on its own. */
  async function saveAll(actor: Actor, pack: Pack, moduleId: string, answers: PageAnswer[]): Promise<void> {
    for (const a of answers)
      await save(actor, pack, moduleId, a.promptId, { text: a.text, shared: a.shared });
  }

  /** One learner's answers to a module, by prompt id. */
  async function forModule(userId: number, moduleId: string): Promise<Map<string, Answer>> {
    return new Map((await responses.forModule(userId, moduleId)).map((r) => [r.promptId, r]));
  }

  return {
    save,
    saveAll,
    forModule,
    forUser: responses.forUser,
    sharedInCohort: responses.sharedInCohort,
    sharedModulesInCohort: responses.sharedModulesInCohort,
  };
}
export type ResponsesService = ReturnType<typeof createResponsesService>;
