import crypto from 'node:crypto';
import type { Pack } from '../content/types';
import type { LearningEvent, LearningEventWithLearner } from '../events/events.repo';

/** ADL vocabulary verb ids for each kind of learning event. */
export const VERBS: Record<string, { id: string; display: string }> = {
  experienced: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: 'experienced' },
  completed: { id: 'http://adlnet.gov/expapi/verbs/completed', display: 'completed' },
  progressed: { id: 'http://adlnet.gov/expapi/verbs/progressed', display: 'progressed' },
  answered: { id: 'http://adlnet.gov/expapi/verbs/answered', display: 'answered' },
  shared: { id: 'http://adlnet.gov/expapi/verbs/shared', display: 'shared' },
  submitted: { id: 'http://adlnet.gov/expapi/verbs/responded', display: 'responded' },
};

const ACTIVITY_TYPES: Record<string, string> = {
  module: 'http://adlnet.gov/expapi/activities/module',
  outcome: 'http://adlnet.gov/expapi/activities/objective',
  prompt: 'http://adlnet.gov/expapi/activities/question',
  form: 'http://adlnet.gov/expapi/activities/assessment',
};

export interface Statement {
  id: string;
  version: '1.0.3';
  actor: { objectType: 'Agent'; name: string; mbox: string };
  verb: { id: string; display: Record<string, string> };
  object: { objectType: 'Activity'; id: string; definition: { name: Record<string, string>; type: string } };
  result?: Record<string, unknown>;
  context: {
    platform: string;
    language: string;
    contextActivities?: { parent: { objectType: 'Activity'; id: string }[] };
  };
  timestamp: string;
}

/** A stable UUID for an event on this server, so re-exporting or re-sending never duplicates a statement. */
function statementId(baseUrl: string, eventId: number): string {
  const hex = crypto.createHash('sha256').update(`${baseUrl}|event|${eventId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function objectFor(e: LearningEvent, baseUrl: string, pack: Pack): Statement['object'] {
  const name = (text: string) => ({ 'en-GB': text });
  if (e.objectType === 'outcome') {
    const o = pack.outcomes.get(e.objectId);
    return {
      objectType: 'Activity',
      id: `${baseUrl}/outcomes/${encodeURIComponent(e.objectId)}`,
      definition: { name: name(o ? `${e.objectId}: ${o.text}` : e.objectId), type: ACTIVITY_TYPES.outcome },
    };
  }
  if (e.objectType === 'prompt') {
    const [moduleId, promptId] = e.objectId.split('/');
    const q = pack.modules.get(moduleId)?.prompts.find((p) => p.id === promptId)?.question;
    return {
      objectType: 'Activity',
      id: `${baseUrl}/modules/${encodeURIComponent(moduleId)}/prompts/${encodeURIComponent(promptId ?? '')}`,
      definition: { name: name(q ?? e.objectId), type: ACTIVITY_TYPES.prompt },
    };
  }
  const title = pack.modules.get(e.objectId)?.title ?? e.objectId;
  return {
    objectType: 'Activity',
    id: `${baseUrl}/modules/${encodeURIComponent(e.objectId)}`,
    definition: { name: name(title), type: ACTIVITY_TYPES[e.objectType] ?? ACTIVITY_TYPES.module },
  };
}

function resultFor(e: LearningEvent): Record<string, unknown> | undefined {
  if (!e.result) return undefined;
  const r = e.result;
  const out: Record<string, unknown> = {};
  if (typeof r.completion === 'boolean') out.completion = r.completion;
  if (typeof r.response === 'string') out.response = r.response;
  if (r.status)
    out.extensions = { ...(out.extensions as object), [`https://packway.example/xapi/status`]: r.status };
  if (r.ratings && typeof r.ratings === 'object') {
    const values = Object.values(r.ratings as Record<string, number>);
    if (values.length)
      out.score = { raw: values.reduce((a, b) => a + b, 0), min: values.length, max: values.length * 5 };
    out.extensions = { ...(out.extensions as object), 'https://packway.example/xapi/ratings': r.ratings };
  }
  return Object.keys(out).length ? out : undefined;
}

export function toStatement(e: LearningEventWithLearner, baseUrl: string, pack: Pack): Statement {
  const verb = VERBS[e.verb] ?? VERBS.experienced;
  const statement: Statement = {
    id: statementId(baseUrl, e.id),
    version: '1.0.3',
    actor: { objectType: 'Agent', name: e.name, mbox: `mailto:${e.email}` },
    verb: { id: verb.id, display: { 'en-GB': verb.display } },
    object: objectFor(e, baseUrl, pack),
    context: { platform: 'Packway', language: 'en-GB' },
    timestamp: e.at.toISOString(),
  };
  if (e.moduleId && e.objectType !== 'module') {
    statement.context.contextActivities = {
      parent: [{ objectType: 'Activity', id: `${baseUrl}/modules/${encodeURIComponent(e.moduleId)}` }],
    };
  }
  const result = resultFor(e);
  if (result) statement.result = result;
  return statement;
}
