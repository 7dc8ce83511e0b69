// A located YAML tree built from the `yaml` package's document: every node keeps its source span.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node as YamlNode, type Scalar } from 'yaml';
import type { Span } from './positions';
import { problem, type Problem } from './problems';
import { valueOffsetMap, type ScalarOffsets } from './scalar-offsets';

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

export interface LScalar {
  kind: 'scalar';
  /** Span of the scalar in the source, quotes and block header included. */
  span: Span;
  value: string | number | boolean | null;
  style: ScalarStyle;
  /** Maps offsets in the decoded string value to source offsets (see scalar-offsets.ts). */
  sourceOffsets(): ScalarOffsets;
}

export interface LPair {
  key: LScalar;
  value: LNode;
}

export interface LMap {
  kind: 'map';
  span: Span;
  pairs: LPair[];
}

export interface LSeq {
  kind: 'seq';
  span: Span;
  items: LNode[];
}

export type LNode = LScalar | LMap | LSeq;

/** Limits that keep hostile documents bounded in time and memory. */
export interface TreeLimits {
  /** Deepest nesting kept; deeper content becomes null with a problem. */
  maxDepth: number;
  /** Total nodes materialised, aliases expanded included (stops alias bombs). */
  maxNodes: number;
}

export const defaultTreeLimits: TreeLimits = { maxDepth: 64, maxNodes: 200_000 };

const styleOf: Record<string, ScalarStyle> = {
  PLAIN: 'plain',
  QUOTE_SINGLE: 'single',
  QUOTE_DOUBLE: 'double',
  BLOCK_LITERAL: 'literal',
  BLOCK_FOLDED: 'folded',
};

export function mapGet(map: LMap, key: string): LNode | undefined {
  for (const p of map.pairs) if (p.key.value === key) return p.value;
  return undefined;
}

export function mapPair(map: LMap, key: string): LPair | undefined {
  for (const p of map.pairs) if (p.key.value === key) return p;
  return undefined;
}

/** Converts a located node to the plain JSON-like value ajv and the model use. */
export function toPlain(node: LNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const p of node.pairs) out[String(p.key.value)] = toPlain(p.value);
      return out;
    }
  }
}

class TreeBuilder {
  nodes = 0;
  budgetReported = false;
  /** Whether an alias was expanded (an edit elsewhere may then change this part: no reuse). */
  sawAlias = false;
  constructor(
    private readonly text: string,
    private readonly limits: TreeLimits,
    private readonly problems: Problem[],
    /** Added to every yaml range: a re-parsed slice of the text sits at this offset. */
    private readonly offset = 0,
  ) {}

  build(node: YamlNode | null | undefined, depth: number, fallback: Span): LNode {
    if (node === null || node === undefined) return this.nullAt(fallback);
    if (++this.nodes > this.limits.maxNodes) {
      if (!this.budgetReported) {
        this.budgetReported = true;
        this.problems.push(problem('yaml-too-large', 'error', `the document expands to more than ${this.limits.maxNodes} nodes (an alias bomb?); the rest is ignored`, this.spanOf(node, fallback)));
      }
      return this.nullAt(this.spanOf(node, fallback));
    }
    if (depth > this.limits.maxDepth) {
      this.problems.push(problem('yaml-too-deep', 'error', `nesting deeper than ${this.limits.maxDepth} levels is not supported in a runbook`, this.spanOf(node, fallback)));
      return this.nullAt(this.spanOf(node, fallback));
    }
    if (isAlias(node)) {
      this.sawAlias = true;
      // Aliases are expanded (they may be used for DRY runbooks), each expansion paying
      // the node budget, so exponential alias bombs stop at the budget instead of the heap.
      // resolve() scans the document, so each alias is resolved once however often expanded.
      let target = this.aliasTargets.get(node);
      if (target === undefined) {
        target = node.resolve(this.doc!) ?? null;
        this.aliasTargets.set(node, target);
      }
      const span = this.spanOf(node, fallback);
      if (!target) {
        this.problems.push(problem('yaml-syntax', 'error', `unknown alias *${node.source}`, span));
        return this.nullAt(span);
      }
      const built = this.build(target, depth + 1, span);
      return { ...built, span } as LNode;
    }
    if (isScalar(node)) return this.scalar(node, fallback);
    if (isMap(node)) {
      const span = this.spanOf(node, fallback);
      const pairs: LPair[] = [];
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const keyNode = item.key as YamlNode | null;
        let key: LScalar;
        if (keyNode && isScalar(keyNode)) key = this.scalar(keyNode, span);
        else {
          const ks = keyNode ? this.spanOf(keyNode, span) : span;
          this.problems.push(problem('yaml-syntax', 'error', 'map keys must be plain strings in a runbook', ks));
          key = this.nullAt(ks);
        }
        const valueFallback = { start: key.span.end, end: key.span.end };
        pairs.push({ key, value: this.build(item.value as YamlNode | null, depth + 1, valueFallback) });
      }
      return { kind: 'map', span, pairs };
    }
    if (isSeq(node)) {
      const span = this.spanOf(node, fallback);
      const items = node.items.map((it) => this.build(it as YamlNode | null, depth + 1, span));
      return { kind: 'seq', span, items };
    }
    return this.nullAt(fallback);
  }

  doc?: Document;
  private readonly aliasTargets = new Map<YamlNode, YamlNode | null>();

  private spanOf(node: YamlNode, fallback: Span): Span {
    const r = node.range;
    if (!r) return fallback;
    return { start: r[0] + this.offset, end: Math.max(r[0], r[1]) + this.offset };
  }

  /** A map key, as build() makes it. */
  key(node: Scalar): LScalar {
    return this.scalar(node, { start: this.offset, end: this.offset });
  }

  private nullAt(span: Span): LScalar {
    return { kind: 'scalar', span, value: null, style: 'plain', sourceOffsets: () => ({ starts: Int32Array.of(span.start), ends: Int32Array.of(span.start) }) };
  }

  private scalar(node: Scalar, fallback: Span): LScalar {
    const span = this.spanOf(node, fallback);
    const raw = node.value;
    let value: LScalar['value'];
    if (raw === null || raw === undefined) value = null;
    else if (typeof raw === 'string' || typeof raw === 'boolean') value = raw;
    else if (typeof raw === 'number') value = Number.isFinite(raw) ? raw : String(node.source ?? raw);
    else if (typeof raw === 'bigint') value = Number(raw);
    else value = String(raw);
    const style = styleOf[node.type ?? 'PLAIN'] ?? 'plain';
    const text = this.text;
    let offsets: ScalarOffsets | undefined;
    return {
      kind: 'scalar',
      span,
      value,
      style,
      // Computed on first use: only findings inside scripts need character-exact positions.
      sourceOffsets() {
        offsets ??= valueOffsetMap(text, span, typeof value === 'string' ? value : String(value ?? ''), style);
        return offsets;
      },
    };
  }
}

