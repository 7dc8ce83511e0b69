// Splits tokenized SQL into statements and finds each one's kind and the tables it reads or changes.
import { pgPending, pgReady, pgStatements } from './pg';
import { tokenizeSql, type SqlToken } from './tokenize';

export type SqlKind =
  | 'SELECT'
  | 'INSERT'
  | 'UPDATE'
  | 'DELETE'
  | 'TRUNCATE'
  | 'DROP'
  | 'ALTER'
  | 'CREATE'
  | 'MERGE'
  | 'COPY'
  | 'GRANT'
  | 'REVOKE'
  | 'BEGIN'
  | 'COMMIT'
  | 'ROLLBACK'
  | 'SET'
  | 'OTHER';

export interface SqlTable {
  /** Table name as the server resolves it: unquoted names lower-cased, quoted names exact. */
  name: string;
  schema: string | null;
  /** Offsets into the SQL text of the whole qualified name. */
  start: number;
  end: number;
  /** `target` tables are changed by the statement; `source` tables are only read. */
  role: 'target' | 'source';
}

export interface SqlStatement {
  kind: SqlKind;
  /** For DROP/ALTER/CREATE/TRUNCATE: the object type (`TABLE`, `USER`, `INDEX`…). */
  object: string | null;
  start: number;
  end: number;
  /** Offsets of the keyword that decides the kind (for ranges that point at `DELETE`). */
  keywordStart: number;
  keywordEnd: number;
  tables: SqlTable[];
  /** UPDATE/DELETE without a WHERE clause touch every row. */
  hasWhere: boolean;
}

const kinds = new Set<string>(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'DROP', 'ALTER', 'CREATE', 'MERGE', 'COPY', 'GRANT', 'REVOKE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SET']);
const startAliases: Record<string, SqlKind> = { START: 'BEGIN', END: 'COMMIT', REPLACE: 'INSERT', UPSERT: 'INSERT', VALUES: 'SELECT', TABLE: 'SELECT', SHOW: 'OTHER', EXPLAIN: 'OTHER' };
/** Words that end a table list (FROM a, b WHERE …). */
const clauseWords = new Set(['WHERE', 'SET', 'VALUES', 'SELECT', 'ON', 'USING', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'GROUP', 'ORDER', 'LIMIT', 'RETURNING', 'UNION', 'EXCEPT', 'INTERSECT', 'HAVING', 'WINDOW', 'OFFSET', 'FETCH', 'FOR', 'DEFAULT', 'OUTPUT', 'AS', 'CASCADE', 'RESTRICT', 'RESTART', 'CONTINUE', 'IDENTITY', 'TO', 'FROM', 'WITH', 'OVERRIDING', 'QUERY', 'PARTITION']);
const tableObjects = new Set(['TABLE', 'VIEW', 'MATERIALIZED', 'FOREIGN', 'TEMPORARY', 'TEMP', 'UNLOGGED']);

/**
 * Parses SQL text into statements. Never throws; unrecognised statements have kind OTHER. The
 * tokenizer splits the text (psql meta-commands such as `\getenv` end a statement and are not SQL);
 * each statement then goes to PostgreSQL's parser when it is installed, and the tokenizer's reading
 * is kept only for text the parser rejects (placeholders, other dialects, fragments).
 */
