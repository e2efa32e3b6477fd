const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The one date check: `YYYY-MM-DD` naming a day that exists (no 31 April, no month 13, no 29 February 2027). */
export function isRealIsoDay(value: string): boolean {
  const m = ISO_DAY.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** The day of an ISO 8601 date or date-time (`2027-03-27`, `2027-03-27T10:00:00Z`), or null when it is not a real one. */
export function isoDayOf(value: string): string | null {
  const v = value.trim();
  if (isRealIsoDay(v)) return v;
  if (!ISO_DATE_TIME.test(v) || !isRealIsoDay(v.slice(0, 10)) || Number.isNaN(Date.parse(v))) return null;
  return v.slice(0, 10);
}

/** A day from the GOV.UK date input's three fields, as `YYYY-MM-DD` (not yet checked), or '' when all are empty. */
export function dayFromParts(day: unknown, month: unknown, year: unknown): string {
  const [d, m, y] = [day, month, year].map((v) =>
    typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '',
  );
  if (!d && !m && !y) return '';
  return `${y.padStart(4, '0')}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
}

// Every date and time people see (pages, CSV, flash messages, mail-merge files) is formatted here, in the time zone
// the service's users live in. Intl formatters are costly to build: each is made once, not per call.
const ZONE = 'Europe/London';
const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: ZONE,
});
const SHORT_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: ZONE,
});
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: ZONE,
});
/** `YYYY-MM-DD` (the en-CA pattern) of an instant in London. */
const ISO_DAY_IN_ZONE = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  timeZone: ZONE,
});

/** The day it is in London at an instant (ms since the epoch), `YYYY-MM-DD`: what "today" and "overdue" mean. */
export function londonDay(ms: number): string {
  return ISO_DAY_IN_ZONE.format(ms);
}

/**
 * A day (`YYYY-MM-DD`, read as that day) or an instant (a Date or date-time text, read in London) as a Date;
 * undefined when it is not one.
 */
function instantOf(value: string | Date): Date | undefined {
  const d =
    typeof value === 'string' && value.length === 10 ? new Date(`${value}T00:00:00Z`) : new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Days already formatted: a page lists the same few due dates again and again, and Intl formatting costs microseconds
 * each. Keyed by the `YYYY-MM-DD` text; emptied when it grows past a bound (there are only so many days in use).
 */
const DAYS = new Map<string, string>();
const DAYS_KEPT = 2000;

/** A day or an instant as people read it: `2027-03-27` → "27 March 2027"; '' when it is not a date. */
export function longDate(value: string | Date | null | undefined): string {
  if (!value) return '';
  if (typeof value !== 'string' || value.length !== 10) {
    const d = instantOf(value);
    return d ? LONG_DATE.format(d) : '';
  }
  let text = DAYS.get(value);
  if (text === undefined) {
    const d = instantOf(value);
    text = d ? LONG_DATE.format(d) : '';
    if (DAYS.size >= DAYS_KEPT) DAYS.clear();
    DAYS.set(value, text);
  }
  return text;
}

/** A day or an instant, short, for tight columns: "3 Mar 2027"; '' when it is not a date. */
export function shortDate(value: string | Date): string {
  const d = instantOf(value);
  return d ? SHORT_DATE.format(d) : '';
}

/** An instant with its time in London: "27 March 2027 at 14:05"; '' when it is not one. */
export function dateTime(value: string | Date | null | undefined): string {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : DATE_TIME.format(d);
}

/** A day people typed, as they read it: `2027-03-27` → "27 March 2027"; anything but a real day is returned as it is. */
export function ukDate(isoDay: string): string {
  return isRealIsoDay(isoDay) ? longDate(isoDay) : isoDay;
}

const LONDON_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  hourCycle: 'h23',
  weekday: 'long',
});

/** The day (YYYY-MM-DD), hour and weekday in Europe/London: due dates and the summary's day are the UK's. */
export function londonNow(ms: number): { day: string; hour: number; weekday: string } {
  const parts = Object.fromEntries(LONDON_PARTS.formatToParts(ms).map((p) => [p.type, p.value]));
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    weekday: String(parts.weekday).toLowerCase(),
  };
}

/** A `YYYY-MM-DD` day moved by a number of days (calendar days: no clock change can make one 23 or 25 hours). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const DATE_AND_CLOCK_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  // h12, not hour12: en-GB's 12-hour cycle would otherwise be h11 and write noon as "0:00 pm"
  hourCycle: 'h12',
});

/** An instant in London with a 12-hour time, as messages write it: "7 December 2026 at 3:05 pm". */
export function dateAndClockTime(ms: number): string {
  return DATE_AND_CLOCK_TIME.format(ms);
}
