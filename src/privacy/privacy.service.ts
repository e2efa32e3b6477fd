import { z } from 'zod';
import type { UnitOfWork } from '../db/ports';
import type { AuditRepo } from '../audit/audit.repo';
import type { Actor } from '../users/users.service';
import { Conflict, Forbidden, NotFound } from '../shared/errors';
import { parseInput } from '../shared/validate';
import type { PersonRecord, PrivacyRepo } from './privacy.repo';

export const eraseSchema = z.object({
  confirmEmail: z.string({ message: 'Type the email address of the person to confirm' }).trim().min(1, 'Type the email address of the person to confirm'),
});

export interface SubjectExport {
  exportedAt: string;
  subject: { id: number };
  note: string;
  record: PersonRecord;
}

/** Subject access (UK GDPR art. 15), erasure (art. 17) and the retention rule. */
export function createPrivacyService(uow: UnitOfWork, repo: PrivacyRepo, audit: AuditRepo) {
  function requireSubject(userId: number): PersonRecord {
    const record = repo.personRecord(userId);
    if (!record.account) throw new NotFound('No such person');
    return record;
  }

  function exportPerson(userId: number, actor: Actor): SubjectExport {
    const record = requireSubject(userId);
    audit.record({ actorId: actor.id, actorEmail: actor.email, action: 'privacy.export', target: `user:${userId}`, ip: actor.ip });
    return {
      exportedAt: new Date().toISOString(),
      subject: { id: userId },
      note: 'Everything Packway holds about this person. Password and token hashes are secrets of the service and are not included.',
      record,
    };
  }

  function eraseOne(userId: number, actor: Actor | null, reason: string): void {
    const account = requireSubject(userId).account!;
    if (account.erased_at) throw new Conflict('This person has already been erased');
    uow.run(() => {
      repo.anonymise(userId, String(account.email), String(account.name), new Date().toISOString());
      audit.record({ actorId: actor?.id ?? null, actorEmail: actor?.email ?? null, action: 'privacy.erase', target: `user:${userId}`, detail: reason, ip: actor?.ip ?? null });
    });
  }

  /** Erases a person after the admin typed their email address to confirm. */
  function erase(userId: number, input: unknown, actor: Actor): void {
    const { confirmEmail } = parseInput(eraseSchema, input);
    const account = requireSubject(userId).account!;
    if (userId === actor.id) throw new Forbidden('You cannot erase your own account: ask another administrator');
    if (account.erased_at) throw new Conflict('This person has already been erased');
    if (confirmEmail.toLowerCase() !== String(account.email).toLowerCase()) {
      throw new Conflict('The email address you typed does not match this person', [{ field: 'confirmEmail', message: 'Type the email address exactly as shown to confirm' }]);
    }
    eraseOne(userId, actor, 'erasure request');
  }

  /** Erases the learning records of learners inactive for longer than `months`; returns how many. */
  function applyRetention(months: number, now = new Date()): number {
    const cutoff = new Date(now);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
    const due = repo.retentionDue(cutoff.toISOString());
    for (const id of due) eraseOne(id, null, `retention: inactive for more than ${months} months`);
    return due.length;
  }

  return { exportPerson, erase, applyRetention };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
