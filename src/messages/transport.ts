import type { MailConfig } from '../config';
import type { Logger } from '../shared/logger';
import type { MailTransport } from './mail.port';
import { createLogMail } from './log.mail';
import type * as NotifyMail from './notify.mail';
import type * as SmtpMail from './smtp.mail';

/**
 * The adapter MAIL_TRANSPORT names, built from its checked settings. The SMTP and Notify adapters are loaded only when
 * chosen: nodemailer and Notify's client (with its HTTP library) hold about 22 MB of memory that an instance sending
 * the other way, or not at all, should not pay for.
 */
export function createMailTransport(mail: MailConfig, logger: Logger): MailTransport {
  if (mail.transport === 'smtp') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createSmtpMail } = require('./smtp.mail') as typeof SmtpMail;
    return createSmtpMail({ url: mail.url, from: mail.from, replyTo: mail.replyTo });
  }
  if (mail.transport === 'notify') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createNotifyMail } = require('./notify.mail') as typeof NotifyMail;
    return createNotifyMail({ apiKey: mail.apiKey, templateId: mail.templateId, baseUrl: mail.baseUrl });
  }
  return createLogMail(logger);
}
