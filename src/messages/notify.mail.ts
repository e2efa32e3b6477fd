import { NotifyClient } from 'notifications-node-client';
import { MailNotSent, type MailTransport } from './mail.port';

export interface NotifyOptions {
  apiKey: string;
  /** The one email template whose subject is `((subject))` and body `((body))`. */
  templateId: string;
  baseUrl: string;
  /** GOV.UK Notify's reply-to address id, when one is set up there. */
  replyToId?: string;
}

interface NotifyError {
  response?: { status?: number; data?: { errors?: { error?: string; message?: string }[] } };
  code?: string;
  message?: string;
}

/** Notify 400 and 403 are permanent (a bad address, template or key); 429, 5xx and no answer are temporary. */
export function notifyFailure(err: NotifyError): MailNotSent {
  const status = err.response?.status;
  const errors = err.response?.data?.errors ?? [];
  const said =
    errors.map((e) => `${e.error ?? ''}: ${e.message ?? ''}`).join('; ') || err.message || 'no answer';
  const reason = `Notify ${status ?? err.code ?? 'error'}: ${said}`.slice(0, 500);
  return new MailNotSent(reason, status === 400 || status === 403);
}

/**
 * MAIL_TRANSPORT=notify, through GOV.UK Notify's own client. The `reference` is the outbox's key of the message: an
 * attempt after one that may have reached Notify first looks the reference up, and sends only when Notify has none.
 */
export function createNotifyMail(options: NotifyOptions): MailTransport {
  const client = new NotifyClient(options.baseUrl, options.apiKey);
  async function alreadySent(reference: string): Promise<string | null> {
    try {
      const found = await client.getNotifications('email', undefined, reference);
      const first = found.data.notifications?.[0] as { id?: string } | undefined;
      return first?.id ?? null;
    } catch (err) {
      throw notifyFailure(err as NotifyError);
    }
  }
  return {
    name: 'notify',
    async send(mail, again) {
      if (again) {
        const id = await alreadySent(mail.reference);
        if (id) return { providerRef: id };
      }
      try {
        const res = await client.sendEmail(options.templateId, mail.to, {
          personalisation: { subject: mail.subject, body: mail.text },
          reference: mail.reference,
          ...(options.replyToId ? { emailReplyToId: options.replyToId } : {}),
          ...(mail.unsubscribeUrl ? { oneClickUnsubscribeURL: mail.unsubscribeUrl } : {}),
        });
        return { providerRef: (res.data as { id?: string }).id ?? null };
      } catch (err) {
        throw notifyFailure(err as NotifyError);
      }
    },
    close() {},
  };
}
