import crypto from 'node:crypto';
import type { Form, Pack } from '../content/types';
import type { LearningEventWithLearner } from '../events/events.repo';
import type { EventContext } from './xapi.repo';
import type { Activity, Statement } from './xapi.schema';

export type { Statement };

/** ADL vocabulary verb ids for each kind of learning event. */
export const VERBS: Record<string, { id: string; display: string }> = {
  experienced: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: 'experienced' },
  completed: { id: 'http://adlnet.gov/expapi/verbs/completed', display: 'completed' },
  progressed: { id: 'http://adlnet.gov/expapi/verbs/progressed', display: 'progressed' },
  answered: { id: 'http://adlnet.gov/expapi/verbs/answered', display: 'answered' },
  shared: { id: 'http://adlnet.gov/expapi/verbs/shared', display: 'shared' },
  submitted: { id: 'http://adlnet.gov/expapi/verbs/responded', display: 'responded' },
};

/** Every activity id has exactly one of these types, whichever statement it appears in. */
const ADL_TYPES = {
  module: 'http://adlnet.gov/expapi/activities/module',
  objective: 'http://adlnet.gov/expapi/activities/objective',
  question: 'http://adlnet.gov/expapi/activities/question',
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
  course: 'http://adlnet.gov/expapi/activities/course',
} as const;

/** A term Packway defines itself, served as JSON-LD at its IRI (`PUBLIC_URL/xapi/<kind>/<name>`). */
export interface Term {
  kind: 'extensions' | 'activity-types';
  name: string;
  /** The xAPI ontology class of the term. */
  type: 'ResultExtension' | 'ContextExtension' | 'ActivityType';
  label: string;
  definition: string;
}

export const TERMS: readonly Term[] = [
  {
    kind: 'extensions',
    name: 'outcome-status',
    type: 'ResultExtension',
    label: 'Outcome status',
    definition:
      'Where the learner now stands against a learning outcome: "not_started", "in_progress", "awaiting_review" ' +
      '(evidence submitted, waiting for a trainer to confirm it) or "achieved" (a string).',
  },
  {
    kind: 'extensions',
    name: 'ratings',
    type: 'ResultExtension',
    label: 'Form ratings',
    definition:
      'The ratings given in a form, by form group id: an object whose values are {"value", "min", "max"} (numbers), ' +
      'the rating and the scale it was given on. result.score is their sum on the summed scale.',
  },
  {
    kind: 'activity-types',
    name: 'cohort',
    type: 'ActivityType',
    label: 'Cohort',
    definition:
      'A group of learners taken through the pack together by their trainers, pinned to one version of the pack.',
  },
];

export const termIri = (baseUrl: string, t: Pick<Term, 'kind' | 'name'>) =>
  `${baseUrl}/xapi/${t.kind}/${t.name}`;

/** A term's JSON-LD description, or undefined when Packway defines no such term. */
export function describeTerm(
  baseUrl: string,
  kind: string,
  name: string,
): Record<string, unknown> | undefined {
  const t = TERMS.find((x) => x.kind === kind && x.name === name);
  if (!t) return undefined;
  return {
    '@context': {
      xapi: 'https://w3id.org/xapi/ontology#',
      skos: 'http://www.w3.org/2004/02/skos/core#',
      prefLabel: { '@id': 'skos:prefLabel', '@container': '@language' },
      definition: { '@id': 'skos:definition', '@container': '@language' },
    },
    '@id': termIri(baseUrl, t),
    '@type': `xapi:${t.type}`,
    prefLabel: { en: t.label },
    definition: { en: t.definition },
  };
}

/** A name-based (version 5, SHA-1) UUID, RFC 9562 §5.5. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const b = crypto.createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The statement id of an event: stable for the event, different on every installation. */
export const statementId = (installationId: string, eventId: number) =>
  uuidV5(installationId, `event/${eventId}`);

/** The learner's enrolment in a cohort, as an xAPI registration. */
export const registrationId = (installationId: string, cohortId: number, userId: number) =>
  uuidV5(installationId, `registration/${cohortId}/${userId}`);

/** What a statement is built from besides the event: where, which installation, the pack the learner had. */
export interface StatementSource {
  baseUrl: string;
  installationId: string;
  /** The pack the learner had when the event happened (their cohort's pinned variant, or the built-in pack). */
  pack: Pack;
  /** The cohort and variant the event was stamped with; undefined or null cohort when the learner had none. */
  context?: EventContext;
}

const langMap = (text: string) => ({ 'en-GB': text });
const seg = encodeURIComponent;

function activity(id: string, type: string, text: string): Activity {
  return { objectType: 'Activity', id, definition: { name: langMap(text), type } };
}

function moduleActivity(src: StatementSource, moduleId: string): Activity {
  const title = src.pack.modules.get(moduleId)?.title ?? `Module ${moduleId}`;
  return activity(`${src.baseUrl}/modules/${seg(moduleId)}`, ADL_TYPES.module, title);
}

function packActivity(src: StatementSource): Activity {
  const { pack, context: c } = src;
  const base = `${src.baseUrl}/packs/${seg(pack.id)}/versions/${seg(pack.version)}`;
  if (c?.variantVersionId) {
    const variant = `${c.variantName ?? 'variant'}${c.variantVersion ? ` v${c.variantVersion}` : ''}`;
    return activity(
      `${base}/variants/${c.variantVersionId}`,
      ADL_TYPES.course,
      `${pack.title} ${pack.version} (${variant})`,
    );
  }
  return activity(base, ADL_TYPES.course, `${pack.title} ${pack.version}`);
}

