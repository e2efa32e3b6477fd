import { longDate } from '../shared/dates';
import { oneLine, write, type Draft, type Sender } from './templates';
import type { OptionalKind } from './messages.repo';

/** The links an optional message carries to stop it. */
export interface Unsubscribe {
  url: string;
  settingsUrl: string;
}

export interface ModuleDue {
  title: string;
  dueOn: string;
  url: string;
}

const WHAT: Record<OptionalKind, string> = {
  assignment: 'modules assigned to you',
  reminder: 'due dates of your modules',
  digest: 'the cohorts you run',
  self_assessment: 'the self-assessment',
  review: 'decisions on your evidence',
};

const hello = (name: string) => `Dear ${oneLine(name)},`;
const dueLine = (m: ModuleDue) => ({ text: `${oneLine(m.title)}, due ${longDate(m.dueOn)}`, url: m.url });

/** The messages Packway writes. Each is plain words, one action, the service's name; names are kept on one line. */
export function notices(sender: Sender) {
  const optional = (kind: OptionalKind, u: Unsubscribe) => ({ ...u, what: WHAT[kind] });
  return {
    invitation(name: string, link: string, expires: string | null, sso: boolean): Draft {
      return write(
        {
          kind: 'invitation',
          subject: `You have been invited to ${sender.service}`,
          greeting: hello(name),
          blocks: [
            {
              p: `You have an account on ${sender.service}${sender.organisation ? `, from ${sender.organisation}` : ''}.`,
            },
            ...(sso
              ? [{ p: 'Sign in with your organisation account.' }]
              : [
                  {
                    p: `Set your password to sign in. The link works once${expires ? `, until ${expires}` : ''}.`,
                  },
                ]),
          ],
          action: { label: sso ? 'Sign in' : 'Set your password', url: link },
          after: ['If you were not expecting this, you can ignore this message.'],
        },
        sender,
      );
    },

    passwordReset(name: string, link: string, minutes: number): Draft {
      return write(
        {
          kind: 'password_reset',
          subject: `Reset your ${sender.service} password`,
          greeting: hello(name),
          blocks: [
            {
              p: `Someone asked to reset the password of your account. The link works once, for ${minutes} minutes.`,
            },
          ],
          action: { label: 'Choose a new password', url: link },
          after: ['If it was not you, you can ignore this message: your password has not changed.'],
        },
        sender,
      );
    },

    signInWithOrganisation(name: string, link: string): Draft {
      return write(
        {
          kind: 'security',
          subject: `How to sign in to ${sender.service}`,
          greeting: hello(name),
          blocks: [
            { p: 'Someone asked to reset the password of your account.' },
            { p: 'You sign in with your organisation account, so there is no password to reset here.' },
          ],
          action: { label: 'Sign in', url: link },
          after: ['If you cannot sign in, ask your organisation’s IT service desk.'],
        },
        sender,
      );
    },

    assignment(name: string, cohort: string, modules: ModuleDue[], u: Unsubscribe): Draft {
      const one = modules.length === 1;
      return write(
        {
          kind: 'assignment',
          subject: one
            ? `New module to complete: ${modules[0].title}`
            : `${modules.length} new modules to complete`,
          greeting: hello(name),
          blocks: [
            { p: `Your trainer assigned ${one ? 'a module' : 'modules'} to you in ${oneLine(cohort)}:` },
            { list: modules.map(dueLine) },
          ],
          action: { label: 'See your modules', url: `${sender.publicUrl}/` },
          unsubscribe: optional('assignment', u),
        },
        sender,
      );
    },

    reminder(name: string, dueSoon: ModuleDue[], overdue: ModuleDue[], u: Unsubscribe): Draft {
      const blocks = [
        ...(dueSoon.length ? [{ p: 'Due soon:' }, { list: dueSoon.map(dueLine) }] : []),
        ...(overdue.length ? [{ p: 'Past their due date:' }, { list: overdue.map(dueLine) }] : []),
      ];
      return write(
        {
          kind: 'reminder',
          subject: overdue.length ? 'A module is past its due date' : 'A module is due soon',
          greeting: hello(name),
          blocks,
          action: { label: 'See your modules', url: `${sender.publicUrl}/` },
          unsubscribe: optional('reminder', u),
        },
        sender,
      );
    },

    digest(
      name: string,
      cohorts: {
        name: string;
        url: string;
        overdue: string[];
        neverSignedIn: string[];
        newEvidence: string[];
      }[],
      u: Unsubscribe,
    ): Draft {
      const names = (list: string[]) => (list.length ? list.map(oneLine).join(', ') : 'nobody');
      return write(
        {
          kind: 'digest',
          subject: 'Your cohorts this week',
          greeting: hello(name),
          blocks: cohorts.flatMap((c) => [
            { p: oneLine(c.name) },
            {
              list: [
                { text: `Past a due date: ${names(c.overdue)}` },
                { text: `Not signed in yet: ${names(c.neverSignedIn)}` },
                { text: `New evidence this week: ${names(c.newEvidence)}` },
                { text: 'Open the cohort', url: c.url },
              ],
            },
          ]),
          unsubscribe: optional('digest', u),
        },
        sender,
      );
    },

    selfAssessment(name: string, link: string, weeks: number, u: Unsubscribe): Draft {
      return write(
        {
          kind: 'self_assessment',
          subject: 'Time to take the self-assessment again',
          greeting: hello(name),
          blocks: [
            {
              p: `You took the self-assessment ${weeks} weeks ago or more. Taking it again shows how far you have come.`,
            },
          ],
          action: { label: 'Take the self-assessment', url: link },
          unsubscribe: optional('self_assessment', u),
        },
        sender,
      );
    },

    /** A trainer's decision on evidence: confirmed (with any comment) or returned with feedback. */
    reviewed(
      name: string,
      r: {
        outcome: string;
        decision: 'confirmed' | 'returned';
        reviewer: string;
        comment: string;
        url: string;
      },
      u: Unsubscribe,
    ): Draft {
      const confirmed = r.decision === 'confirmed';
      return write(
        {
          kind: 'review',
          subject: confirmed
            ? 'Your evidence has been confirmed'
            : 'Your evidence has been returned with feedback',
          greeting: hello(name),
          blocks: [
            {
              p: confirmed
                ? `${oneLine(r.reviewer)} confirmed your evidence for this outcome: ${oneLine(r.outcome)}`
                : `${oneLine(r.reviewer)} returned your evidence for this outcome: ${oneLine(r.outcome)}`,
            },
            ...(r.comment ? [{ p: `${confirmed ? 'They said' : 'Their feedback'}: ${r.comment}` }] : []),
            ...(confirmed
              ? []
              : [{ p: 'Improve your evidence and mark the outcome achieved again to resubmit it.' }]),
          ],
          action: { label: confirmed ? 'See the outcome' : 'Answer and resubmit', url: r.url },
          unsubscribe: optional('review', u),
        },
        sender,
      );
    },

    /** A badge issued for a learning area: where to see, download and share it. */
    badgeIssued(name: string, b: { area: string; url: string; badgesUrl: string }): Draft {
      return write(
        {
          kind: 'badge',
          subject: `You have a badge: ${oneLine(b.area)}`,
          greeting: hello(name),
          blocks: [
            {
              p:
                `Every outcome of the learning area "${oneLine(b.area)}" has been confirmed, so ` +
                `${sender.organisation ?? sender.service} has issued you an Open Badge for it.`,
            },
            {
              p: 'You can download it, add it to your LinkedIn profile, or share its page: anyone can check it is genuine.',
            },
          ],
          action: { label: 'See your badges', url: b.badgesUrl },
          after: [`Its public page: ${b.url}`],
        },
        sender,
      );
    },

    test(name: string): Draft {
      return write(
        {
          kind: 'test',
          subject: `A test message from ${sender.service}`,
          greeting: hello(name),
          blocks: [{ p: 'This message shows that messages from this service reach you.' }],
          action: { label: `Open ${sender.service}`, url: `${sender.publicUrl}/` },
        },
        sender,
      );
    },
  };
}

export type Notices = ReturnType<typeof notices>;
