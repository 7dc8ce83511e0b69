// Finds the SQL a script sends to database clients: psql -c, -f, heredocs, here-strings, echo piped in.
import type { ShellCommand, ShellParse, ShellWord } from '../shell/types';
import { heredocSource, joinMapped, mappedSpan, wordSource, type MappedText } from '../shell/text';
import { parseSql, type SqlStatement } from './statements';

export interface SqlSource {
  /** The database client command, e.g. psql. */
  commandId: number;
  client: string;
  via: 'argument' | 'heredoc' | 'herestring' | 'pipe' | 'file';
  /** The SQL as the client receives it, shell expansions kept as written; null for files (opaque). */
  sql: MappedText | null;
  /** The file named by `-f file`/`< file`, when the SQL is opaque. */
  file: string | null;
  statements: SqlStatement[];
  /** Script span of where the SQL is written (the `-c` word, the heredoc body, the file name). */
  span: { start: number; end: number };
}

interface ClientSpec {
  /** Options whose value is SQL. */
  inline: string[];
  /** Options whose value is a file of SQL. */
  files: string[];
  /** Options taking a value that is not SQL (so their value is not mistaken for a positional). */
  withArg: string[];
  /** sqlite3 db "SQL": the nth positional is SQL. */
  positionalSql?: number;
}

const clients: Record<string, ClientSpec> = {
  psql: { inline: ['-c', '--command'], files: ['-f', '--file'], withArg: ['-h', '--host', '-p', '--port', '-U', '--username', '-d', '--dbname', '-v', '--set', '--variable', '-o', '--output', '-P', '--pset', '-F', '-R', '-T', '-L', '--log-file'] },
  mysql: { inline: ['-e', '--execute'], files: [], withArg: ['-h', '--host', '-P', '--port', '-u', '--user', '-D', '--database', '-S', '--socket'] },
  mariadb: { inline: ['-e', '--execute'], files: [], withArg: ['-h', '--host', '-P', '--port', '-u', '--user', '-D', '--database', '-S', '--socket'] },
  sqlite3: { inline: ['-cmd'], files: ['-init'], withArg: ['-separator', '-nullvalue', '-newline'], positionalSql: 1 },
  duckdb: { inline: ['-c', '-cmd', '-s'], files: ['-f', '-init'], withArg: [], positionalSql: 1 },
  cockroach: { inline: ['-e', '--execute'], files: ['-f', '--file'], withArg: ['--url', '--host', '--port', '-u', '--user', '-d', '--database', '--certs-dir'] },
  'clickhouse-client': { inline: ['-q', '--query'], files: ['--queries-file'], withArg: ['-h', '--host', '--port', '-u', '--user', '-d', '--database', '--password'] },
  sqlcmd: { inline: ['-Q', '-q'], files: ['-i'], withArg: ['-S', '-U', '-P', '-d', '-o'] },
};

export function isSqlClient(name: string | null): boolean {
  return name !== null && Object.prototype.hasOwnProperty.call(clients, name);
}

/** Every SQL text the script hands to a database client, parsed into statements. */
export function sqlOf(parse: ShellParse): SqlSource[] {
  const out: SqlSource[] = [];
  for (const cmd of parse.commands) {
    const spec = cmd.name ? clients[cmd.name] : undefined;
    if (!spec) continue;
    const found = fromArguments(cmd, spec);
    for (const f of found) out.push(f);
    const hasInline = found.length > 0;
    for (const r of cmd.redirects) {
      if (r.heredoc && r.fd === 0) {
        out.push(source(cmd, 'heredoc', heredocSource(r.heredoc), null, r.heredoc.bodySpan));
      } else if (r.operator === '<<<' && r.target) {
        out.push(source(cmd, 'herestring', wordSource(r.target), null, r.target.span));
      } else if (r.operator === '<' && r.target && r.fd === 0) {
        out.push(source(cmd, 'file', null, r.target.value, r.target.span));
      }
    }
    if (!hasInline && cmd.stdinFrom === 'pipe') {
      for (const fromId of cmd.pipeFrom) {
        const from = parse.commands[fromId]!;
        const piped = pipedText(from);
        if (piped) out.push(source(cmd, 'pipe', piped.sql, piped.file, piped.span));
      }
    }
  }
  return out;
}

