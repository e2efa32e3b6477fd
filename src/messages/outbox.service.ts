import crypto from 'node:crypto';
import type { JobsRepo } from '../jobs/jobs.repo';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { MailNotSent, type MailReceipt, type MailTransport, type OutgoingMail } from './mail.port';
import type { MessagesRepo, NewMessage } from './messages.repo';
import { isOptional } from './messages.repo';
import type { Draft } from './templates';

/** The job that sends one message. */
export const SEND_KIND = 'mail.send';
/** A message that still cannot be sent after this long is given up, with the last reason. */
export const GIVE_UP_AFTER_MS = 3 * 24 * 3_600_000;
/** Bodies are personal data: kept this long, then only the metadata. */
export const KEEP_BODIES_MS = 30 * 24 * 3_600_000;

export type SendOutcome = 'sent' | 'failed' | 'retry' | 'nothing';

/**
 * The outbox: a message is a row written in the unit of work of its cause, with a `mail.send` job beside it; the job
 * sends it through the `mail` port and records the result with the job's end, so once recorded it is never sent again.
 * A message sent whose recording was lost (the worker died between) is sent again under the same Message-ID.
 */
export function createOutbox(
  repo: MessagesRepo,
  jobs: JobsRepo,
  transport: MailTransport,
  clock: Clock,
  logger: Logger,
  publicUrl: string,
) {
  const host = new URL(publicUrl).hostname || 'packway.invalid';

  /**
   * Queues a message; call it inside the unit of work of its cause. Optional kinds are dropped for a person who
   * turned them off. Answers the message's id, or why nothing was queued.
   */
  async function queue(
    draft: Draft,
    to: { userId: number | null; email: string },
    dedupeKey: string | null = null,
  ): Promise<number | 'opted_out' | 'duplicate'> {
    if (to.userId !== null && isOptional(draft.kind) && (await repo.optOuts(to.userId)).includes(draft.kind))
      return 'opted_out';
    const uuid = crypto.randomUUID();
    const message: NewMessage = {
      messageId: `<${uuid}@${host}>`,
      userId: to.userId,
      kind: draft.kind,
      to: to.email,
      subject: draft.subject,
      text: draft.text,
      html: draft.html,
      unsubscribeUrl: draft.unsubscribeUrl,
      dedupeKey,
    };
    const now = clock.now();
    const id = await repo.insert(message, now);
    if (id === null) return 'duplicate';
    await jobs.enqueue({ kind: SEND_KIND, payload: JSON.stringify({ id }), runAt: now }, now);
    return id;
  }

  /**
   * Sends message `id` (the `mail.send` job's work). `attempt` counts this job's tries, this one included; `record`
   * runs the recording inside a unit of work with the job's end.
   */
  async function deliver(
    id: number,
    attempt: number,
    record: (write: () => Promise<void>) => Promise<void>,
  ): Promise<SendOutcome> {
    const m = await repo.byId(id);
    if (!m || m.status !== 'queued') {
      await record(async () => undefined);
      return 'nothing';
    }
    if (m.text === null || m.html === null) {
      await record(() =>
        repo.markFailed(id, transport.name, 'the body was cleared before it could be sent', clock.now()),
      );
      return 'failed';
    }
    const mail: OutgoingMail = {
      messageId: m.messageId,
      reference: m.messageId.slice(1, m.messageId.indexOf('@')),
      to: m.to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      unsubscribeUrl: m.unsubscribeUrl,
    };
    let receipt: MailReceipt;
    await repo.beginAttempt(id);
    try {
      receipt = await transport.send(mail, attempt > 1 || m.attempts > 0);
    } catch (err) {
      const failure = err instanceof MailNotSent ? err : new MailNotSent(String(err), false);
      const tooOld = clock.now() - m.createdAt.getTime() > GIVE_UP_AFTER_MS;
      if (failure.permanent || tooOld) {
        logger.warn({ message: id, reason: failure.message }, 'message given up');
        await record(() => repo.markFailed(id, transport.name, failure.message, clock.now()));
        return 'failed';
      }
      await repo.noteAttempt(id, transport.name, failure.message);
      throw failure;
    }
    // a recording that fails (this worker lost the job) leaves the message queued: it goes again, same Message-ID
    await record(async () => {
      await repo.markSent(id, transport.name, receipt.providerRef, clock.now());
    });
    return 'sent';
  }

  return {
    queue,
    deliver,
    transport: transport.name,
    /** Clears bodies older than 30 days; returns how many. */
    clearOldBodies: () => repo.clearBodies(clock.now() - KEEP_BODIES_MS, clock.now()),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
