// A SQL tokenizer covering the dialects runbooks use (PostgreSQL, MySQL, SQLite): strings, quoted names, comments.

export type SqlTokenKind =
  | 'word'
  | 'quoted-ident'
  | 'string'
  | 'number'
  | 'param'
  | 'punct'
  | 'operator'
  | 'comment'
  | 'meta'
  | 'space';

export interface SqlToken {
  kind: SqlTokenKind;
  start: number;
  end: number;
  /** Words: upper-cased for keywords comparison; quoted identifiers: the name without quotes. */
  value: string;
}

const wordStart = /[A-Za-z_\u0080-\uffff]/;
const wordChar = /[A-Za-z0-9_$\u0080-\uffff]/;

/**
 * Splits SQL into tokens. Never throws: an unterminated string or comment runs to the end of the text,
 * which is what the server would see too.
 */
export function tokenizeSql(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  const n = sql.length;
  let i = 0;
  let lineStart = true;
  const push = (kind: SqlTokenKind, start: number, end: number, value = sql.slice(start, end)): void => {
    out.push({ kind, start, end, value });
  };
  while (i < n) {
    const c = sql[i]!;
    const start = i;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      while (i < n && /\s/.test(sql[i]!)) {
        if (sql[i] === '\n') lineStart = true;
        i++;
      }
      push('space', start, i);
      continue;
    }
    const atLineStart = lineStart;
    lineStart = false;
    // psql meta-commands (`\q`, `\c db`) run to the end of the line.
    if (c === '\\' && atLineStart) {
      while (i < n && sql[i] !== '\n') i++;
      push('meta', start, i);
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
      push('comment', start, i);
      continue;
    }
    if (c === '#' && atLineStart) {
      // MySQL line comments; harmless elsewhere because `#` starts no other token at a line start.
      while (i < n && sql[i] !== '\n') i++;
      push('comment', start, i);
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      // PostgreSQL block comments nest.
      let depth = 0;
      while (i < n) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      push('comment', start, i);
      continue;
    }
    if (c === "'" || ((c === 'E' || c === 'e') && sql[i + 1] === "'")) {
      const backslashes = c !== "'";
      i += c === "'" ? 1 : 2;
      i = endOfQuoted(sql, i, "'", backslashes);
      push('string', start, i);
      continue;
    }
    if (c === '"' || c === '`') {
      i = endOfQuoted(sql, i + 1, c, false);
      const inner = sql.slice(start + 1, Math.max(start + 1, i - 1)).split(c + c).join(c);
      push('quoted-ident', start, i, inner);
      continue;
    }
    if (c === '[' && /[A-Za-z_]/.test(sql[i + 1] ?? '') && sql.indexOf(']', i) > 0 && !/[\s,]/.test(sql.slice(i + 1, sql.indexOf(']', i)))) {
      // SQL Server style [name]: only when it looks like a single identifier.
      i = sql.indexOf(']', i) + 1;
      push('quoted-ident', start, i, sql.slice(start + 1, i - 1));
      continue;
    }
    if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close < 0 ? n : close + tag[0].length;
        push('string', start, i);
        continue;
      }
      if (/[0-9]/.test(sql[i + 1] ?? '')) {
        i++;
        while (i < n && /[0-9]/.test(sql[i]!)) i++;
        push('param', start, i);
        continue;
      }
    }
    if (c === ':' && /[A-Za-z_'"{]/.test(sql[i + 1] ?? '') && sql[i - 1] !== ':') {
      // psql variables: :name, :'name', :"name".
      i++;
      if (sql[i] === "'" || sql[i] === '"') i = endOfQuoted(sql, i + 1, sql[i]!, false);
      else while (i < n && wordChar.test(sql[i]!)) i++;
      push('param', start, i);
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < n && /[0-9a-zA-Z_.]/.test(sql[i]!)) {
        if ((sql[i] === 'e' || sql[i] === 'E') && (sql[i + 1] === '+' || sql[i + 1] === '-')) i++;
        i++;
      }
      push('number', start, i);
      continue;
    }
    if (wordStart.test(c)) {
      while (i < n && wordChar.test(sql[i]!)) i++;
      push('word', start, i, sql.slice(start, i).toUpperCase());
      continue;
    }
    if ('(),;.[]'.includes(c)) {
      push('punct', start, i + 1);
      i++;
      continue;
    }
    while (i < n && '+-*/<>=~!@#%^&|?:'.includes(sql[i]!) && !(sql[i] === '-' && sql[i + 1] === '-') && !(sql[i] === '/' && sql[i + 1] === '*')) i++;
    if (i === start) i++;
    push('operator', start, i);
  }
  return out;
}

function endOfQuoted(sql: string, i: number, quote: string, backslashes: boolean): number {
  while (i < sql.length) {
    const c = sql[i]!;
    if (backslashes && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length;
}
