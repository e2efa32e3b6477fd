import type { UnitOfWork } from '../db/ports';
import type { JobsRepo } from '../jobs/jobs.repo';
import { isoOf, type Clock } from '../shared/clock';
import type { AuditRepo } from '../audit/audit.repo';
import type { Actor } from '../shared/actor';
import { Conflict, Forbidden, NotFound } from '../shared/errors';
import type { PersonRecord, PrivacyRepo, PrivacySubject } from './privacy.repo';
import type { EraseInput } from './privacy.schema';

/** Who asked, for the audit log. */
type Requester = Pick<Actor, 'id' | 'email' | 'ip'>;

/** Subject access (UK GDPR art. 15), erasure (art. 17) and the retention rule. */
export function createPrivacyService(
  uow: UnitOfWork,
  repo: PrivacyRepo,
  audit: AuditRepo,
  jobs: Pick<JobsRepo, 'enqueue'>,
  clock: Clock,
) {
  async function requireSubject(userId: number): Promise<PrivacySubject> {
    const subject = await repo.subject(userId);
    if (!subject) throw new NotFound('No such person');
    return subject;
  }

  /** Everything held about one person; the export itself is audited. */
  async function exportPerson(userId: number, actor: Requester): Promise<PersonRecord> {
    const record = await repo.personRecord(userId);
    if (!record.account) throw new NotFound('No such person');
    await audit.record({
      actorId: actor.id,
      actorEmail: actor.email,
      action: 'privacy.export',
      target: `user:${userId}`,
      ip: actor.ip,
    });
    return record;
  }

  async function eraseOne(subject: PrivacySubject, actor: Requester | null, reason: string): Promise<void> {
    if (subject.erasedAt) throw new Conflict('This person has already been erased');
    await uow.run(async () => {
      await repo.anonymise(subject.id, subject.email, subject.name, isoOf(clock));
      await audit.record({
        actorId: actor?.id ?? null,
        actorEmail: actor?.email ?? null,
        action: 'privacy.erase',
        target: `user:${subject.id}`,
        detail: reason,
        ip: actor?.ip ?? null,
      });
    });
  }

  /** Erases a person after the admin typed their email address to confirm. */
  async function erase(userId: number, { confirmEmail }: EraseInput, actor: Requester): Promise<void> {
    const subject = await requireSubject(userId);
    if (userId === actor.id)
      throw new Forbidden('You cannot erase your own account: ask another administrator');
    if (subject.erasedAt) throw new Conflict('This person has already been erased');
    if (confirmEmail.toLowerCase() !== subject.email.toLowerCase()) {
      throw new Conflict('The email address you typed does not match this person', [
        { field: 'confirmEmail', message: 'Type the email address exactly as shown to confirm' },
      ]);
    }
    await eraseOne(subject, actor, 'erasure request');
  }

  /** Erases the learning records of learners inactive for longer than `months`; returns how many. */
  async function applyRetention(months: number, now = new Date(clock.now())): Promise<number> {
    const cutoff = new Date(now);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
    const due = await repo.retentionDue(cutoff.toISOString());
    for (const id of due)
      await eraseOne(await requireSubject(id), null, `retention: inactive for more than ${months} months`);
    return due.length;
  }

  /** The learners inactive for longer than `months`, not yet erased. */
  async function retentionDue(months: number): Promise<number[]> {
    const cutoff = new Date(clock.now());
    cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
    return repo.retentionDue(cutoff.toISOString());
  }

  /** One background erasure job per learner (inside the caller's unit of work). */
  async function enqueueRetentionErasures(userIds: number[]): Promise<void> {
    const now = clock.now();
    for (const userId of userIds)
      await jobs.enqueue(
        {
          kind: 'privacy.retention-erase',
          uniqueKey: `retention:${userId}`,
          payload: JSON.stringify({ userId }),
          runAt: now,
        },
        now,
      );
  }

  /** The retention rule for one learner: erased unless already erased (or gone) since the job was queued. */
  async function eraseForRetention(userId: number, months: number): Promise<void> {
    const subject = await repo.subject(userId);
    if (!subject || subject.erasedAt) return;
    await eraseOne(subject, null, `retention: inactive for more than ${months} months`);
  }

  return { exportPerson, erase, applyRetention, retentionDue, enqueueRetentionErasures, eraseForRetention };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
