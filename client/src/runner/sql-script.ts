// Reads a sql step's text the way psql does (statements, variables) and builds the script psql runs.
//
// psql decides where statements end and which `:name` it substitutes, so the runner must read
// the text with the same rules: quotes ('…', E'…', "…", $tag$…$tag$), comments (-- and nested
// /* */), parentheses, `::` casts and backslash meta-commands. Only a few things are derived:
// which variables to bind, the last statement (whose rows `expect` checks) and, for an error,
// which statement a psql line number belongs to.

export interface SqlStatement {
  /** Offsets in the text: from the first character psql keeps to just past the terminator. */
  start: number;
  end: number;
  /** `;`, a `\g`-family meta-command, or the end of the text. */
  terminator: ';' | 'meta' | 'eof';
  /** 1-based lines of the statement's first character and of its terminator. */
  startLine: number;
  endLine: number;
  /** Offset of the terminating `;` (when terminator is ';'). */
  semicolon?: number;
}

export interface SqlVariable {
  name: string;
  /** `:'name'` literal, `:"name"` identifier, `:name` pasted as is. */
  form: 'literal' | 'identifier' | 'raw';
  offset: number;
  line: number;
}

export interface ScannedSql {
  statements: SqlStatement[];
  variables: SqlVariable[];
  /** Whether the text ends (after whitespace and comments) with a meta-command rather than a statement. */
  endsWithMeta: boolean;
}

const IDENT = /[A-Za-z0-9_\u0080-\uffff]/;
const SENDS = /^\\(g|gx|gset|gexec|gdesc|crosstabview)\b/;

/** Splits SQL text into statements and finds psql variable references, in one linear pass. */
export function scanSql(text: string): ScannedSql {
  const statements: SqlStatement[] = [];
  const variables: SqlVariable[] = [];
  let line = 1;
  let i = 0;
  let start = -1;
  let startLine = 0;
  let depth = 0;
  let endsWithMeta = false;
  const n = text.length;
  const advance = (to: number) => {
    for (; i < to && i < n; i++) if (text.charCodeAt(i) === 10) line++;
  };
  const begin = () => {
    if (start < 0) {
      start = i;
      startLine = line;
    }
    endsWithMeta = false;
  };
  const close = (terminator: SqlStatement['terminator'], end: number, semicolon?: number) => {
    if (start >= 0) statements.push({ start, end, terminator, startLine, endLine: line, ...(semicolon !== undefined ? { semicolon } : {}) });
    start = -1;
    depth = 0;
  };
  while (i < n) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r') {
      advance(i + 1);
      continue;
    }
    if (c === '-' && next === '-') {
      const nl = text.indexOf('\n', i);
      advance(nl === -1 ? n : nl);
      continue;
    }
    if (c === '/' && next === '*') {
      begin();
      let d = 0;
      let j = i;
      while (j < n) {
        if (text[j] === '/' && text[j + 1] === '*') {
          d++;
          j += 2;
        } else if (text[j] === '*' && text[j + 1] === '/') {
          d--;
          j += 2;
          if (d === 0) break;
        } else j++;
      }
      advance(j);
      continue;
    }
    if (c === '\\') {
      // A meta-command runs to the end of its line; the \g family sends the statement before it.
      const nl = text.indexOf('\n', i);
      const cmd = text.slice(i, nl === -1 ? n : nl);
      if (SENDS.test(cmd) && start >= 0) {
        advance(nl === -1 ? n : nl);
        close('meta', i);
      } else {
        if (start < 0) endsWithMeta = true;
        advance(nl === -1 ? n : nl);
      }
      continue;
    }
    if (c === "'" || c === '"') {
      begin();
      const escapes = c === "'" && (text[i - 1] === 'E' || text[i - 1] === 'e') && !IDENT.test(text[i - 2] ?? ' ');
      let j = i + 1;
      while (j < n) {
        if (escapes && text[j] === '\\') j += 2;
        else if (text[j] === c) {
          if (text[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      advance(j + 1);
      continue;
    }
    if (c === '$' && !IDENT.test(text[i - 1] ?? ' ')) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (m) {
        begin();
        const close$ = text.indexOf(m[0], i + m[0].length);
        advance(close$ === -1 ? n : close$ + m[0].length);
        continue;
      }
    }
    if (c === ':') {
      if (next === ':') {
        begin();
        advance(i + 2);
        continue;
      }
      const m = /^:(?:'([A-Za-z0-9_]+)'|"([A-Za-z0-9_]+)"|([A-Za-z0-9_]+))/.exec(text.slice(i, i + 200));
      if (m) {
        begin();
        variables.push({ name: (m[1] ?? m[2] ?? m[3])!, form: m[1] ? 'literal' : m[2] ? 'identifier' : 'raw', offset: i, line });
        advance(i + m[0].length);
        continue;
      }
    }
    begin();
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0) {
      const at = i;
      advance(at + 1);
      close(';', at + 1, at);
      continue;
    }
    advance(i + 1);
  }
  if (start >= 0) {
    statements.push({ start, end: n, terminator: 'eof', startLine, endLine: line });
  }
  return { statements, variables, endsWithMeta };
}

/** The text psql runs, and which runbook-text line each of its lines came from (0: added by the runner). */
export interface BuiltScript {
  text: string;
  /** origin[k] is the 1-based line of the step's SQL for line k+1 of `text`, or 0. */
  origin: number[];
}

