import { z } from 'zod';

const part = z.string().trim().max(4).optional().catch(undefined);

/**
 * `GET /audit?action=&person=&from-day=&from-month=&from-year=&to-…&page=`: the log's filters. A hand-edited bad
 * page or action falls back to the default; dates are checked by `dayFrom` so the page can say what is wrong.
 */
export const auditQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).optional().default(1).catch(1),
  action: z
    .string()
    .regex(/^[a-z_.]{1,40}$/)
    .optional()
    .catch(undefined),
  person: z.string().trim().max(100).optional().catch(undefined),
  'from-day': part,
  'from-month': part,
  'from-year': part,
  'to-day': part,
  'to-month': part,
  'to-year': part,
});
export type AuditQuery = z.infer<typeof auditQuery>;

/** A GOV.UK date input's three parts as `YYYY-MM-DD`: null when all are empty, an error message when not a real date. */
export function dayFrom(
  label: string,
  day?: string,
  month?: string,
  year?: string,
): { day: string | null; error?: string } {
  if (!day && !month && !year) return { day: null };
  const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean);
  if (missing.length) return { day: null, error: `${label} must include a ${missing.join(' and ')}` };
  if (!/^\d{1,2}$/.test(day!) || !/^\d{1,2}$/.test(month!) || !/^\d{4}$/.test(year!))
    return { day: null, error: `${label} must be a real date, like 27 3 2026` };
  const iso = `${year}-${month!.padStart(2, '0')}-${day!.padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso)
    return { day: null, error: `${label} must be a real date, like 27 3 2026` };
  return { day: iso };
}
