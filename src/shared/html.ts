const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const SPECIAL = /[&<>"']/;

/**
 * Escapes text for HTML content and attribute values (&, <, >, quotes). Most values on a page (ids, titles, dates)
 * need nothing: one test finds that, and only the rest pay for the replacing.
 */
export function escapeHtml(value: string): string {
  return SPECIAL.test(value) ? value.replace(/[&<>"']/g, (c) => ENTITIES[c]) : value;
}

/** What EJS's `<%= %>` calls: like escapeHtml, for any value (null and undefined print nothing). */
export function escapeForTemplate(value: unknown): string {
  return value === undefined || value === null ? '' : escapeHtml(String(value));
}
