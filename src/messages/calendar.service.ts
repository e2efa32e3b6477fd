import ical from 'ical-generator';
import type { CohortsRepo } from '../cohorts/cohorts.repo';
import type { PackRegistry } from '../content/registry';
import type { Clock } from '../shared/clock';
import { NotFound } from '../shared/errors';
import { hashToken } from '../auth/password';
import type { MessagesRepo } from './messages.repo';

/** One due date in a calendar. */
export interface DueDate {
  cohortId: number;
  moduleId: string;
  title: string;
  dueOn: string;
}

/**
 * Due dates as iCalendar (RFC 5545), through ical-generator: one all-day event per assigned module, on its due day
 * (all-day dates carry no time, so no clock change can move them), a UID that stays the same for as long as the
 * assignment does (so a calendar updates an event rather than adding another), DTSTAMP the time of writing, and text
 * escaped by the generator.
 */
export function dueDatesCalendar(items: DueDate[], publicUrl: string, stamp: Date, name: string): string {
  const host = new URL(publicUrl).hostname || 'packway.invalid';
  const cal = ical({ name, prodId: { company: 'Packway', product: 'Packway', language: 'EN' }, ttl: 3600 });
  for (const item of items) {
    // noon UTC: the day is the same in every zone a server may run in, and date-only values are written from UTC
    const start = new Date(`${item.dueOn}T12:00:00Z`);
    const end = new Date(start.getTime() + 86_400_000);
    const url = `${publicUrl}/modules/${encodeURIComponent(item.moduleId)}`;
    cal.createEvent({
      id: `due-${item.cohortId}-${item.moduleId}@${host}`,
      start,
      end,
      allDay: true,
      stamp,
      summary: `Due: ${item.title}`,
      description: `${item.title} is due today.\n${url}`,
      url,
    });
  }
  return cal.toString();
}

/** A person's secret calendar feed of their due dates, and a single assignment's calendar file. */
export function createCalendarService(
  cohorts: Pick<CohortsRepo, 'learnerAssignments'>,
  repo: Pick<MessagesRepo, 'calendarUser'>,
  packs: PackRegistry,
  cohortPack: (cohortId: number) => Promise<number | null>,
  clock: Clock,
  publicUrl: string,
) {
  async function dueDates(userId: number): Promise<DueDate[]> {
    const out: DueDate[] = [];
    for (const a of await cohorts.learnerAssignments(userId)) {
      if (a.progress === 'completed') continue;
      const pack = await packs.forVersion(await cohortPack(a.cohortId));
      const title = pack.modules.get(a.moduleId)?.title;
      if (title) out.push({ cohortId: a.cohortId, moduleId: a.moduleId, title, dueOn: a.dueOn });
    }
    return out;
  }

  return {
    /** The feed behind a secret address, or undefined when the address is unknown or revoked. */
    async feed(token: string): Promise<string | undefined> {
      const userId = await repo.calendarUser(hashToken(token));
      if (userId === undefined) return undefined;
      return dueDatesCalendar(await dueDates(userId), publicUrl, new Date(clock.now()), 'Packway due dates');
    },
    /** One assigned module's due date as a calendar file. */
    async forModule(userId: number, moduleId: string): Promise<string> {
      const item = (await dueDates(userId)).find((d) => d.moduleId === moduleId);
      if (!item) throw new NotFound('That module is not assigned to you');
      return dueDatesCalendar([item], publicUrl, new Date(clock.now()), item.title);
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
