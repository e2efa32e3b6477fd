import { dateTime, longDate } from '../shared/dates';

/** Small formatting helpers available in every view as `h`. */
export const viewHelpers = {
  /** A day or an instant as people read it (shared/dates formats every date people see). */
  date: longDate,
  /** An instant with its time. */
  dateTime,
  statusLabel(status: string): string {
    return (
      (
        {
          not_started: 'Not started',
          in_progress: 'In progress',
          completed: 'Completed',
          overdue: 'Overdue',
          achieved: 'Achieved',
          awaiting_review: 'Awaiting review',
          confirmed: 'Confirmed',
          returned: 'Returned',
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
          awaiting_review: 'govuk-tag--blue',
          confirmed: 'govuk-tag--green',
          returned: 'govuk-tag--orange',
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
  /** A download's size as GOV.UK writes it: "850 KB", "2.4 MB". */
  fileSize(bytes: number): string {
    if (bytes < 1000 * 1000) return `${Math.max(1, Math.round(bytes / 1000))} KB`;
    return `${(bytes / 1000 / 1000).toFixed(1)} MB`;
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