/** What building a tree counted: nodes against the budget, and whether aliases were expanded. */
export interface TreeStats {
  nodes: number;
  aliases: boolean;
}

/** Stats of each built tree, for the incremental re-parse (incremental.ts). */
export const treeStats = new WeakMap<LNode, TreeStats>();

/** Builds the located tree of a parsed document, appending limit problems to `problems`. */
export function buildTree(doc: Document, text: string, problems: Problem[], limits: TreeLimits = defaultTreeLimits): LNode | null {
  if (doc.contents === null || doc.contents === undefined) return null;
  const b = new TreeBuilder(text, limits, problems);
  b.doc = doc;
  const root = b.build(doc.contents as YamlNode, 0, { start: 0, end: 0 });
  treeStats.set(root, { nodes: b.nodes, aliases: b.sawAlias });
  return root;
}

/**
 * Builds one node of a slice of `text` parsed on its own (starting at `offset`), as the full
 * builder would at `depth`; null when the builder reported a problem or expanded an alias, since
 * the whole document's parse might then say something else.
 */
export function buildSlice(doc: Document, node: YamlNode, text: string, offset: number, depth: number, limits: TreeLimits = defaultTreeLimits): { node: LNode; nodes: number } | null {
  const problems: Problem[] = [];
  const b = new TreeBuilder(text, limits, problems, offset);
  b.doc = doc;
  const built = b.build(node, depth, { start: offset, end: offset });
  return problems.length || b.sawAlias ? null : { node: built, nodes: b.nodes };
}

/** Builds the key of a map pair of a slice parsed on its own (see buildSlice). */
export function buildSliceKey(node: Scalar, text: string, offset: number): LScalar {
  return new TreeBuilder(text, defaultTreeLimits, [], offset).key(node);
}

/** A copy of a node with every span moved by `delta` (a node after an edit). */
export function shiftNode(node: LNode, delta: number): LNode {
  const span = { start: node.span.start + delta, end: node.span.end + delta };
  switch (node.kind) {
    case 'scalar': {
      // The old scalar's offsets read the old text inside its span, which the edit left alone.
      const old = node;
      let offsets: ScalarOffsets | undefined;
      return {
        kind: 'scalar',
        span,
        value: node.value,
        style: node.style,
        sourceOffsets() {
          if (!offsets) {
            const o = old.sourceOffsets();
            offsets = { starts: o.starts.map((x) => x + delta), ends: o.ends.map((x) => x + delta) };
          }
          return offsets;
        },
      };
    }
    case 'seq':
      return { kind: 'seq', span, items: node.items.map((n) => shiftNode(n, delta)) };
    case 'map':
      return { kind: 'map', span, pairs: node.pairs.map((p) => ({ key: shiftNode(p.key, delta) as LScalar, value: shiftNode(p.value, delta) })) };
  }
}

/** The node at a JSON-pointer-like path of keys and indexes, or undefined. */
export function nodeAt(root: LNode | null, path: readonly (string | number)[]): LNode | undefined {
  let node: LNode | undefined = root ?? undefined;
  for (const seg of path) {
    if (!node) return undefined;
    if (node.kind === 'map') node = mapGet(node, String(seg));
    else if (node.kind === 'seq') node = node.items[Number(seg)];
    else return undefined;
  }
  return node;
}

/** The pair whose value is at `path` (so its key can be pointed at), or undefined. */
export function pairAt(root: LNode | null, path: readonly (string | number)[]): LPair | undefined {
  if (path.length === 0) return undefined;
  const parent = nodeAt(root, path.slice(0, -1));
  if (!parent || parent.kind !== 'map') return undefined;
  return mapPair(parent, String(path[path.length - 1]));
}
