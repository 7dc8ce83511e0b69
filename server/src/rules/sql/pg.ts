// PostgreSQL's own parser (libpg_query, handed in by the adapters) for statement kinds and target tables.
import type { SqlKind, SqlStatement, SqlTable } from './statements';

/** `parseSync` of the libpg-query package: SQL text to the parse tree as JSON-shaped objects. Throws on a syntax error. */
export type PgParse = (sql: string) => unknown;

let pgParse: PgParse | null = null;
/** Whether an adapter has said what to parse with yet (initPgParser); before that, SQL read is noted in `missed`. */
let decided = false;
let missed = false;

/** Installs the parser (adapters call it once, after loading the wasm); null switches back to the tokenizer. */
export function initPgParser(parse: PgParse | null): void {
  pgParse = parse;
  decided = true;
}

/**
 * True when SQL was read by the tokenizer alone because no adapter had handed in the parser yet (adapters
 * load libpg-query only for the runbooks that hold SQL: they lint, and lint again once it is loaded);
 * reading it resets it.
 */
export function takePgMissed(): boolean {
  const was = missed;
  missed = false;
  return was;
}

export function pgReady(): boolean {
  return pgParse !== null;
}

/** No adapter has said yet whether the parser is there: what is read now is read again (not to be cached). */
export function pgPending(): boolean {
  return !decided;
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * psql's own syntax is not SQL: `:'name'`, `:"name"` and `:name` interpolate variables. Each `:` becomes
 * a space so the text keeps its length (offsets stay put) and parses as a literal or a name. Casts
 * (`::int`) and meta-command lines (`\set`, `\getenv`) are handled by the caller's statement split.
 */
export function psqlToSql(text: string): string {
  return text.replace(/(^|[^:])(:)(?=['"A-Za-z_])/g, '$1 ');
}

/** UTF-16 index of each UTF-8 byte offset of `text` (libpg_query reports byte locations). */
function byteToIndex(text: string): (byte: number) => number {
  if (!/[^\x00-\x7f]/.test(text)) return (b) => b;
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < bytes; k++) map.push(i);
    if (cp > 0xffff) i++;
  }
  map.push(text.length);
  return (b) => map[Math.min(Math.max(b, 0), map.length - 1)]!;
}

const dropObjects: Record<string, string> = { OBJECT_TABLE: 'TABLE', OBJECT_VIEW: 'VIEW', OBJECT_MATVIEW: 'VIEW', OBJECT_INDEX: 'INDEX', OBJECT_SEQUENCE: 'SEQUENCE', OBJECT_SCHEMA: 'SCHEMA', OBJECT_FUNCTION: 'FUNCTION', OBJECT_TYPE: 'TYPE', OBJECT_TRIGGER: 'TRIGGER', OBJECT_FOREIGN_TABLE: 'FOREIGN', OBJECT_EXTENSION: 'EXTENSION', OBJECT_RULE: 'RULE', OBJECT_POLICY: 'POLICY' };

/** DROP of these removes a table's rows (or a view over them): the names are targets. */
const tableLike = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE']);

/** The statement kind and object of a parse-tree statement node. */
function kindOf(type: string, node: Node): { kind: SqlKind; object: string | null } {
  switch (type) {
    case 'SelectStmt':
      return { kind: 'SELECT', object: null };
    case 'InsertStmt':
      return { kind: 'INSERT', object: null };
    case 'UpdateStmt':
      return { kind: 'UPDATE', object: null };
    case 'DeleteStmt':
      return { kind: 'DELETE', object: null };
    case 'MergeStmt':
      return { kind: 'MERGE', object: null };
    case 'TruncateStmt':
      return { kind: 'TRUNCATE', object: 'TABLE' };
    case 'DropStmt':
      return { kind: 'DROP', object: dropObjects[String(node.removeType)] ?? String(node.removeType ?? '').replace(/^OBJECT_/, '') };
    case 'DropdbStmt':
      return { kind: 'DROP', object: 'DATABASE' };
    case 'DropRoleStmt':
      return { kind: 'DROP', object: 'ROLE' };
    case 'AlterTableStmt':
      return { kind: 'ALTER', object: String(node.objtype ?? 'OBJECT_TABLE') === 'OBJECT_TABLE' ? 'TABLE' : String(node.objtype).replace(/^OBJECT_/, '') };
    case 'AlterRoleStmt':
    case 'AlterRoleSetStmt':
      return { kind: 'ALTER', object: 'ROLE' };
    case 'RenameStmt':
    case 'AlterObjectSchemaStmt':
    case 'AlterOwnerStmt':
    case 'AlterDatabaseStmt':
    case 'AlterDatabaseSetStmt':
    case 'AlterSystemStmt':
      return { kind: 'ALTER', object: null };
    case 'CreateStmt':
    case 'CreateTableAsStmt':
      return { kind: 'CREATE', object: 'TABLE' };
    case 'IndexStmt':
      return { kind: 'CREATE', object: 'INDEX' };
    case 'ViewStmt':
      return { kind: 'CREATE', object: 'VIEW' };
    case 'CreateRoleStmt':
      return { kind: 'CREATE', object: 'ROLE' };
    case 'CreatedbStmt':
      return { kind: 'CREATE', object: 'DATABASE' };
    case 'CreateTrigStmt':
      return { kind: 'CREATE', object: 'TRIGGER' };
    case 'CreateFunctionStmt':
    case 'CreateSchemaStmt':
    case 'CreateSeqStmt':
    case 'CreateExtensionStmt':
    case 'CreatePolicyStmt':
    case 'RuleStmt':
      return { kind: 'CREATE', object: null };
    case 'CopyStmt':
      return { kind: 'COPY', object: null };
    case 'GrantStmt':
    case 'GrantRoleStmt':
      return { kind: node.is_grant ? 'GRANT' : 'REVOKE', object: null };
    case 'TransactionStmt': {
      const k = String(node.kind ?? '');
      return { kind: /BEGIN|START/.test(k) ? 'BEGIN' : /COMMIT/.test(k) ? 'COMMIT' : /ROLLBACK/.test(k) ? 'ROLLBACK' : 'OTHER', object: null };
    }
    case 'VariableSetStmt':
      return { kind: 'SET', object: null };
    default:
      return { kind: 'OTHER', object: null };
  }
}

/** The relation a DML or DDL statement changes, when it has one. */
function targets(type: string, node: Node): Node[] {
  const rel = (v: unknown): Node[] => (isNode(v) ? [v] : []);
  switch (type) {
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'InsertStmt':
    case 'MergeStmt':
    case 'AlterTableStmt':
      return rel(node.relation);
    case 'CreateTrigStmt':
      return rel(node.relation);
    case 'CreatePolicyStmt':
      return rel(node.table);
    case 'CopyStmt':
      return node.is_from ? rel(node.relation) : [];
    case 'TruncateStmt':
      return Array.isArray(node.relations) ? node.relations.map((r) => (isNode(r) && isNode(r.RangeVar) ? r.RangeVar : null)).filter(isNode) : [];
    default:
      return [];
  }
}

/** Every RangeVar (a table reference) in a subtree, and every nested DML statement (CTE bodies). */
function collect(v: unknown, rangeVars: Node[], nested: [string, Node][], top: boolean): void {
  if (Array.isArray(v)) {
    for (const x of v) collect(x, rangeVars, nested, false);
    return;
  }
  if (!isNode(v)) return;
  for (const [k, x] of Object.entries(v)) {
    if (k === 'RangeVar' && isNode(x)) rangeVars.push(x);
    else if (!top && (k === 'UpdateStmt' || k === 'DeleteStmt' || k === 'InsertStmt' || k === 'MergeStmt') && isNode(x)) nested.push([k, x]);
    collect(x, rangeVars, nested, false);
  }
}

/** The end of a (possibly quoted, possibly schema-qualified) name written at `start`. */
function nameEnd(text: string, start: number): number {
  let i = start;
  for (;;) {
    if (text[i] === '"') {
      i++;
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) i += text[i] === '"' ? 2 : 1;
      i++;
    } else while (i < text.length && /[\w$]/.test(text[i]!)) i++;
    if (text[i] === '.' && i + 1 < text.length) i++;
    else return i;
  }
}

/**
 * Parses one statement with PostgreSQL's parser; `offset` is where `text` starts in the whole SQL.
 * Returns null when the parser is not installed or rejects the text (the tokenizer takes over).
 */
export function pgStatements(text: string, offset: number): SqlStatement[] | null {
  if (!pgParse) {
    if (!decided) missed = true;
    return null;
  }
  let tree: unknown;
  try {
    tree = pgParse(psqlToSql(text));
  } catch {
    return null;
  }
  const stmts = isNode(tree) && Array.isArray(tree.stmts) ? tree.stmts : [];
  const at = byteToIndex(text);
  const out: SqlStatement[] = [];
  for (const raw of stmts) {
    if (!isNode(raw) || !isNode(raw.stmt)) continue;
    const [type, node] = Object.entries(raw.stmt)[0] as [string, unknown];
    if (!isNode(node)) continue;
    const startByte = typeof raw.stmt_location === 'number' ? raw.stmt_location : 0;
    const start = at(startByte);
    const end = typeof raw.stmt_len === 'number' && raw.stmt_len > 0 ? at(startByte + raw.stmt_len) : text.length;
    const emit = (t: string, n: Node, from: number, to: number): void => {
      const rangeVars: Node[] = [];
      const nested: [string, Node][] = [];
      collect(n, rangeVars, nested, true);
      const targetSet = new Set(targets(t, n));
      // `relation` holds its RangeVar's fields directly (no `RangeVar` key), so targets are added by hand.
      for (const tv of targetSet) if (!rangeVars.includes(tv)) rangeVars.unshift(tv);
      const tables: SqlTable[] = [];
      for (const rv of rangeVars) {
        if (typeof rv.relname !== 'string' || typeof rv.location !== 'number') continue;
        const s = at(rv.location);
        tables.push({ name: rv.relname, schema: typeof rv.schemaname === 'string' ? rv.schemaname : null, start: offset + s, end: offset + nameEnd(text, s), role: targetSet.has(rv) ? 'target' : 'source' });
      }
      // DROP TABLE lists names without locations: find each after the statement's start.
      if (t === 'DropStmt' && tableLike.has(String(n.removeType)) && Array.isArray(n.objects)) {
        let from2 = from;
        for (const o of n.objects) {
          const parts = isNode(o) && isNode(o.List) && Array.isArray(o.List.items) ? o.List.items.map((x) => (isNode(x) && isNode(x.String) ? String(x.String.sval) : '')) : [];
          const name = parts[parts.length - 1];
          if (!name) continue;
          const re = new RegExp(`"?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?`, 'i');
          const m = re.exec(text.slice(from2, to));
          const s = m ? from2 + m.index : from;
          from2 = m ? s + m[0].length : from2;
          tables.push({ name, schema: parts.length > 1 ? parts[parts.length - 2]! : null, start: offset + s, end: offset + (m ? s + m[0].length : s), role: 'target' });
        }
      }
      const kinds = kindOf(t, n);
      const { kind } = kinds;
      // The keyword that decides the kind: the first word of the statement.
      const lead = /^(?:\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/.exec(text.slice(from, to))![0].length;
      const word = /^[A-Za-z]+/.exec(text.slice(from + lead, to))?.[0] ?? '';
      // ROLE, USER and GROUP are one statement to the parser; the text says which was written.
      const written = /^[A-Za-z]+\s+([A-Za-z]+)/.exec(text.slice(from + lead, to))?.[1]?.toUpperCase();
      const object = kinds.object === 'ROLE' && (written === 'USER' || written === 'GROUP') ? written : kinds.object;
      out.push({ kind, object, start: offset + from, end: offset + to, keywordStart: offset + from + lead, keywordEnd: offset + from + lead + word.length, tables, hasWhere: (t === 'UpdateStmt' || t === 'DeleteStmt') ? n.whereClause !== undefined : true });
      for (const [nt, nn] of nested) emit(nt, nn, from, to);
    };
    emit(type, node, start, end);
  }
  return out;
}
