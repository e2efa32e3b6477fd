import { OPTIONAL_KINDS } from './messages.schema';

export { OPTIONAL_KINDS };

/** What a message is about. Invitation, password and security messages are always sent; the others are optional. */
export type MessageKind =
  | 'invitation'
  | 'password_reset'
  | 'security'
  | 'assignment'
  | 'reminder'
  | 'digest'
  | 'self_assessment'
  | 'review'
  | 'badge'
  | 'test';

export type OptionalKind = (typeof OPTIONAL_KINDS)[number];
export const isOptional = (kind: string): kind is OptionalKind =>
  (OPTIONAL_KINDS as readonly string[]).includes(kind);

export type MessageStatus = 'queued' | 'sent' | 'failed';

export interface NewMessage {
  messageId: string;
  userId: number | null;
  kind: MessageKind;
  to: string;
  subject: string;
  text: string;
  html: string;
  unsubscribeUrl: string | null;
  /** One message per key, ever: a second insert with the key is dropped. */
  dedupeKey: string | null;
}

/** A message of the outbox. `text` and `html` are null once the body has been cleared (after 30 days). */
export interface MessageRecord {
  id: number;
  messageId: string;
  userId: number | null;
  kind: MessageKind;
  to: string;
  subject: string;
  text: string | null;
  html: string | null;
  unsubscribeUrl: string | null;
  status: MessageStatus;
  transport: string | null;
  attempts: number;
  lastError: string | null;
  providerRef: string | null;
  createdAt: Date;
  sentAt: Date | null;
  failedAt: Date | null;
}

export interface MessageList {
  messages: MessageRecord[];
  total: number;
}

/** The outbox table, people's choices of what they get, and their calendar feed addresses. Times in ms. */
export interface MessagesRepo {
  /** The new message's id, or null when its dedupe key was used before. */
  insert(message: NewMessage, now: number): Promise<number | null>;
  byId(id: number): Promise<MessageRecord | undefined>;
  /** Records the message as sent, once: false when it was not waiting (already sent or given up). */
  markSent(id: number, transport: string, providerRef: string | null, now: number): Promise<boolean>;
  markFailed(id: number, transport: string, reason: string, now: number): Promise<void>;
  /** Counts an attempt before it is made, so the next one knows an earlier one may have reached the sender. */
  beginAttempt(id: number): Promise<void>;
  /** Notes a temporary failure; the message stays queued. */
  noteAttempt(id: number, transport: string, reason: string): Promise<void>;
  /** A failed message queued again; false when it was not failed. */
  requeue(id: number): Promise<boolean>;
  list(status: MessageStatus | null, limit: number, offset: number): Promise<MessageList>;
  /** Clears the bodies of messages created before `before`; returns how many. */
  clearBodies(before: number, now: number): Promise<number>;

  optOuts(userId: number): Promise<string[]>;
  setOptOut(userId: number, kind: string, optedOut: boolean, now: number): Promise<void>;

  /** Replaces the person's calendar feed address (by its hash). */
  setCalendarToken(userId: number, hash: string, now: number): Promise<void>;
  deleteCalendarToken(userId: number): Promise<void>;
  hasCalendarToken(userId: number): Promise<boolean>;
  calendarUser(hash: string): Promise<number | undefined>;
}