function cohortActivity(src: StatementSource, cohortId: number, cohortName: string | null): Activity {
  return activity(
    `${src.baseUrl}/cohorts/${cohortId}`,
    termIri(src.baseUrl, { kind: 'activity-types', name: 'cohort' }),
    cohortName ?? `Cohort ${cohortId}`,
  );
}

/** The object and, where there is one, its real parent. */
function objectFor(
  e: LearningEventWithLearner,
  src: StatementSource,
): { object: Activity; parent?: Activity } {
  const { pack, baseUrl } = src;
  if (e.objectType === 'outcome') {
    const o = pack.outcomes.get(e.objectId);
    const area = o && pack.areas.find((a) => a.id === o.areaId);
    return {
      object: activity(
        `${baseUrl}/outcomes/${seg(e.objectId)}`,
        ADL_TYPES.objective,
        o ? `${e.objectId}: ${o.text}` : `Outcome ${e.objectId}`,
      ),
      parent: area ? moduleActivity(src, area.moduleId) : undefined,
    };
  }
  if (e.objectType === 'prompt') {
    const slash = e.objectId.indexOf('/');
    const moduleId = slash < 0 ? (e.moduleId ?? e.objectId) : e.objectId.slice(0, slash);
    const promptId = slash < 0 ? '' : e.objectId.slice(slash + 1);
    const q = pack.modules.get(moduleId)?.prompts.find((p) => p.id === promptId)?.question;
    return {
      object: activity(
        `${baseUrl}/modules/${seg(moduleId)}/prompts/${seg(promptId)}`,
        ADL_TYPES.question,
        q ?? `Prompt ${e.objectId}`,
      ),
      parent: moduleActivity(src, moduleId),
    };
  }
  if (e.objectType === 'form') {
    const moduleId = e.moduleId ?? e.objectId;
    const title = pack.modules.get(moduleId)?.title ?? moduleId;
    return {
      object: activity(`${baseUrl}/modules/${seg(moduleId)}/form`, ADL_TYPES.assessment, `Form: ${title}`),
      parent: moduleActivity(src, moduleId),
    };
  }
  return { object: moduleActivity(src, e.objectId) };
}

/** The score of a form's ratings, each on its own scale: summed, within the summed scale, `scaled` in 0..1. */
function ratingsOf(form: Form | undefined, ratings: Record<string, unknown>) {
  const scales: Record<string, { value: number; min?: number; max?: number }> = {};
  let raw = 0;
  let min = 0;
  let max = 0;
  let complete = true;
  for (const [groupId, value] of Object.entries(ratings)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const field = form?.groups.find((g) => g.id === groupId)?.fields.find((f) => f.type === 'rating');
    if (!field || value < field.min || value > field.max) {
      complete = false; // rated on a scale this pack no longer has: kept in the extension, left out of the score
      scales[groupId] = { value };
      continue;
    }
    scales[groupId] = { value, min: field.min, max: field.max };
    raw += value;
    min += field.min;
    max += field.max;
  }
  const rated = Object.keys(scales).length > 0;
  const score =
    rated && complete && max > min
      ? { raw, min, max, scaled: Math.round(((raw - min) / (max - min)) * 10_000) / 10_000 }
      : undefined;
  return { scales: rated ? scales : undefined, score };
}

function resultFor(e: LearningEventWithLearner, src: StatementSource): Statement['result'] {
  if (!e.result) return undefined;
  const r = e.result;
  const out: NonNullable<Statement['result']> = {};
  const extensions: Record<string, unknown> = {};
  if (typeof r.completion === 'boolean') out.completion = r.completion;
  if (typeof r.response === 'string') out.response = r.response;
  if (typeof r.status === 'string') {
    extensions[termIri(src.baseUrl, { kind: 'extensions', name: 'outcome-status' })] = r.status;
  }
  if (r.ratings && typeof r.ratings === 'object') {
    const form = src.pack.modules.get(e.moduleId ?? e.objectId)?.form;
    const { scales, score } = ratingsOf(form, r.ratings as Record<string, unknown>);
    if (score) out.score = score;
    if (scales) extensions[termIri(src.baseUrl, { kind: 'extensions', name: 'ratings' })] = scales;
  }
  if (Object.keys(extensions).length) out.extensions = extensions;
  return Object.keys(out).length ? out : undefined;
}

/** One learning event as an xAPI 1.0.3 statement (no `version`: the LRS sets it). */
export function toStatement(e: LearningEventWithLearner, src: StatementSource): Statement {
  const verb = VERBS[e.verb] ?? VERBS.experienced;
  const { object, parent } = objectFor(e, src);
  const c = src.context;
  const grouping = [packActivity(src)];
  if (c?.cohortId) grouping.push(cohortActivity(src, c.cohortId, c.cohortName));
  const statement: Statement = {
    id: statementId(src.installationId, e.id),
    actor: { objectType: 'Agent', name: e.name, mbox: `mailto:${e.email.trim().toLowerCase()}` },
    verb: { id: verb.id, display: { 'en-GB': verb.display } },
    object,
    context: {
      ...(c?.cohortId ? { registration: registrationId(src.installationId, c.cohortId, e.userId) } : {}),
      platform: 'Packway',
      language: 'en-GB',
      contextActivities: { ...(parent ? { parent: [parent] } : {}), grouping },
    },
    timestamp: e.at.toISOString(),
  };
  const result = resultFor(e, src);
  if (result) statement.result = result;
  return statement;
}
