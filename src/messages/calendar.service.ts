import ical from 'ical-generator';
import type { CohortsRepo } from '../cohorts/cohorts.repo';
import type { PackRegistry } from '../content/registry';
import type { FormsRepo, Submission } from '../forms/forms.repo';
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

/** A planned organisational raid: the host and the day of the visit, from the learner's raid plan. */
export interface RaidVisit {
  planId: number;
  host: string;
  day: string;
}

/** One all-day event: what it is, its day and the page it links to. */
interface CalendarDay {
  /** Unique within the service; the host name is added to make it unique in the world. */
  key: string;
  day: string;
  summary: string;
  description: string;
  url: string;
}

/** The raid plan module's id (its form records the host and the visit's day). */
const RAID_PLAN = 'raid-plan';
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Days as iCalendar (RFC 5545), through ical-generator: all-day events (all-day dates carry no time, so no clock
 * change can move them), a UID that stays the same for as long as what it stands for does (so a calendar updates an
 * event rather than adding another), DTSTAMP the time of writing, and text escaped by the generator.
 */
function calendarOf(days: CalendarDay[], publicUrl: string, stamp: Date, name: string): string {
  const host = new URL(publicUrl).hostname || 'packway.invalid';
  const cal = ical({ name, prodId: { company: 'Packway', product: 'Packway', language: 'EN' }, ttl: 3600 });
  for (const item of days) {
    // noon UTC: the day is the same in every zone a server may run in, and date-only values are written from UTC
    const start = new Date(`${item.day}T12:00:00Z`);
    const end = new Date(start.getTime() + 86_400_000);
    const { summary, description, url } = item;
    cal.createEvent({
      id: `${item.key}@${host}`,
      start,
      end,
      allDay: true,
      stamp,
      summary,
      description,
      url,
    });
  }
  return cal.toString();
}

const dueDay =
  (publicUrl: string) =>
  (item: DueDate): CalendarDay => {
    const url = `${publicUrl}/modules/${encodeURIComponent(item.moduleId)}`;
    return {
      key: `due-${item.cohortId}-${item.moduleId}`,
      day: item.dueOn,
      summary: `Due: ${item.title}`,
      description: `${item.title} is due today.\n${url}`,
      url,
    };
  };

const visitDay =
  (publicUrl: string) =>
  (visit: RaidVisit): CalendarDay => {
    const url = `${publicUrl}/modules/${RAID_PLAN}/entries/${visit.planId}`;
    return {
      key: `raid-${visit.planId}`,
      day: visit.day,
      summary: visit.host ? `Raid visit: ${visit.host}` : 'Raid visit',
      description: `Your organisational raid${visit.host ? ` to ${visit.host}` : ''}. Your plan:\n${url}`,
      url,
    };
  };

/** Due dates as a calendar: one all-day event per assigned module, on its due day. */
export function dueDatesCalendar(items: DueDate[], publicUrl: string, stamp: Date, name: string): string {
  return calendarOf(items.map(dueDay(publicUrl)), publicUrl, stamp, name);
}

/** The visits a person's raid plans name: each plan with a day of visit (the host may be blank in a draft). */
export function raidVisitsOf(plans: Submission[]): RaidVisit[] {
  const visits: RaidVisit[] = [];
  for (const plan of plans) {
    const details = plan.data.details ?? {};
    const day = details['visit-date'];
    const host = details.host;
    if (typeof day === 'string' && ISO_DAY.test(day))
      visits.push({ planId: plan.id, host: typeof host === 'string' ? host.trim() : '', day });
  }
  return visits;
}

/** A person's secret calendar feed of their due dates, and a single assignment's calendar file. */
export function createCalendarService(
  cohorts: Pick<CohortsRepo, 'learnerAssignments'>,
  repo: Pick<MessagesRepo, 'calendarUser'>,
  forms: Pick<FormsRepo, 'forModule'>,
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
    /** The feed behind a secret address (due dates and planned raid visits), or undefined when unknown or revoked. */
    async feed(token: string): Promise<string | undefined> {
      const userId = await repo.calendarUser(hashToken(token));
      if (userId === undefined) return undefined;
      const days = [
        ...(await dueDates(userId)).map(dueDay(publicUrl)),
        ...raidVisitsOf(await forms.forModule(userId, RAID_PLAN)).map(visitDay(publicUrl)),
      ];
      return calendarOf(days, publicUrl, new Date(clock.now()), 'Packway due dates and raid visits');
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
