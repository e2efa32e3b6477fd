/** A table row as stored, column names and all: the subject-access export is a record of the tables by design. */
export type Row = Record<string, unknown>;

/** Everything held about one person, table by table (secrets such as password and token hashes left out). */
export interface PersonRecord {
  account: Row | undefined;
  sessions: Row[];
  signInAddresses: Row[];
  apiTokens: Row[];
  singleSignOn: Row[];
  learningPlatforms: Row[];
  platformCoursesLeft: Row[];
  deepLinkRequests: Row[];
  passwordLinks: Row[];
  cohortsAsLearner: Row[];
  cohortsAsTrainer: Row[];
  moduleProgress: Row[];
  outcomeProgress: Row[];
  outcomeHistory: Row[];
  /** Each submission of evidence for review, and the trainer's decision on it. */
  outcomeReviews: Row[];
  /** As a trainer: the decisions they made on others' evidence (without that evidence). */
  reviewsDecided: Row[];
  responses: Row[];
  submissions: Row[];
  actions: Row[];
  events: Row[];
  /** The messages sent to them (bodies for 30 days), what they turned off, and whether they have a calendar address. */
  messages: Row[];
  notificationOptOuts: Row[];
  calendarFeed: Row[];
  remindersSent: Row[];
  /** The badges issued to them, each with its signed credential, and whether badges show their address. */
  badges: Row[];
  badgeSettings: Row[];
  auditEntries: Row[];
  variantsCreated: Row[];
  variantVersionsUploaded: Row[];
}

/** The person an export or erasure is about. */
export interface PrivacySubject {
  id: number;
  email: string;
  name: string;
  erasedAt: Date | null;
}

/** Subject access, erasure and retention over every table that holds personal data. */
export interface PrivacyRepo {
  /** Everything held about one person; `account` is undefined when there is no such person. */
  personRecord(userId: number): Promise<PersonRecord>;
  subject(userId: number): Promise<PrivacySubject | undefined>;
  /** Removes or anonymises every piece of personal data of one person; the caller wraps it in a unit of work. */
  anonymise(userId: number, email: string, name: string, now: string): Promise<void>;
  /** Learners never erased whose last activity (or creation) is before the cutoff. */
  retentionDue(cutoffIso: string): Promise<number[]>;
}
