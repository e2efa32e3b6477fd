import type { MailConfig } from '../config';
import type { Logger } from '../shared/logger';
import type { MailTransport } from './mail.port';
import { createLogMail } from './log.mail';
import { createNotifyMail } from './notify.mail';
import { createSmtpMail } from './smtp.mail';

/** The adapter MAIL_TRANSPORT names, built from its checked settings. */
export function createMailTransport(mail: MailConfig, logger: Logger): MailTransport {
  if (mail.transport === 'smtp')
    return createSmtpMail({ url: mail.url, from: mail.from, replyTo: mail.replyTo });
  if (mail.transport === 'notify')
    return createNotifyMail({ apiKey: mail.apiKey, templateId: mail.templateId, baseUrl: mail.baseUrl });
  return createLogMail(logger);
}