class ScriptBuilder {
  text = '';
  origin: number[] = [0];

  /** Appends text from the step's SQL starting at 1-based line `from`, or runner text (from = 0). */
  add(piece: string, from: number): void {
    const parts = piece.split('\n');
    parts.forEach((part, k) => {
      if (k > 0) this.origin.push(from === 0 ? 0 : from + k);
      else if (from !== 0 && part.trim() !== '' && this.origin[this.origin.length - 1] === 0) this.origin[this.origin.length - 1] = from;
    });
    this.text += piece;
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export interface ResultMarkers {
  nonce: string;
  /** Printed in place of NULL in the last statement's CSV. */
  nullText: string;
}

/**
 * Builds the script: `\getenv` for each bound variable (psql reads the value from the step's
 * environment itself, so no value is ever parsed as SQL or psql syntax), then the step's SQL. With
 * `markers`, the last statement is sent with `\g (format=csv …)` between marker lines, followed by
 * its ROW_COUNT and its column types (`\gdesc`), for the row checks.
 */
export function buildScript(sql: string, scanned: ScannedSql, bind: string[], markers?: ResultMarkers): BuiltScript {
  const b = new ScriptBuilder();
  for (const name of bind) b.add(`\\getenv ${name} ${name}\n`, 0);
  const last = scanned.statements[scanned.statements.length - 1];
  if (!markers || !last) {
    b.add(sql, 1);
    if (!sql.endsWith('\n')) b.add('\n', 0);
    return b;
  }
  const tag = `[runsafe:${markers.nonce}]`;
  b.add(sql.slice(0, last.start), 1);
  b.add(`\n\\qecho '-- result (csv) ${tag}'\n`, 0);
  const bodyEnd = last.semicolon ?? last.end;
  b.add(sql.slice(last.start, bodyEnd), last.startLine);
  b.add(` \\g (format=csv null='${markers.nullText}')\n\\qecho '-- rows:' :ROW_COUNT '${tag}'\n\\qecho '-- types ${tag}'\n\\pset format csv\n\\gdesc\n`, 0);
  const rest = sql.slice(last.terminator === ';' ? last.end : bodyEnd);
  if (rest.trim() !== '') b.add(rest, lineAt(sql, last.end));
  return b;
}

/** Parses CSV as psql writes it (RFC 4180, `\n` records); `nullText` unquoted stands for NULL. */
export function parseCsv(text: string, nullText?: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  const n = text.length;
  if (n === 0) return rows;
  for (;;) {
    let value: string | null;
    if (text[i] === '"') {
      let j = i + 1;
      let out = '';
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) {
          out += text.slice(j);
          j = n;
          break;
        }
        out += text.slice(j, q);
        if (text[q + 1] === '"') {
          out += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      value = out;
      i = j;
    } else {
      let j = i;
      while (j < n && text[j] !== ',' && text[j] !== '\n') j++;
      const raw = text.slice(i, j).replace(/\r$/, '');
      value = nullText !== undefined && raw === nullText ? null : raw;
      i = j;
    }
    row.push(value);
    if (i >= n) {
      rows.push(row);
      break;
    }
    if (text[i] === ',') i++;
    else {
      rows.push(row);
      row = [];
      i++;
      if (i >= n) break;
    }
  }
  return rows;
}

export interface LastResult {
  columns: string[];
  rows: (string | null)[][];
  types: string[];
  rowCount: number | undefined;
}

/** Reads the marked result of the last statement out of psql's stdout; undefined when the markers are absent. */
export function readLastResult(stdout: string, markers: ResultMarkers): LastResult | undefined {
  const tag = `[runsafe:${markers.nonce}]`;
  const open = stdout.lastIndexOf(`-- result (csv) ${tag}\n`);
  if (open === -1) return undefined;
  const bodyStart = open + `-- result (csv) ${tag}\n`.length;
  const countRe = new RegExp(`^-- rows: (\\d*) \\[runsafe:${markers.nonce}\\]$`, 'm');
  const rest = stdout.slice(bodyStart);
  const count = countRe.exec(rest);
  if (!count) return undefined;
  const csv = parseCsv(rest.slice(0, count.index), markers.nullText);
  const typesMark = `-- types ${tag}\n`;
  const t = rest.indexOf(typesMark, count.index);
  const types = new Map<string, string>();
  if (t !== -1) for (const [name, type] of parseCsv(rest.slice(t + typesMark.length).replace(/\n$/, '')).slice(1)) if (name !== null && name !== undefined) types.set(name, type ?? '');
  const columns = (csv[0] ?? []).map((c) => c ?? '');
  return {
    columns,
    rows: csv.slice(1),
    types: columns.map((c) => types.get(c) ?? 'text'),
    rowCount: count[1] === '' ? undefined : Number(count[1]),
  };
}

/** A cell as the value its PostgreSQL type means: booleans, numbers and JSON parsed; the rest as text. */
export function typedCell(value: string | null, type: string): unknown {
  if (value === null) return null;
  if (type === 'boolean') return value === 't' ? true : value === 'f' ? false : value;
  if (/^(smallint|integer|bigint|numeric|real|double precision)(\(|$)/.test(type)) {
    const num = Number(value);
    return Number.isFinite(num) && (type !== 'bigint' || Number.isSafeInteger(num)) ? num : value;
  }
  if (type === 'json' || type === 'jsonb') {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return value;
}
