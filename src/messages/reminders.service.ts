import type { UnitOfWork } from '../db/ports';
import type { PackRegistry } from '../content/registry';
import type { Clock } from '../shared/clock';
import { addDays, londonNow } from '../shared/dates';
import type { Outbox } from './outbox.service';
import type { MessagesService } from './messages.service';
import type { DueItem, RemindersRepo } from './reminders.repo';
import { notices, type ModuleDue } from './notices';
import type { Sender } from './templates';

export interface ReminderSettings {
  /** REMINDER_DAYS_BEFORE: 0 sends no due-soon reminders. */
  daysBefore: number;
  /** TRAINER_DIGEST_DAY, or 'off'. */
  digestDay: string;
  /** SELF_ASSESSMENT_REPEAT_WEEKS: 0 sends no follow-up. */
  repeatWeeks: number;
}

/** An overdue module is noticed up to this many days late, so a long stop does not send notices of old due dates. */
export const OVERDUE_CATCH_UP_DAYS = 14;
/** The weekly summary is sent from this hour (Europe/London) on its day. */
export const DIGEST_HOUR = 7;

/**
 * The reminder job's work: what has become due since its last run (due soon, overdue), grouped into one message per
 * learner per day; the trainers' weekly summary; the self-assessment follow-up. Reads come first; the writes (what
 * was reminded, the messages, the job's end) commit together, so a run that dies sends nothing and the next catches up.
 */
export function createReminders(
  uow: UnitOfWork,
  repo: RemindersRepo,
  outbox: Outbox,
  messages: Pick<MessagesService, 'unsubscribeLink'>,
  packs: PackRegistry,
  clock: Clock,
  sender: Sender,
  settings: ReminderSettings,
) {
  const write = notices(sender);
  const moduleUrl = (id: string) => `${sender.publicUrl}/modules/${encodeURIComponent(id)}`;

  async function titled(item: DueItem): Promise<ModuleDue> {
    const pack = await packs.forVersion(item.variantVersionId);
    return {
      title: pack.modules.get(item.moduleId)?.title ?? item.moduleId,
      dueOn: item.dueOn,
      url: moduleUrl(item.moduleId),
    };
  }

  /** Runs once; `finish` ends the job inside the same unit of work as the messages. Answers how many were queued. */
  async function run(
    finish: () => Promise<void>,
  ): Promise<{ reminders: number; digests: number; followUps: number }> {
    const now = clock.now();
    const { day, hour, weekday } = londonNow(now);
    const horizon = settings.daysBefore > 0 ? addDays(day, settings.daysBefore) : null;
    const items = await repo.due(day, horizon, addDays(day, -OVERDUE_CATCH_UP_DAYS));
    const byLearner = new Map<number, { item: DueItem; module: ModuleDue }[]>();
    for (const item of items) {
      const list = byLearner.get(item.userId) ?? [];
      list.push({ item, module: await titled(item) });
      byLearner.set(item.userId, list);
    }
    const digestDue = settings.digestDay !== 'off' && weekday === settings.digestDay && hour >= DIGEST_HOUR;
    const digest = digestDue ? await repo.digest(day, new Date(now - 7 * 86_400_000).toISOString()) : [];
    const saModules = [...packs.base.modules.values()].filter(
      (m) => m.id.includes('self-assessment') && m.form,
    );
    const followUps =
      settings.repeatWeeks > 0
        ? await repo.selfAssessmentsDue(
            saModules.map((m) => m.id),
            new Date(now - settings.repeatWeeks * 7 * 86_400_000).toISOString(),
          )
        : [];

    return uow.run(async () => {
      const counts = { reminders: 0, digests: 0, followUps: 0 };
      for (const [userId, list] of byLearner) {
        const first = list[0].item;
        const soon = list.filter((l) => l.item.kind === 'due_soon').map((l) => l.module);
        const late = list.filter((l) => l.item.kind === 'overdue').map((l) => l.module);
        const draft = write.reminder(
          first.name,
          soon,
          late,
          await messages.unsubscribeLink(userId, 'reminder'),
        );
        // one reminder message per learner per day: what becomes due later today waits for tomorrow's
        const queued = await outbox.queue(draft, { userId, email: first.email }, `reminder:${userId}:${day}`);
        if (queued === 'duplicate') continue;
        for (const l of list) await repo.markReminded(l.item, now);
        if (queued !== 'opted_out') counts.reminders++;
      }
      const byTrainer = new Map<number, typeof digest>();
      for (const c of digest) byTrainer.set(c.trainerId, [...(byTrainer.get(c.trainerId) ?? []), c]);
      for (const [trainerId, cohorts] of byTrainer) {
        const draft = write.digest(
          cohorts[0].trainerName,
          cohorts.map((c) => ({
            ...c,
            name: c.cohortName,
            url: `${sender.publicUrl}/cohorts/${c.cohortId}`,
          })),
          await messages.unsubscribeLink(trainerId, 'digest'),
        );
        const queued = await outbox.queue(
          draft,
          { userId: trainerId, email: cohorts[0].trainerEmail },
          `digest:${trainerId}:${day}`,
        );
        if (typeof queued === 'number') counts.digests++;
      }
      for (const f of followUps) {
        const draft = write.selfAssessment(
          f.name,
          moduleUrl(f.moduleId),
          settings.repeatWeeks,
          await messages.unsubscribeLink(f.userId, 'self_assessment'),
        );
        const queued = await outbox.queue(
          draft,
          { userId: f.userId, email: f.email },
          `self-assessment:${f.userId}:${f.moduleId}`,
        );
        if (typeof queued === 'number') counts.followUps++;
      }
      await outbox.clearOldBodies();
      await finish();
      return counts;
    });
  }

  return { run };
}

export type Reminders = ReturnType<typeof createReminders>;
