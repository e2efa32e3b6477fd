import type { FormField } from '../content/types';
import { isRealIsoDay } from '../shared/dates';

/**
 * Plain-English error messages for a form's fields, in the GOV.UK Design System's style: "Enter how far you have made
 * this shift", "Date of the visit must be a real date" (never "Group: Label is required").
 */

const WH = /^(how far|how often|how much|how many|how|what|which|who|whom|when|where|why)\s+/i;
const AUX =
  /^(have|has|had|do|does|did|will|would|are|is|was|were|can|could|should|may|might)\s+(you|we|they|it|i)\s+/i;

const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * What a field asks for, as words to put after "Enter" or "Select": "How far have you made this shift?" becomes
 * "how far you have made this shift", "Have you agreed …?" becomes "whether you have agreed …", "Host organisation"
 * becomes "the host organisation", "What you want to find out" stays as it is.
 */
export function whatItAsks(label: string): string {
  const text = label.trim().replace(/[?:.]+$/, '');
  const wh = WH.exec(text);
  if (wh) {
    const rest = text.slice(wh[0].length);
    const aux = AUX.exec(rest);
    if (!aux) return lowerFirst(text);
    const verb = aux[1].toLowerCase();
    const tail = rest.slice(aux[0].length);
    const subject = aux[2] === 'i' ? 'I' : aux[2].toLowerCase();
    // "What do you want" → "what you want"; "How far have you made" → "how far you have made"
    const keep = /^(do|does|did)$/.test(verb) ? '' : `${verb} `;
    return `${wh[1].toLowerCase()} ${subject} ${keep}${tail}`;
  }
  const yesNo = AUX.exec(text);
  if (yesNo) {
    const subject = yesNo[2] === 'i' ? 'I' : yesNo[2].toLowerCase();
    return `whether ${subject} ${yesNo[1].toLowerCase()} ${text.slice(yesNo[0].length)}`;
  }
  if (/^(your|whether|if|the|a|an)\s/i.test(text)) return lowerFirst(text);
  return `the ${lowerFirst(text)}`;
}

/** The field's name at the start of a sentence: "Date of the visit", "Your answer to ‘How far …?’". */
export function subjectOf(label: string): string {
  const text = label.trim();
  if (text.endsWith('?')) return `Your answer to ‘${text}’`;
  return upperFirst(text.replace(/[:.]+$/, ''));
}

/** "Enter …" or "Select …", as the GOV.UK patterns say for a text box or a choice. */
export function requiredMessage(f: FormField): string {
  const verb = f.type === 'radios' || f.type === 'select' || f.type === 'checkboxes' ? 'Select' : 'Enter';
  return `${verb} ${whatItAsks(f.label)}`;
}

export function tooLongMessage(label: string, max: number): string {
  return `${subjectOf(label)} must be ${max.toLocaleString('en-GB')} characters or fewer`;
}

/** A date as posted: an ISO day (the API) or the GOV.UK date input's three parts (the page). */
export interface DateParts {
  day?: unknown;
  month?: unknown;
  year?: unknown;
}

export type DateCheck =
  { kind: 'empty' } | { kind: 'ok'; iso: string } | { kind: 'problem'; message: string };

const partText = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '');

/** Reads a date (an ISO day or day, month and year) and says what is wrong with it in the GOV.UK date input's words. */
export function checkDate(raw: unknown, label: string): DateCheck {
  const name = subjectOf(label);
  const real = { kind: 'problem', message: `${name} must be a real date` } as const;
  if (raw === undefined || raw === null) return { kind: 'empty' };
  if (typeof raw === 'string') {
    const v = raw.trim();
    if (!v) return { kind: 'empty' };
    return isRealIsoDay(v) ? { kind: 'ok', iso: v } : real;
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) return real;
  const p = raw as DateParts;
  const [d, m, y] = [partText(p.day), partText(p.month), partText(p.year)];
  if (!d && !m && !y) return { kind: 'empty' };
  const missing = [!d && 'day', !m && 'month', !y && 'year'].filter(Boolean) as string[];
  if (missing.length)
    return {
      kind: 'problem',
      message: `${name} must include a ${missing.length === 2 ? missing.join(' and ') : missing[0]}`,
    };
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d+$/.test(y)) return real;
  if (y.length !== 4) return { kind: 'problem', message: `${name} must include a year with 4 numbers` };
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isRealIsoDay(iso) ? { kind: 'ok', iso } : real;
}
