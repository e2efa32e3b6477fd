import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { MailNotSent, type MailTransport } from './mail.port';

export interface SmtpOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://user:pass@host:465`. */
  url: string;
  /** `"Packway <learning@council.example>"`. */
  from: string;
  replyTo?: string;
  /** How long to wait for the server at each step; kept well inside a job's lease. */
  timeoutMs?: number;
  /** Certificates to trust besides the system's (tests: a throwaway one). */
  ca?: string;
}

/** SMTP error codes of nodemailer that mean the connection, not the message, failed: try again later. */
const CONNECTION_ERRORS = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL']);

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * A failure sorted into temporary or permanent. SMTP 4xx and a server that cannot be reached are temporary; 5xx is
 * permanent, except a refused login (535): that is a wrong setting, which an operator fixes, so messages wait for it.
 */
export function smtpFailure(err: SmtpError): MailNotSent {
  const code = err.responseCode;
  const reason = (err.response ?? err.message).slice(0, 500);
  if (err.code === 'EAUTH') return new MailNotSent(`the SMTP server refused the login: ${reason}`, false);
  if (typeof code === 'number' && code >= 500) return new MailNotSent(`SMTP ${code}: ${reason}`, true);
  if (typeof code === 'number' && code >= 400) return new MailNotSent(`SMTP ${code}: ${reason}`, false);
  if (err.code && CONNECTION_ERRORS.has(err.code))
    return new MailNotSent(`SMTP ${err.code}: ${reason}`, false);
  return new MailNotSent(`SMTP: ${reason}`, false);
}

/**
 * SMTP_URL as connection options. Read here rather than by nodemailer, which, given a `url`, drops every other
 * option (the certificates to trust among them). `?requireTLS=true` refuses a server that does not offer STARTTLS.
 */
export function connectionOf(url: string): SMTPTransport.Options {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    requireTLS: u.searchParams.get('requireTLS') === 'true',
    ...(u.username
      ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }
      : {}),
  };
}

/** MAIL_TRANSPORT=smtp, through nodemailer: one connection per message (the outbox sends a few at a time). */
export function createSmtpMail(options: SmtpOptions): MailTransport {
  const timeout = options.timeoutMs ?? 20_000;
  const transport = nodemailer.createTransport({
    ...connectionOf(options.url),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(options.ca ? { tls: { ca: options.ca } } : {}),
  });
  return {
    name: 'smtp',
    async send(mail) {
      const headers: Record<string, string> = {};
      if (mail.unsubscribeUrl) {
        headers['List-Unsubscribe'] = `<${mail.unsubscribeUrl}>`;
        headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
      }
      try {
        const info = await transport.sendMail({
          from: options.from,
          ...(options.replyTo ? { replyTo: options.replyTo } : {}),
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: mail.messageId,
          headers,
        });
        return { providerRef: typeof info.response === 'string' ? info.response.slice(0, 200) : null };
      } catch (err) {
        throw smtpFailure(err as SmtpError);
      }
    },
    close: () => transport.close(),
  };
}
