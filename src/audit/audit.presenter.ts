import type { AuditEntry } from './audit.repo';

/** What each action is called in the filter. Actions not listed read as their own words ("cohort.archive" → "Cohort archive"). */
export const ACTION_LABELS: Record<string, string> = {
  'signin.success': 'Signed in',
  'signin.failure': 'Failed sign-in',
  'token.issue': 'API token issued',
  'user.create': 'Account added',
  'user.import': 'People imported',
  'user.password_link': 'Password link issued',
  'user.password_links': 'Password links issued to everyone waiting',
  'user.password_set': 'Password set',
  'user.role': 'Role changed',
  'user.disable': 'Account disabled',
  'user.enable': 'Account enabled',
  'cohort.create': 'Cohort created',
  'cohort.enrol': 'Learners enrolled',
  'cohort.pin': 'Cohort pinned to a version',
  'cohort.add_trainer': 'Trainer added to a cohort',
  'cohort.assign': 'Modules assigned',
  'cohort.change_due_date': 'Due date changed',
  'variant.upload': 'Variant uploaded',
  'variant.publish': 'Variant published',
  'privacy.export': 'Personal data exported',
  'privacy.erase': 'Personal data erased',
  'guide.read': 'Operations guide read',
};

export function actionLabel(action: string): string {
  const known = ACTION_LABELS[action];
  if (known) return known;
  const words = action.replace(/[._]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ROLE: Record<string, string> = { learner: 'learner', trainer: 'trainer', admin: 'L&D admin' };
const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
const firstNumber = (detail: string | null): number | null => {
  const m = /\d+/.exec(detail ?? '');
  return m ? Number(m[0]) : null;
};

/** One audit entry as a sentence: "Enrolled 3 learners in Spring leaders", not "cohort.enrol". */
export function describeEntry(e: AuditEntry): string {
  const who = e.targetName ?? (e.target ? e.target.replace(':', ' ') : 'someone');
  const d = e.detail ?? '';
  switch (e.action) {
    case 'signin.success':
      return d === 'api' ? 'Signed in (API)' : 'Signed in';
    case 'signin.failure': {
      const reason = d.replace(/^[a-z]+:\s*/, '').replace(/_/g, ' ');
      return reason ? `Failed to sign in: ${reason}` : 'Failed to sign in';
    }
    case 'token.issue':
      return 'Got an API token';
    case 'user.create':
      return `Added ${who} as ${ROLE[d] ? (d === 'admin' ? 'an ' : 'a ') + ROLE[d] : 'a user'}`;
    case 'user.import': {
      const k = firstNumber(d);
      return k === null
        ? 'Imported people from a CSV file'
        : `Imported ${n(k, 'person', 'people')} from a CSV file`;
    }
    case 'user.password_link':
      return `Issued a password link for ${who}`;
    case 'user.password_links': {
      const k = firstNumber(d);
      return k === null ? 'Issued password links' : `Issued password links for ${n(k, 'person', 'people')}`;
    }
    case 'user.password_set':
      return e.actorId !== null && e.target === `user:${e.actorId}`
        ? 'Set their password'
        : `Set a password for ${who}`;
    case 'user.role': {
      const [from, to] = d.split(/\s*->\s*/);
      return from && to
        ? `Changed ${who}’s role from ${ROLE[from] ?? from} to ${ROLE[to] ?? to}`
        : `Changed ${who}’s role`;
    }
    case 'user.disable':
      return `Disabled ${who}’s account`;
    case 'user.enable':
      return `Enabled ${who}’s account`;
    case 'cohort.create':
      return `Created the cohort ${e.targetName ?? d}`;
    case 'cohort.enrol': {
      const k = firstNumber(d);
      return `Enrolled ${k === null ? 'learners' : n(k, 'learner')} in ${who}`;
    }
    case 'cohort.pin':
      return d === 'base pack' ? `Pinned ${who} to the built-in pack` : `Pinned ${who} to a variant (${d})`;
    case 'cohort.add_trainer':
      return `Added a trainer to ${who}`;
    case 'cohort.assign': {
      const k = d.split(' ').filter(Boolean).length;
      return `Assigned ${k ? n(k, 'module') : 'modules'} to ${who}`;
    }
    case 'cohort.change_due_date': {
      const due = /@(\d{4}-\d{2}-\d{2})$/.exec(d);
      return `Changed a due date in ${who}${due ? ` to ${due[1]}` : ''}`;
    }
    case 'variant.upload': {
      const changes = /(\d+) changes?/.exec(d);
      return `Uploaded a draft of ${who}${changes ? ` with ${n(Number(changes[1]), 'change')}` : ''}`;
    }
    case 'variant.publish': {
      const v = /^v\d+/.exec(d);
      return `Published ${who}${v ? ` ${v[0]}` : ''}`;
    }
    case 'privacy.export':
      return `Exported ${who}’s personal data`;
    case 'privacy.erase':
      return `Erased ${who}’s personal data`;
    case 'guide.read':
      return 'Read the operations guide';
    default: {
      const label = actionLabel(e.action);
      const parts = [label, e.targetName ? `: ${e.targetName}` : '', d ? ` (${d})` : ''];
      return parts.join('');
    }
  }
}
