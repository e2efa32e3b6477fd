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

const UK_DAY = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** An ISO day as people read it: `2027-03-27` → "27 March 2027" (anything else is returned as it is). */
export function ukDate(isoDay: string): string {
  return isRealIsoDay(isoDay) ? UK_DAY.format(new Date(`${isoDay}T00:00:00Z`)) : isoDay;
}
