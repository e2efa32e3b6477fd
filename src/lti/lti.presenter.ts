import type { RosterSync } from './roster.service';
import type { z } from 'zod';
import type { Platform } from './lti.repo';
import type { platformSchema } from './lti.schema';

export function platformJson(p: Platform): z.infer<typeof platformSchema> {
  return {
    id: p.id,
    name: p.name,
    issuer: p.issuer,
    clientId: p.clientId,
    deploymentIds: p.deploymentIds,
    authLoginUrl: p.authLoginUrl,
    tokenUrl: p.tokenUrl,
    jwksUrl: p.jwksUrl,
    adminRole: p.adminRole,
    trustEmail: p.trustEmail,
    registeredVia: p.registeredVia,
    createdAt: new Date(p.createdAt).toISOString(),
  };
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What the cohort page says after "Sync members from the LMS". */
export function rosterSynced(done: RosterSync): string {
  const changes = [
    done.enrolled ? `${count(done.enrolled, 'learner')} joined` : '',
    done.trainersAdded ? `${count(done.trainersAdded, 'trainer')} added` : '',
    done.left ? `${count(done.left, 'learner')} left` : '',
  ].filter(Boolean);
  const skipped = done.skipped
    ? ` ${count(done.skipped, 'person', 'people')} on the course could not be added: the platform gave no email address Packway can use.`
    : '';
  return `Members synced from the LMS: ${changes.length ? changes.join(', ') : 'no changes'}.${skipped}`;
}
