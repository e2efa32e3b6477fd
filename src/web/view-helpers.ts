// Intl formatters are costly to build: make each once, not per call.
const DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

/**
 * Days already formatted: a page lists the same few due dates again and again, and Intl formatting costs microseconds
 * each. Keyed by the `YYYY-MM-DD` text; emptied when it grows past a bound (there are only so many days in use).
 */
const DAYS = new Map<string, string>();
const DAYS_KEPT = 2000;

function formatDate(iso: string | Date): string {
  const d = typeof iso === 'string' && iso.length === 10 ? new Date(`${iso}T00:00:00Z`) : new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return DATE.format(d);
}

/** Small formatting helpers available in every view as `h`. */
export const viewHelpers = {
  date(iso: string | Date | null | undefined): string {
    if (!iso) return '';
    if (typeof iso !== 'string' || iso.length !== 10) return formatDate(iso);
    let text = DAYS.get(iso);
    if (text === undefined) {
      text = formatDate(iso);
      if (DAYS.size >= DAYS_KEPT) DAYS.clear();
      DAYS.set(iso, text);
    }
    return text;
  },
  dateTime(iso: string | Date | null | undefined): string {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    return DATE_TIME.format(d);
  },
  statusLabel(status: string): string {
    return (
      (
        {
          not_started: 'Not started',
          in_progress: 'In progress',
          completed: 'Completed',
          overdue: 'Overdue',
          achieved: 'Achieved',
        } as Record<string, string>
      )[status] ?? status
    );
  },
  statusTag(status: string): string {
    return (
      (
        {
          not_started: 'govuk-tag--grey',
          in_progress: 'govuk-tag--light-blue',
          completed: 'govuk-tag--green',
          achieved: 'govuk-tag--green',
          overdue: 'govuk-tag--red',
        } as Record<string, string>
      )[status] ?? ''
    );
  },
  /** A reference as text plus its web address, so the address can be a link. */
  reference(source: string): { text: string; url: string | null } {
    const match = /\s*(https?:\/\/\S+?)[.,;)]?\s*$/.exec(source);
    return match ? { text: source.slice(0, match.index).trim(), url: match[1] } : { text: source, url: null };
  },
  plural(n: number, one: string, many = `${one}s`): string {
    return `${n} ${n === 1 ? one : many}`;
  },
  fieldId(name: string): string {
    return name.replace(/[^a-zA-Z0-9_-]/g, '-');
  },
  kindLabel(kind: string): string {
    return (
      (
        {
          introduction: 'Introduction',
          behaviours: 'Behaviours',
          'learning-area': 'Learning area',
          'raid-guidelines': 'Organisational raid',
          'case-study-guidelines': 'Guidance',
          'case-study': 'Case study',
          activity: 'Activity',
          slides: 'Slides',
        } as Record<string, string>
      )[kind] ?? kind
    );
  },
};
