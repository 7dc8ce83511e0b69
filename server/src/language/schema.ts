// Schema validation with ajv (schema-validator.ts), with each error mapped to the exact offending
// key or value and worded for people.
import type { ErrorObject } from 'ajv/dist/2020';
import runbookSchema from '../../../schemas/runbook.schema.json';
import { runbookValidator } from './schema-validator';
import type { Span } from './positions';
import { problem, type Problem } from './problems';
import { closest } from './suggest';
import { mapPair, nodeAt, pairAt, type LNode } from './yaml-tree';

export { runbookSchema, runbookValidator };

type Path = (string | number)[];

function parsePointer(pointer: string): Path {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The dotted name a person recognises: the path after the last list index (`expect.exit`). */
function fieldName(path: Path, data?: unknown): string {
  let i = path.length;
  while (i > 0 && typeof path[i - 1] !== 'number') i--;
  const tail = path.slice(i);
  if (tail.length) return `\`${tail.join('.')}\``;
  if (!path.length) return 'the runbook';
  // A list item: name it by its id or section title when it has one.
  const item = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  if (typeof item.section === 'string') return `section "${item.section}"`;
  if (typeof item.id === 'string') return `step \`${item.id}\``;
  return `\`${String(path[path.length - 2] ?? 'item')}[${String(path[path.length - 1])}]\``;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (Number.isInteger(v)) return 'integer';
  return typeof v;
}

const article: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
  null: 'empty',
};

function typeMatches(schemaType: unknown, value: unknown): boolean {
  const types = Array.isArray(schemaType) ? schemaType : [schemaType];
  const t = jsonType(value);
  return types.some((s) => s === t || (s === 'number' && t === 'integer'));
}

function describeTypes(types: unknown[]): string {
  const names = [...new Set(types.flat().map((t) => article[String(t)] ?? String(t)))];
  return names.length <= 2 ? names.join(' or ') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

const patternHints: Record<string, string> = {
  '^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$': 'a duration such as `30s`, `5m` or `24h` (a number and ms, s, m, h or d)',
  '^[a-z0-9][a-z0-9-_.]*$': 'an id of lower-case letters, digits, `-`, `_` or `.`',
  '^[A-Za-z_][A-Za-z0-9_]*$': 'an environment variable name (letters, digits and `_`, not starting with a digit)',
};

const stepKinds = ['run', 'manual', 'wait', 'sql'];

class Mapper {
  constructor(
    private readonly root: LNode | null,
    private readonly data: unknown,
    private readonly textLength: number,
  ) {}

  valueSpan(path: Path): Span {
    const node = nodeAt(this.root, path);
    if (node) return this.trim(node.span, node);
    return this.keySpan(path);
  }

  keySpan(path: Path): Span {
    const pair = pairAt(this.root, path);
    if (pair) return pair.key.span;
    // A list item or the root: point at its first key, never at the whole document.
    const node = nodeAt(this.root, path);
    if (node?.kind === 'map' && node.pairs[0]) return node.pairs[0].key.span;
    if (node) return this.trim(node.span, node);
    return { start: 0, end: Math.min(1, this.textLength) };
  }

  /** Containers span many lines; point at their first line's worth instead. */
  private trim(span: Span, node: LNode): Span {
    if (node.kind === 'map' && node.pairs[0]) return { start: span.start, end: node.pairs[0].key.span.end };
    if (node.kind === 'seq' && node.items[0]) return { start: span.start, end: Math.min(span.end, node.items[0].span.start) };
    return span;
  }

  dataAt(path: Path): unknown {
    let v: unknown = this.data;
    for (const seg of path) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string | number, unknown>)[seg];
    }
    return v;
  }

  /** The key of a map at `path` that is an additional property, for "did you mean". */
  unknownKeySpan(path: Path, key: string): Span {
    const node = nodeAt(this.root, path);
    if (node?.kind === 'map') {
      const p = mapPair(node, key);
      if (p) return p.key.span;
    }
    return this.keySpan(path);
  }
}

