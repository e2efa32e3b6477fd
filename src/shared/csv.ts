import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { Invalid } from './errors';

/** Reads CSV text (RFC 4180: quoted fields, doubled quotes, new lines inside quotes, CRLF or LF, a byte-order mark). */
export function parseCsv(text: string): string[][] {
  try {
    return parse(text, {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (err) {
    // an unclosed quote or a broken record is the file's problem, not the service's
    throw new Invalid(
      [{ field: 'file', message: `The CSV file could not be read: ${(err as Error).message}` }],
      'The CSV file could not be read',
    );
  }
}

/** A leading = + - @ (or tab, carriage return) would run as a formula in a spreadsheet: a quote keeps it text. */
function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Excel reads a CSV file as the local code page unless it starts with a UTF-8 byte-order mark. */
export const UTF8_BOM = '\uFEFF';

/**
 * Writes rows as CSV with CRLF line ends, every cell safe to open in a spreadsheet. `bom` starts the text with a
 * UTF-8 byte-order mark, so Excel shows "Zoë" and "→" as written (downloads meant for people to open).
 */
export function toCsv(rows: readonly (readonly string[])[], options: { bom?: boolean } = {}): string {
  const text = stringify(
    rows.map((r) => r.map(neutralise)),
    { record_delimiter: '\r\n' },
  );
  return options.bom ? UTF8_BOM + text : text;
}
