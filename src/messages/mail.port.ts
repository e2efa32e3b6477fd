/**
 * The `mail` port: what the outbox needs of a way to send. The adapters (smtp.mail.ts through nodemailer,
 * notify.mail.ts through GOV.UK Notify's client, log.mail.ts that sends nothing) decide how; compose.ts picks one by
 * MAIL_TRANSPORT. Services decide what is sent and to whom.
 */
export type TransportName = 'smtp' | 'notify' | 'log';

/** One message ready to go. Every text here was written by the outbox; adapters only carry it. */
export interface OutgoingMail {
  /** The Message-ID, `<…@host>`: the same on every attempt, so a receiving system can drop a copy. */
  messageId: string;
  /** The outbox's own key for the message (Notify's `reference`), the same on every attempt. */
  reference: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The one-click unsubscribe address of an optional message (RFC 8058), else null. */
  unsubscribeUrl: string | null;
}

export interface MailReceipt {
  /** The sender's own id of the message (Notify's notification id, the SMTP server's answer), when it gives one. */
  providerRef: string | null;
}

/** The message was not sent. `permanent`: trying again cannot help (a refused address, a bad template). */
export class MailNotSent extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface MailTransport {
  readonly name: TransportName;
  /**
   * Sends the message, or throws MailNotSent. `again` is true when an earlier attempt may have reached the sender
   * (a worker died before recording it): an adapter that can ask whether it was sent (Notify) does so first.
   */
  send(mail: OutgoingMail, again: boolean): Promise<MailReceipt>;
  close(): void;
}
