import type { UnitOfWork } from '../db/ports';
import type { AuditRepo } from '../audit/audit.repo';
import type { Actor } from '../shared/actor';
import { Conflict, Forbidden, NotFound } from '../shared/errors';
import type { PersonRecord, PrivacyRepo, PrivacySubject } from './privacy.repo';
import type { EraseInput } from './privacy.schema';

/** Who asked, for the audit log. */
type Requester = Pick<Actor, 'id' | 'email' | 'ip'>;

/** Subject access (UK GDPR art. 15), erasure (art. 17) and the retention rule. */
export function createPrivacyService(uow: UnitOfWork, repo: PrivacyRepo, audit: AuditRepo) {
  function requireSubject(userId: number): PrivacySubject {
    const subject = repo.subject(userId);
    if (!subject) throw new NotFound('No such person');
    return subject;
  }

  /** Everything held about one person; the export itself is audited. */
  function exportPerson(userId: number, actor: Requester): PersonRecord {
    const record = repo.personRecord(userId);
    if (!record.account) throw new NotFound('No such person');
    audit.record({
      actorId: actor.id,
      actorEmail: actor.email,
      action: 'privacy.export',
      target: `user:${userId}`,
      ip: actor.ip,
    });
    return record;
  }

  function eraseOne(subject: PrivacySubject, actor: Requester | null, reason: string): void {
    if (subject.erasedAt) throw new Conflict('This person has already been erased');
    uow.run(() => {
      repo.anonymise(subject.id, subject.email, subject.name, new Date().toISOString());
      audit.record({
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
  function erase(userId: number, { confirmEmail }: EraseInput, actor: Requester): void {
    const subject = requireSubject(userId);
    if (userId === actor.id)
      throw new Forbidden('You cannot erase your own account: ask another administrator');
    if (subject.erasedAt) throw new Conflict('This person has already been erased');
    if (confirmEmail.toLowerCase() !== subject.email.toLowerCase()) {
      throw new Conflict('The email address you typed does not match this person', [
        { field: 'confirmEmail', message: 'Type the email address exactly as shown to confirm' },
      ]);
    }
    eraseOne(subject, actor, 'erasure request');
  }

  /** Erases the learning records of learners inactive for longer than `months`; returns how many. */
  function applyRetention(months: number, now = new Date()): number {
    const cutoff = new Date(now);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
    const due = repo.retentionDue(cutoff.toISOString());
    for (const id of due)
      eraseOne(requireSubject(id), null, `retention: inactive for more than ${months} months`);
    return due.length;
  }

  return { exportPerson, erase, applyRetention };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
