// Finds what is under an offset in the located YAML tree: the chain of nodes from the root,
// the key path, and whether the offset is on a key or a value.
import type { LMap, LNode, LPair, LScalar, Span } from '../language/index';

export type PathSegment = string | number;

export interface Hit {
  /** Nodes from the root down to the innermost one containing the offset. */
  chain: LNode[];
  /** Keys and indexes from the root to the innermost node (a key's path ends with the key). */
  path: PathSegment[];
  /** The scalar under the offset, when there is one. */
  scalar?: LScalar;
  /** True when the scalar is a map key. */
  onKey: boolean;
  /** The pair whose key or value holds the offset, innermost. */
  pair?: LPair;
  /** The map holding that pair. */
  map?: LMap;
}

/** Inclusive end, so a cursor just after a word still counts as on it. */
export function within(span: Span, offset: number): boolean {
  return offset >= span.start && offset <= span.end;
}

/** What is at `offset`; the chain is empty when the offset is outside the document's tree. */
export function locate(root: LNode | null, offset: number): Hit {
  const hit: Hit = { chain: [], path: [], onKey: false };
  let node: LNode | null = root;
  while (node && within(node.span, offset)) {
    hit.chain.push(node);
    if (node.kind === 'scalar') {
      hit.scalar = node;
      return hit;
    }
    if (node.kind === 'map') {
      const map: LMap = node;
      let next: LNode | null = null;
      for (const p of map.pairs) {
        if (within(p.key.span, offset) && p.key.span.end > p.key.span.start) {
          hit.path.push(String(p.key.value));
          hit.pair = p;
          hit.map = map;
          hit.scalar = p.key;
          hit.onKey = true;
          hit.chain.push(p.key);
          return hit;
        }
        if (within(p.value.span, offset) && offset > p.key.span.end) {
          hit.path.push(String(p.key.value));
          hit.pair = p;
          hit.map = map;
          next = p.value;
          break;
        }
      }
      node = next;
      continue;
    }
    let next: LNode | null = null;
    node.items.forEach((item, i) => {
      if (!next && within(item.span, offset)) {
        hit.path.push(i);
        next = item;
      }
    });
    node = next;
  }
  return hit;
}

/** True when a path points into a step list (`steps`, section `steps`, `preconditions`, `rollback`) item. */
export function stepPathLength(path: readonly PathSegment[]): number | undefined {
  // The step is the deepest map directly under a step list; return the path length up to it.
  for (let i = path.length - 1; i >= 1; i--) {
    const key = path[i - 1];
    if (typeof path[i] === 'number' && (key === 'steps' || key === 'preconditions' || key === 'rollback')) {
      // `rollback` under a step is a list of ids, not steps: only the top-level one holds steps.
      if (key === 'rollback' && i - 1 !== 0) continue;
      return i + 1;
    }
  }
  return undefined;
}

/** The index in a scalar's decoded value of the character at (or just before) a source offset. */
export function valueIndexAt(scalar: LScalar, offset: number): number {
  const starts = scalar.sourceOffsets().starts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