function humanize(errors: ErrorObject[], mapper: Mapper): Problem[] {
  const out: Problem[] = [];
  // Errors inside a oneOf branch are only meaningful for the branch the value was meant for.
  const dropped = new Set<ErrorObject>();
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  for (const e of oneOfs) {
    const prefix = `${e.schemaPath}/`;
    const inner = errors.filter((x) => x !== e && x.schemaPath.startsWith(prefix));
    const branches = (Array.isArray(e.schema) ? e.schema : []) as Record<string, unknown>[];
    const value = mapper.dataAt(parsePointer(e.instancePath));
    const typed = branches.map((b, i) => ({ b, i })).filter(({ b }) => 'type' in b || 'const' in b);
    if (typed.length > 0) {
      const fits = typed.filter(({ b }) => ('type' in b ? typeMatches(b.type, value) : true));
      if (fits.length === 1) {
        // Keep the errors of the branch that fits the value's type; the rest are noise.
        const keep = `${e.schemaPath}/${fits[0]!.i}/`;
        for (const x of inner) if (!x.schemaPath.startsWith(keep)) dropped.add(x);
        dropped.add(e);
        continue;
      }
      if (fits.length === 0) {
        for (const x of inner) dropped.add(x);
        dropped.add(e);
        const path = parsePointer(e.instancePath);
        out.push(problem('schema-type', 'error', `${fieldName(path, value)} must be ${describeTypes(typed.map(({ b }) => b.type))}`, mapper.valueSpan(path), { path }));
        continue;
      }
    }
    // Required-only branches: the step-kind rule (exactly one of run/manual/wait/sql) and `wait`'s forms.
    for (const x of inner) dropped.add(x);
    dropped.add(e);
    const path = parsePointer(e.instancePath);
    const obj = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    if (e.schemaPath.endsWith('/$defs/step/oneOf') || e.schemaPath.endsWith('step/oneOf')) {
      // In document order, so the second kind written is the one pointed at.
      const present = Object.keys(obj).filter((k) => stepKinds.includes(k));
      if (present.length === 0) {
        out.push(problem('schema-missing-key', 'error', 'a step needs one of `run`, `manual`, `wait` or `sql`', mapper.keySpan(path), { path, keys: stepKinds }));
      } else {
        for (const k of present.slice(1)) {
          out.push(problem('schema-value', 'error', `a step has exactly one of \`run\`, \`manual\`, \`wait\` or \`sql\`; this one has both \`${present[0]}\` and \`${k}\``, mapper.unknownKeySpan(path, k), { path: [...path, k] }));
        }
      }
    } else if (e.keyword === 'anyOf' && e.schemaPath.includes('wait')) {
      out.push(problem('schema-missing-key', 'error', '`wait` needs either `for`, or `run` with `until` and `timeout`', mapper.keySpan(path), { path }));
    } else {
      out.push(problem('schema-value', 'error', `${fieldName(path, value)} does not match any allowed form`, mapper.valueSpan(path), { path }));
    }
  }

  for (const e of errors) {
    if (dropped.has(e) || e.keyword === 'if' || e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    const path = parsePointer(e.instancePath);
    const name = fieldName(path, mapper.dataAt(path));
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String(params.additionalProperty);
        const props = Object.keys(((e.parentSchema as Record<string, unknown>)?.properties as object) ?? {});
        const guess = closest(key, props);
        const where = path.length ? ` in ${name}` : '';
        const message = guess ? `unknown key \`${key}\`${where}; did you mean \`${guess}\`?` : `unknown key \`${key}\`${where}; allowed keys: ${props.map((p) => `\`${p}\``).join(', ')}`;
        out.push(problem('schema-unknown-key', 'error', message, mapper.unknownKeySpan(path, key), { path: [...path, key], key, ...(guess ? { suggestion: guess } : {}) }));
        break;
      }
      case 'required': {
        const key = String(params.missingProperty);
        const owner = path.length ? `${name}` : 'the runbook';
        out.push(problem('schema-missing-key', 'error', `${owner} is missing the required key \`${key}\``, mapper.keySpan(path), { path, key }));
        break;
      }
      case 'type':
        out.push(problem('schema-type', 'error', `${name} must be ${describeTypes([params.type])}`, mapper.valueSpan(path), { path }));
        break;
      case 'enum': {
        const allowed = (params.allowedValues as unknown[]) ?? [];
        const v = mapper.dataAt(path);
        const guess = typeof v === 'string' ? closest(v, allowed.map(String)) : undefined;
        out.push(problem('schema-value', 'error', `${name} must be one of ${allowed.map((a) => `\`${String(a)}\``).join(', ')}${guess ? `; did you mean \`${guess}\`?` : ''}`, mapper.valueSpan(path), { path, ...(guess ? { suggestion: guess } : {}) }));
        break;
      }
      case 'const':
        out.push(problem('schema-value', 'error', `${name} must be ${JSON.stringify(params.allowedValue)}`, mapper.valueSpan(path), { path }));
        break;
      case 'pattern': {
        if (e.propertyName !== undefined) {
          // A propertyNames failure: the key itself is wrong, so point at the key.
          const hint = patternHints[String(params.pattern)] ?? `text matching ${String(params.pattern)}`;
          out.push(problem('schema-value', 'error', `\`${e.propertyName}\` in ${name} must be ${hint}`, mapper.unknownKeySpan(path, e.propertyName), { path: [...path, e.propertyName] }));
          break;
        }
        const hint = patternHints[String(params.pattern)] ?? `text matching ${String(params.pattern)}`;
        out.push(problem('schema-value', 'error', `${name} must be ${hint}`, mapper.valueSpan(path), { path }));
        break;
      }
      case 'propertyNames':
        break; // reported through the nested pattern error on the key
      case 'minItems':
        out.push(problem('schema-value', 'error', `${name} needs at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`, mapper.valueSpan(path), { path }));
        break;
      case 'minProperties':
        out.push(problem('schema-value', 'error', `${name} must not be empty`, mapper.valueSpan(path), { path }));
        break;
      case 'minimum':
      case 'maximum':
        out.push(problem('schema-value', 'error', `${name} must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}`, mapper.valueSpan(path), { path }));
        break;
      case 'uniqueItems': {
        // Point at the later duplicate: the first occurrence is the one to keep.
        const [first, second] = [Number(params.i), Number(params.j)].sort((a, b) => a - b);
        out.push(problem('schema-value', 'error', `${name} lists the same value twice (items ${first} and ${second})`, mapper.valueSpan([...path, second!]), { path }));
        break;
      }
      case 'format':
        out.push(problem('schema-value', 'error', `${name} must be a valid ${String(params.format)}`, mapper.valueSpan(path), { path }));
        break;
      default:
        out.push(problem('schema-value', 'error', `${name} ${e.message ?? 'is invalid'}`, mapper.valueSpan(path), { path }));
    }
  }
  return out;
}

/** Validates a parsed runbook against the schema; returns located, human-worded problems. */
export function validateSchema(root: LNode | null, data: unknown, textLength: number): Problem[] {
  const validate = runbookValidator();
  if (root === null) {
    return [problem('schema-missing-key', 'error', 'the runbook is empty; it needs at least `runsafe: 1`, `id`, `title` and `steps`', { start: 0, end: 0 })];
  }
  if (validate(data)) return [];
  const mapper = new Mapper(root, data, textLength);
  const problems = humanize(validate.errors ?? [], mapper);
  // One problem per span and message: ajv can report the same thing through several paths.
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.span.start}:${p.span.end}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
