import type { AuditRepo } from '../audit/audit.repo';
import type { CohortsService } from '../cohorts/cohorts.service';
import type { UnitOfWork } from '../db/ports';
import type { Actor } from '../shared/actor';
import type { UsersService } from '../users/users.service';
import type { VariantsService } from '../variants/variants.service';

export const GUIDE_READ = 'guide.read';

/** The first-run checklist's states, as the GOV.UK task list shows them. */
export type TaskStatus = 'done' | 'todo' | 'in_progress' | 'cannot_start' | 'optional';

export interface SetupTask {
  id: string;
  title: string;
  href: string;
  hint: string;
  status: TaskStatus;
}

/** True while links in e-mails would point at this machine: localhost, a loopback address or no host. */
export function isLocalAddress(publicUrl: string): boolean {
  try {
    const host = new URL(publicUrl).hostname.replace(/^\[|\]$/g, '');
    return (
      host === 'localhost' ||
      host.endsWith('.localhost') ||
      /^127\./.test(host) ||
      host === '::1' ||
      host === '0.0.0.0'
    );
  } catch {
    return true;
  }
}

/**
 * The L&D admin's home: the first-run checklist, each task ticked from what is really in the database, and the
 * warning while the public address is still local.
 */
export function createAdminHomeService(
  uow: UnitOfWork,
  users: UsersService,
  cohorts: CohortsService,
  variants: VariantsService,
  audit: AuditRepo,
  publicUrl: string,
) {
  async function checklist(actor: Actor): Promise<{ tasks: SetupTask[]; done: number; total: number }> {
    const [roles, withoutPassword, allCohorts, versions, guideRead] = await Promise.all([
      users.countByRole(),
      users.withoutPassword(),
      cohorts.list(actor),
      variants.list(),
      audit.hasAction(GUIDE_READ),
    ]);
    const pending = withoutPassword.length;
    const published = versions.some((v) => v.status === 'published');
    const pinned = allCohorts.some((c) => c.variantVersionId !== null);
    const local = isLocalAddress(publicUrl);
    const tasks: SetupTask[] = [
      {
        id: 'public-url',
        title: 'Set the address people use (PUBLIC_URL)',
        href: '/guide/operations#settings',
        hint: local
          ? `It is ${publicUrl}: links in password e-mails would not work. Ask whoever runs Packway to set it.`
          : `People reach Packway at ${publicUrl}.`,
        status: local ? 'todo' : 'done',
      },
      {
        id: 'trainers',
        title: 'Add trainers',
        href: '/users#add',
        hint: roles.trainer
          ? `${roles.trainer} trainer${roles.trainer === 1 ? '' : 's'}.`
          : 'Trainers run cohorts and follow progress.',
        status: roles.trainer ? 'done' : 'todo',
      },
      {
        id: 'learners',
        title: 'Add learners',
        href: '/users#import',
        hint: roles.learner
          ? `${roles.learner} learner${roles.learner === 1 ? '' : 's'}.`
          : 'One at a time, or many at once from a CSV file.',
        status: roles.learner ? 'done' : 'todo',
      },
      {
        id: 'password-links',
        title: 'Send everyone their password link',
        href: '/users#password-links',
        hint:
          roles.learner + roles.trainer === 0
            ? 'Add trainers and learners first.'
            : pending
              ? `${pending} ${pending === 1 ? 'person has' : 'people have'} not set a password yet.`
              : 'Everyone with an account has set a password.',
        status: roles.learner + roles.trainer === 0 ? 'cannot_start' : pending ? 'in_progress' : 'done',
      },
      {
        id: 'cohort',
        title: 'Create a cohort',
        href: '/cohorts',
        hint: allCohorts.length
          ? `${allCohorts.length} cohort${allCohorts.length === 1 ? '' : 's'}.`
          : 'Group learners, give them trainers and assign modules with due dates.',
        status: allCohorts.length ? 'done' : 'todo',
      },
      {
        id: 'variant',
        title: 'Tailor the pack and publish a variant (optional)',
        href: '/variants',
        hint: published
          ? 'A variant is published.'
          : versions.length
            ? 'A draft is waiting: check its changes and publish it.'
            : 'Add local case studies or reword modules for your organisation.',
        status: published ? 'done' : versions.length ? 'in_progress' : 'optional',
      },
      {
        id: 'pin',
        title: 'Pin a cohort to your variant',
        href: published && allCohorts.length ? `/cohorts/${allCohorts[0].id}/variant` : '/variants',
        hint: pinned
          ? 'A cohort sees your variant.'
          : published
            ? 'Choose which cohorts see it.'
            : 'Publish a variant first.',
        status: pinned
          ? 'done'
          : published && allCohorts.length
            ? 'todo'
            : published
              ? 'cannot_start'
              : 'optional',
      },
      {
        id: 'guide',
        title: 'Read the operations guide',
        href: '/guide/operations',
        hint: 'Backups, restoring, upgrades and personal data: share it with whoever runs Packway.',
        status: guideRead ? 'done' : 'todo',
      },
    ];
    const counted = tasks.filter((t) => t.status !== 'optional');
    return { tasks, done: counted.filter((t) => t.status === 'done').length, total: counted.length };
  }

  /** Records that an admin opened the operations guide (once: it ticks the checklist). */
  async function guideRead(actor: Actor): Promise<void> {
    if (await audit.hasAction(GUIDE_READ)) return;
    await uow.run(() =>
      audit.record({
        actorId: actor.id,
        actorEmail: actor.email,
        action: GUIDE_READ,
        detail: 'operations',
        ip: actor.ip,
      }),
    );
  }

  return { checklist, guideRead, publicUrl, localAddress: () => isLocalAddress(publicUrl) };
}
export type AdminHomeService = ReturnType<typeof createAdminHomeService>;
