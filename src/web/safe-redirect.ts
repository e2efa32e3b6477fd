const PLACEHOLDER = 'http://packway.invalid';

/**
 * The one check for a redirect target taken from a request: a path on this site, never another host.
 * Browsers read `//host`, `/\host` and tabs or new lines inside a path as ways to another host, so any of those is refused.
 */
export function safeLocalPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 2000 || !value.startsWith('/')) return fallback;
  if (
    value.startsWith('//') ||
    [...value].some((c) => c === '\\' || c.trim() === '' || c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)
  ) {
    return fallback;
  }
  try {
    const url = new URL(value, PLACEHOLDER);
    return url.origin === PLACEHOLDER ? value : fallback;
  } catch {
    return fallback;
  }
}