export function parseSql(sql: string): SqlStatement[] {
  // Read before the adapter has loaded the parser: it lints again once it has, so nothing is kept.
  if (pgPending()) return parseSqlUncached(sql);
  // Every lint reads the same `sql:` texts again; parses are shared (bounded, like the shell parses).
  const key = `${pgReady() ? 'pg' : 'tok'}\u0000${sql}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = parseSqlUncached(sql);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, result);
  return result;
}

const CACHE_LIMIT = 4096;
const cache = new Map<string, SqlStatement[]>();

function parseSqlUncached(sql: string): SqlStatement[] {
  const tokens = tokenizeSql(sql).filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  const out: SqlStatement[] = [];
  let begin = 0;
  let depth = 0;
  for (let i = 0; i <= tokens.length; i++) {
    const t = tokens[i];
    const ends = !t || (t.kind === 'punct' && t.value === ';' && depth === 0) || t.kind === 'meta';
    if (t?.kind === 'punct' && t.value === '(') depth++;
    if (t?.kind === 'punct' && t.value === ')') depth = Math.max(0, depth - 1);
    if (!ends) continue;
    if (i > begin) {
      const part = tokens.slice(begin, i);
      const pg = pgStatements(sql.slice(part[0]!.start, part[part.length - 1]!.end), part[0]!.start);
      if (pg && pg.length > 0) {
        out.push(...pg);
        begin = i + 1;
        depth = 0;
        continue;
      }
      const s = statement(part);
      if (s) out.push(s);
      if (s && isWord(part[0], 'WITH')) out.push(...cteBodies(part));
    }
    begin = i + 1;
    depth = 0;
  }
  return out;
}

function statement(tokens: SqlToken[]): SqlStatement | null {
  const first = tokens[0];
  if (!first) return null;
  let k = 0;
  // WITH cte AS (…), … <verb>: the verb after the CTE list decides the kind.
  if (isWord(first, 'WITH')) {
    let depth = 0;
    for (k = 1; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.kind === 'punct' && t.value === '(') depth++;
      else if (t.kind === 'punct' && t.value === ')') depth--;
      else if (depth === 0 && t.kind === 'word' && kinds.has(t.value) && !isWord(tokens[k - 1], 'AS')) break;
    }
    if (k >= tokens.length) k = 0;
  }
  const verb = tokens[k]!;
  const word = verb.kind === 'word' ? verb.value : '';
  const kind: SqlKind = kinds.has(word) ? (word as SqlKind) : (startAliases[word] ?? 'OTHER');
  const rest = tokens.slice(k + 1);
  const st: SqlStatement = {
    kind,
    object: null,
    start: first.start,
    end: tokens[tokens.length - 1]!.end,
    keywordStart: verb.start,
    keywordEnd: verb.end,
    tables: [],
    hasWhere: rest.some((t) => isWord(t, 'WHERE')),
  };
  const sources = (from: number): void => {
    for (let i = from; i < tokens.length; i++) {
      if (isWord(tokens[i], 'FROM') || isWord(tokens[i], 'JOIN') || isWord(tokens[i], 'USING')) {
        if (tokens[i + 1]?.kind === 'punct' && tokens[i + 1]!.value === '(') continue;
        tableList(tokens, i + 1, 'source', st.tables, isWord(tokens[i], 'FROM'));
      }
    }
  };
  switch (kind) {
    case 'SELECT':
    case 'OTHER':
      sources(k + 1);
      break;
    case 'INSERT':
    case 'MERGE': {
      let i = k + 1;
      while (isAnyWord(tokens[i], ['INTO', 'IGNORE', 'OR', 'REPLACE', 'ABORT', 'FAIL', 'ROLLBACK', 'LOW_PRIORITY', 'DELAYED', 'HIGH_PRIORITY'])) i++;
      qualifiedName(tokens, i, 'target', st.tables);
      sources(i + 1);
      break;
    }
    case 'UPDATE': {
      let i = k + 1;
      while (isAnyWord(tokens[i], ['ONLY', 'LOW_PRIORITY', 'IGNORE', 'OR', 'ROLLBACK', 'ABORT', 'REPLACE', 'FAIL'])) i++;
      const end = tableList(tokens, i, 'target', st.tables, true);
      sources(end);
      break;
    }
    case 'DELETE': {
      let i = k + 1;
      while (isAnyWord(tokens[i], ['LOW_PRIORITY', 'QUICK', 'IGNORE'])) i++;
      if (isWord(tokens[i], 'FROM')) i++;
      if (isWord(tokens[i], 'ONLY')) i++;
      const end = tableList(tokens, i, 'target', st.tables, true);
      sources(end);
      break;
    }
    case 'TRUNCATE': {
      let i = k + 1;
      if (isWord(tokens[i], 'TABLE')) i++;
      if (isWord(tokens[i], 'ONLY')) i++;
      st.object = 'TABLE';
      tableList(tokens, i, 'target', st.tables, false);
      break;
    }
    case 'DROP':
    case 'ALTER':
    case 'CREATE': {
      let i = k + 1;
      while (isAnyWord(tokens[i], ['OR', 'REPLACE', 'GLOBAL', 'LOCAL'])) i++;
      // Modifiers before the object type (MATERIALIZED VIEW, TEMP TABLE) fold into it.
      while (tokens[i]?.kind === 'word' && tableObjects.has(tokens[i]!.value) && tokens[i]!.value !== 'TABLE' && tokens[i]!.value !== 'VIEW') i++;
      st.object = tokens[i]?.kind === 'word' ? tokens[i]!.value : null;
      if (st.object) i++;
      if (isWord(tokens[i], 'IF')) {
        i++;
        if (isWord(tokens[i], 'NOT')) i++;
        if (isWord(tokens[i], 'EXISTS')) i++;
      }
      if (isWord(tokens[i], 'ONLY')) i++;
      if (st.object === 'TABLE' || st.object === 'VIEW') {
        if (kind === 'DROP') tableList(tokens, i, 'target', st.tables, false);
        else qualifiedName(tokens, i, 'target', st.tables);
      }
      // CREATE TRIGGER … ON table, CREATE INDEX … ON table: the table is touched too.
      if (kind !== 'DROP' && (st.object === 'INDEX' || st.object === 'TRIGGER' || st.object === 'POLICY' || st.object === 'RULE')) {
        const on = tokens.findIndex((t, j) => j > i && isWord(t, 'ON'));
        if (on > 0) qualifiedName(tokens, on + 1, 'target', st.tables);
      }
      if (kind === 'CREATE') sources(i);
      break;
    }
    case 'COPY':
      qualifiedName(tokens, k + 1, isWord(tokens[k + 2], 'TO') ? 'source' : 'target', st.tables);
      break;
    default:
      break;
  }
  return st;
}

/** `WITH gone AS (DELETE FROM t RETURNING *) SELECT …`: each CTE body is a statement of its own. */
function cteBodies(tokens: SqlToken[]): SqlStatement[] {
  const out: SqlStatement[] = [];
  for (let i = 1; i + 1 < tokens.length; i++) {
    if (!isWord(tokens[i], 'AS') || tokens[i + 1]!.value !== '(') continue;
    let depth = 0;
    let j = i + 1;
    for (; j < tokens.length; j++) {
      if (tokens[j]!.kind !== 'punct') continue;
      if (tokens[j]!.value === '(') depth++;
      else if (tokens[j]!.value === ')' && --depth === 0) break;
    }
    const s = statement(tokens.slice(i + 2, j));
    if (s && s.kind !== 'OTHER') out.push(s);
    i = j;
  }
  return out;
}

function isWord(t: SqlToken | undefined, w: string): boolean {
  return t !== undefined && t.kind === 'word' && t.value === w;
}

function isAnyWord(t: SqlToken | undefined, ws: string[]): boolean {
  return t !== undefined && t.kind === 'word' && ws.includes(t.value);
}

/** Reads `a, b AS x, schema.c` from tokens[i]; returns the index after the list. */
function tableList(tokens: SqlToken[], i: number, role: SqlTable['role'], out: SqlTable[], aliases: boolean): number {
  for (;;) {
    const after = qualifiedName(tokens, i, role, out);
    if (after === i) return i;
    i = after;
    if (aliases) {
      if (isWord(tokens[i], 'AS')) i++;
      if ((tokens[i]?.kind === 'word' && !clauseWords.has(tokens[i]!.value)) || tokens[i]?.kind === 'quoted-ident') i++;
    }
    if (tokens[i]?.kind === 'punct' && tokens[i]!.value === ',') {
      i++;
      continue;
    }
    return i;
  }
}

/** Reads one possibly qualified, possibly quoted name at tokens[i]; returns the index after it. */
function qualifiedName(tokens: SqlToken[], i: number, role: SqlTable['role'], out: SqlTable[]): number {
  const parts: SqlToken[] = [];
  let j = i;
  for (;;) {
    const t = tokens[j];
    if (!t || (t.kind !== 'word' && t.kind !== 'quoted-ident') || (t.kind === 'word' && parts.length === 0 && clauseWords.has(t.value))) break;
    parts.push(t);
    j++;
    if (tokens[j]?.kind === 'punct' && tokens[j]!.value === '.') j++;
    else break;
  }
  if (parts.length === 0) return i;
  const names = parts.map((p) => (p.kind === 'quoted-ident' ? p.value : p.value.toLowerCase()));
  out.push({
    name: names[names.length - 1]!,
    schema: names.length > 1 ? names[names.length - 2]! : null,
    start: parts[0]!.start,
    end: parts[parts.length - 1]!.end,
    role,
  });
  return j;
}
