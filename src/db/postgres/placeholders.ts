/** A statement rewritten for PostgreSQL: `?` and `@name` become `$1…`, and how to order the values for them. */
export interface PgStatement {
  text: string;
  /** For named parameters: the name behind each `$n`. Null for positional ones. */
  names: string[] | null;
}

/**
 * Rewrites the shared placeholders, skipping quoted strings and identifiers, comments and `::` casts. The same
 * `@name` used twice is one parameter, so PostgreSQL infers one type for it.
 */
export function toPgStatement(sql: string): PgStatement {
  let text = '';
  let positional = 0;
  const names: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = closing(sql, i, c);
      text += sql.slice(i, end);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      text += sql.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      text += `$${++positional}`;
      i++;
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '') && !/[\w@]/.test(sql[i - 1] ?? '')) {
      const match = /^[A-Za-z_]\w*/.exec(sql.slice(i + 1));
      const name = match ? match[0] : '';
      let index = names.indexOf(name);
      if (index === -1) index = names.push(name) - 1;
      text += `$${index + 1}`;
      i += 1 + name.length;
    } else {
      text += c;
      i++;
    }
  }
  if (positional && names.length) throw new Error(`a statement mixes ? and @name placeholders: ${sql}`);
  return { text, names: names.length ? names : null };
}

function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}
