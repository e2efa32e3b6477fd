import type { z } from 'zod';
import type { PersonRecord } from './privacy.repo';
import type { erasedJsonSchema, subjectExportJsonSchema } from './privacy.schema';

/** The subject-access export, as downloaded and as answered by the API. */
export type SubjectExport = z.infer<typeof subjectExportJsonSchema>;

export function subjectExportJson(
  userId: number,
  record: PersonRecord,
  exportedAt = new Date(),
): SubjectExport {
  return {
    exportedAt: exportedAt.toISOString(),
    subject: { id: userId },
    note: 'Everything Packway holds about this person. Password and token hashes are secrets of the service and are not included.',
    record,
  };
}

export function erasedJson(userId: number): z.infer<typeof erasedJsonSchema> {
  return { id: userId, erased: true };
}

/** The readable page groups the record under plain headings, in the order a person would look for them. */
export const RECORD_SECTIONS: { key: keyof PersonRecord; title: string }[] = [
  { key: 'cohortsAsLearner', title: 'Cohorts (as a learner)' },
  { key: 'cohortsAsTrainer', title: 'Cohorts (as a trainer)' },
  { key: 'outcomeProgress', title: 'Progress against learning outcomes' },
  { key: 'outcomeHistory', title: 'History of outcome changes' },
  { key: 'outcomeReviews', title: 'Reviews of their evidence' },
  { key: 'reviewsDecided', title: 'Reviews they decided (as a trainer)' },
  { key: 'moduleProgress', title: 'Modules opened and completed' },
  { key: 'responses', title: 'Answers to case-study prompts' },
  { key: 'submissions', title: 'Raids, self-assessments and activities' },
  { key: 'actions', title: 'Actions planned' },
  { key: 'events', title: 'Learning events' },
  { key: 'sessions', title: 'Sign-in sessions' },
  { key: 'signInAddresses', title: 'Addresses used to sign in' },
  { key: 'apiTokens', title: 'API tokens' },
  { key: 'singleSignOn', title: 'Single sign-on identity' },
  { key: 'learningPlatforms', title: 'Learning platforms that launched Packway for them' },
  { key: 'platformCoursesLeft', title: 'Learning platform courses they left' },
  { key: 'deepLinkRequests', title: 'Modules being added to a learning platform course' },
  { key: 'passwordLinks', title: 'Password links' },
  { key: 'messages', title: 'Messages sent to them' },
  { key: 'notificationOptOuts', title: 'Messages they turned off' },
  { key: 'calendarFeed', title: 'Calendar address' },
  { key: 'remindersSent', title: 'Reminders sent' },
  { key: 'badges', title: 'Badges issued (Open Badges credentials)' },
  { key: 'badgeSettings', title: 'How badges name them' },
  { key: 'auditEntries', title: 'Audit log entries' },
  { key: 'variantsCreated', title: 'Pack variants created' },
  { key: 'variantVersionsUploaded', title: 'Pack variant versions uploaded' },
];
