export const MODULE_KINDS = [
  'introduction',
  'behaviours',
  'learning-area',
  'raid-guidelines',
  'case-study-guidelines',
  'case-study',
  'activity',
  'slides',
] as const;
export type ModuleKind = (typeof MODULE_KINDS)[number];

export interface Outcome {
  readonly id: string;
  readonly text: string;
  readonly areaId: string;
  /** What evidence is enough to count the outcome as achieved; `null` when the pack gives none. */
  readonly standard: string | null;
  /**
   * Who confirms it once the learner marks it achieved: `trainer` (it waits for review) or `self` (self-assessed,
   * achieved at once). From the outcome's own `review`, else its area's, else `trainer`.
   */
  readonly review: ReviewRule;
}

export type ReviewRule = 'trainer' | 'self';

export interface Area {
  readonly id: string;
  readonly short: string;
  readonly title: string;
  readonly moduleId: string;
  /** The area's `review` (its outcomes may each say otherwise). */
  readonly review: ReviewRule;
  readonly outcomes: readonly Outcome[];
}

export interface Prompt {
  readonly id: string;
  readonly area: string;
  readonly question: string;
}

export interface Slide {
  readonly title: string;
  readonly html: string;
  readonly notesHtml: string;
  /** From a note that starts `Time: N minutes.`; `null` when the note gives no time. */
  readonly minutes: number | null;
}

export type FieldType = 'text' | 'textarea' | 'date' | 'rating' | 'select' | 'radios' | 'checkboxes' | 'actions';

export interface FormField {
  readonly id: string;
  readonly type: FieldType;
  readonly label: string;
  readonly hint?: string;
  readonly required: boolean;
  readonly options: readonly string[];
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

export interface FormGroup {
  readonly id: string;
  readonly title: string;
  readonly area?: string;
  readonly description?: string;
  readonly questions: readonly string[];
  readonly fields: readonly FormField[];
}

export interface Form {
  readonly repeatable: boolean;
  readonly groups: readonly FormGroup[];
}

export interface Heading {
  readonly level: number;
  readonly text: string;
  readonly anchor: string;
}

export interface Module {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly minutes: number;
  readonly kind: ModuleKind;
  readonly sectionId: string;
  readonly areas: readonly string[];
  readonly outcomes: readonly string[];
  readonly html: string;
  readonly headings: readonly Heading[];
  readonly prompts: readonly Prompt[];
  readonly slides: readonly Slide[];
  readonly sources: readonly string[];
  readonly form?: Form;
  readonly words: number;
  /** Path of the file inside the content folder, e.g. `06-case-studies/01-x.md`. */
  readonly file: string;
  /** The file's text as written, kept for diffs and downloads. */
  readonly source: string;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly kind: ModuleKind;
  readonly dir: string;
  readonly modules: readonly Module[];
}

export interface Pack {
  readonly id: string;
  readonly title: string;
  readonly version: string;
  readonly hash: string;
  readonly sections: readonly Section[];
  readonly areas: readonly Area[];
  readonly modules: ReadonlyMap<string, Module>;
  readonly outcomes: ReadonlyMap<string, Outcome>;
  /** Module ids hidden by a variant (kept so a diff can show them). */
  readonly hidden: readonly string[];
  /** The files the pack was compiled from (path → text). */
  readonly files: ReadonlyMap<string, string>;
}

export interface PackSummary {
  sections: number;
  modules: number;
  areas: number;
  outcomes: number;
  prompts: number;
  slides: number;
  words: number;
  /** Learning-area outcomes with no `standard`. */
  outcomesWithoutStandard: string[];
  /** `file: slide N` for every slide with no speaker notes. */
  slidesWithoutNotes: string[];
  /** Decks whose slide times do not add up to the deck's `minutes`. */
  decksOffTime: string[];
}

/** A problem found while compiling: `file:line: message`. */
export interface ContentError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export type CompileResult = { ok: true; pack: Pack } | { ok: false; errors: ContentError[] };

export function formatError(e: ContentError): string {
  return `${e.file}:${e.line}: ${e.message}`;
}
