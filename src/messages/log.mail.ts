import type { Logger } from '../shared/logger';
import type { MailTransport } from './mail.port';

/**
 * MAIL_TRANSPORT=log, the default: nothing leaves the machine. Each message goes to the log; the outbox keeps it
 * (subject and body) for /admin/messages, so a fresh install shows what would have been sent.
 */
export function createLogMail(logger: Logger): MailTransport {
  return {
    name: 'log',
    async send(mail) {
      logger.info(
        { messageId: mail.messageId, to: mail.to, subject: mail.subject, text: mail.text },
        'message not sent (MAIL_TRANSPORT=log)',
      );
      return { providerRef: null };
    },
    close() {},
  };
}