function source(cmd: ShellCommand, via: SqlSource['via'], sql: MappedText | null, file: string | null, span: { start: number; end: number }): SqlSource {
  return { commandId: cmd.id, client: cmd.name!, via, sql, file, statements: sql ? parseSql(sql.text) : [], span };
}

function fromArguments(cmd: ShellCommand, spec: ClientSpec): SqlSource[] {
  const out: SqlSource[] = [];
  const args = cmd.args;
  let positional = 0;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const v = w.value;
    const glued = v !== null ? gluedOption(v, [...spec.inline, ...spec.files]) : null;
    if (glued) {
      const valueWord = sliceWord(w, glued.valueStart);
      if (spec.inline.includes(glued.option)) out.push(source(cmd, 'argument', wordSource(valueWord), null, valueWord.span));
      else out.push(source(cmd, 'file', null, valueWord.value, valueWord.span));
      continue;
    }
    if (v !== null && spec.inline.includes(v) && args[i + 1]) {
      const sqlWord = args[++i]!;
      out.push(source(cmd, 'argument', wordSource(sqlWord), null, sqlWord.span));
      continue;
    }
    if (v !== null && spec.files.includes(v) && args[i + 1]) {
      const fileWord = args[++i]!;
      out.push(source(cmd, 'file', null, fileWord.value, fileWord.span));
      continue;
    }
    if (v !== null && spec.withArg.includes(v)) {
      i++;
      continue;
    }
    if (v !== null && v.startsWith('-')) continue;
    if (spec.positionalSql !== undefined && positional++ === spec.positionalSql) out.push(source(cmd, 'argument', wordSource(w), null, w.span));
  }
  return out;
}

/** `-cSQL`, `--command=SQL`, `--file=x`: the option and where its value starts in the word's value. */
function gluedOption(v: string, options: string[]): { option: string; valueStart: number } | null {
  for (const o of options) {
    if (o.startsWith('--') && v.startsWith(`${o}=`)) return { option: o, valueStart: o.length + 1 };
    if (!o.startsWith('--') && o.length === 2 && v.startsWith(o) && v.length > 2) return { option: o, valueStart: 2 };
  }
  return null;
}

/** The part of a static word after its first n decoded characters, as a word of its own. */
function sliceWord(w: ShellWord, n: number): ShellWord {
  const src = wordSource(w);
  const value = w.value === null ? null : w.value.slice(n);
  const map = src.map.slice(n);
  return {
    span: { start: map[0] ?? w.span.end, end: w.span.end },
    text: w.text,
    value,
    pieces: [{ kind: 'literal', value: src.text.slice(n), map, quoting: 'unquoted' }],
    expansions: w.expansions,
    substitutionIds: w.substitutionIds,
  };
}

/** What `echo …`, `printf …` or `cat <<EOF` writes into a pipe. */
function pipedText(from: ShellCommand): { sql: MappedText | null; file: string | null; span: { start: number; end: number } } | null {
  if (from.name === 'echo' || from.name === 'printf') {
    let words = from.args;
    if (from.name === 'echo') while (words[0]?.value && /^-[neE]+$/.test(words[0].value)) words = words.slice(1);
    if (words.length === 0) return null;
    const sql = joinMapped(words.map(wordSource));
    return { sql, file: null, span: { start: words[0]!.span.start, end: words[words.length - 1]!.span.end } };
  }
  if (from.name === 'cat') {
    const doc = from.redirects.find((r) => r.heredoc);
    if (doc?.heredoc) {
      return { sql: heredocSource(doc.heredoc), file: null, span: doc.heredoc.bodySpan };
    }
    const file = from.args.find((w) => !w.value?.startsWith('-'));
    if (file) return { sql: null, file: file.value, span: file.span };
  }
  return null;
}

/** Script span of a statement's part given offsets into the source's SQL text. */
export function sqlSpan(src: SqlSource, start: number, end: number): { start: number; end: number } {
  return src.sql ? mappedSpan(src.sql, start, end) : src.span;
}
