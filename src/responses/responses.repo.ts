/** One learner's answer to one prompt of a module (a case-study question or an activity prompt). */
export interface Answer {
  userId: number;
  moduleId: string;
  promptId: string;
  /** Plain text, stored as written. */
  text: string;
  /** Whether the learner chose to share it with their cohort. */
  shared: boolean;
  updatedAt: Date;
}

/** A shared answer with the name of the member who wrote it. */
export interface SharedAnswer extends Answer {
  name: string;
}

/** How many shared answers a cohort has for one module. */
export interface SharedModuleCount {
  moduleId: string;
  count: number;
}

/** Answers to prompts: written by learners, read by them, their trainers and (when shared) their cohort. */
export interface ResponsesRepo {
  /** Inserts or replaces the answer, saved at `now` (the service's time); returns that time. */
  save(
    userId: number,
    moduleId: string,
    promptId: string,
    text: string,
    shared: boolean,
    now: Date,
  ): Promise<Date>;
  get(userId: number, moduleId: string, promptId: string): Promise<Answer | undefined>;
  forModule(userId: number, moduleId: string): Promise<Answer[]>;
  /** Every answer of one person, by module and prompt. */
  forUser(userId: number): Promise<Answer[]>;
  /** The shared answers of a cohort's members to one module, by prompt and time. */
  sharedInCohort(cohortId: number, moduleId: string): Promise<SharedAnswer[]>;
  sharedModulesInCohort(cohortId: number): Promise<SharedModuleCount[]>;
}
