// Walks the runbook JSON Schema along a YAML path, so hover and completion describe exactly the
// key or value under the cursor from the schema's own descriptions, examples and enums.
import { mapPair, nodeAt, runbookSchema, type LNode } from '../language/index';
import type { PathSegment } from './locate';

export type SchemaNode = Record<string, unknown>;

const defs = (runbookSchema as SchemaNode).$defs as Record<string, SchemaNode>;

function deref(s: SchemaNode): SchemaNode {
  let cur = s;
  for (let i = 0; i < 8 && typeof cur.$ref === 'string'; i++) cur = defs[(cur.$ref as string).replace('#/$defs/', '')] ?? {};
  return cur;
}

/** The concrete alternatives a schema stands for: `$ref` followed, `if/then/else` decided by the node, `oneOf` branches listed. */
export function alternatives(s: SchemaNode | undefined, node: LNode | undefined): SchemaNode[] {
  if (!s) return [];
  const d = deref(s);
  if (d.if && d.then && d.else) {
    // The item schema: a map with `section` is a section, anything else a step.
    const isSection = node?.kind === 'map' && mapPair(node, 'section') !== undefined;
    return alternatives((isSection ? d.then : d.else) as SchemaNode, node);
  }
  const branches = (d.oneOf ?? d.anyOf) as SchemaNode[] | undefined;
  if (branches) {
    // Each branch is the parent with the branch's constraints: required-only branches keep the
    // parent's properties, typed branches keep its description.
    const { oneOf: _o, anyOf: _a, ...rest } = d;
    return branches.flatMap((b) => alternatives(b, node)).map((b) => ({ ...rest, ...b, description: rest.description ?? b.description }));
  }
  return [d];
}

function child(s: SchemaNode, seg: PathSegment): SchemaNode | undefined {
  if (typeof seg === 'number') return s.items as SchemaNode | undefined;
  const props = s.properties as Record<string, SchemaNode> | undefined;
  if (props && seg in props) return props[seg];
  if (s.additionalProperties && typeof s.additionalProperties === 'object') return s.additionalProperties as SchemaNode;
  return undefined;
}

/** The schema alternatives for the value at `path`; empty when the schema does not know the path. */
export function schemasAt(root: LNode | null, path: readonly PathSegment[]): SchemaNode[] {
  let current = alternatives(runbookSchema as SchemaNode, root ?? undefined);
  for (let i = 0; i < path.length; i++) {
    const node = nodeAt(root, path.slice(0, i + 1));
    const next: SchemaNode[] = [];
    for (const s of current) {
      const c = child(s, path[i]!);
      if (c) next.push(...alternatives(c, node));
    }
    current = next;
    if (!current.length) return [];
  }
  return current;
}

/** The description of the value at `path`, the first any alternative has. */
export function describeAt(root: LNode | null, path: readonly PathSegment[]): { description?: string; examples?: unknown[]; schemas: SchemaNode[] } {
  const schemas = schemasAt(root, path);
  const description = schemas.map((s) => s.description).find((d): d is string => typeof d === 'string');
  const examples = schemas.map((s) => s.examples).find((e): e is unknown[] => Array.isArray(e));
  return { ...(description ? { description } : {}), ...(examples ? { examples } : {}), schemas };
}

/** Keys an object schema allows, with their schemas; wildcard maps (inputs, labels) give none. */
export function propertiesOf(schemas: SchemaNode[]): Map<string, SchemaNode> {
  const out = new Map<string, SchemaNode>();
  for (const s of schemas) {
    const props = s.properties as Record<string, SchemaNode> | undefined;
    if (props) for (const [k, v] of Object.entries(props)) if (!out.has(k)) out.set(k, v);
  }
  return out;
}

/** Values a schema allows outright: enums, consts and booleans. */
export function valuesOf(schemas: SchemaNode[]): unknown[] {
  const out: unknown[] = [];
  const add = (v: unknown) => {
    if (!out.some((x) => x === v)) out.push(v);
  };
  for (const s of schemas) {
    if (Array.isArray(s.enum)) s.enum.forEach(add);
    if ('const' in s) add(s.const);
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (types.includes('boolean')) {
      add(true);
      add(false);
    }
  }
  return out;
}

/** True when an alternative is an object (so a position there takes keys). */
export function isObjectSchema(schemas: SchemaNode[]): boolean {
  return schemas.some((s) => s.type === 'object' || s.properties !== undefined);
}
