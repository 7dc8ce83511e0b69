// Re-parses only the top-level entry or the step an edit falls in, reusing the rest of the
// previous tree (later nodes moved by the edit's length); null whenever the result might differ
// from a full parse, and the caller parses in full. The property test in
// test/language/incremental.test.ts holds it to identical results.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode, type Scalar } from 'yaml';
import { defaultMaxLength, type ParseOptions, type ParsedYaml } from './parse';
import { LineIndex } from './positions';
import { buildSlice, buildSliceKey, defaultTreeLimits, shiftNode, toPlain, treeStats, type LMap, type LNode, type LPair, type LSeq } from './yaml-tree';

/** Problems of the parse itself (schema problems are checked again in full anyway). */
const parseProblem = (p: { code: string }) => p.code.startsWith('yaml-') || p.code === 'file-too-large' || p.code === 'invalid-utf8';

/** Lists whose items are steps (or sections, which hold steps again). */
const stepLists = new Set(['steps', 'preconditions', 'rollback']);

/** One level of the way from the root to the re-parsed part. */
type Step = { map: LMap; pair: number } | { seq: LSeq; item: number };

interface Chunk {
  path: Step[];
  /** Old offsets of the lines the part covers: from its first line's start to the next part's. */
  start: number;
  end: number;
  /** The dash's column for a list item; -1 for a top-level entry. */
  column: number;
  depth: number;
}

function countNodes(n: LNode): number {
  if (n.kind === 'scalar') return 1;
  if (n.kind === 'seq') return n.items.reduce((s, i) => s + countNodes(i), 1);
  return n.pairs.reduce((s, p) => s + countNodes(p.value), 1);
}

/** Candidate parts holding the change [from, to) of the old text, deepest first. */
function chunksFor(root: LMap, lines: LineIndex, textLength: number, from: number, to: number): Chunk[] {
  const out: Chunk[] = [];
  const regionEnd = (offset: number | undefined, parentEnd: number) => (offset === undefined ? parentEnd : lines.lineStart(lines.positionAt(offset).line));
  const holds = (start: number, end: number) => from >= start && from < end && to <= end;
  // Top-level entries: from their key's line to the next key's.
  root.pairs.forEach((pair, i) => {
    const start = pair.key.span.start;
    const end = regionEnd(root.pairs[i + 1]?.key.span.start, textLength);
    if (lines.lineStart(lines.positionAt(start).line) === start && holds(start + 1, end)) out.push({ path: [{ map: root, pair: i }], start, end, column: -1, depth: 1 });
  });
  // Step lists, at the top level and in sections, to any depth.
  const lists = (map: LMap, mapEnd: number, path: Step[], depth: number) => {
      map.pairs.forEach((p, k) => {
        if (!stepLists.has(String(p.key.value)) || p.value.kind !== 'seq') return;
        const pEnd = regionEnd(map.pairs[k + 1]?.key.span.start, mapEnd);
        const seq = p.value;
        seq.items.forEach((item, j) => {
          const line = lines.positionAt(item.span.start).line;
          const iStart = lines.lineStart(line);
          const iEnd = regionEnd(seq.items[j + 1]?.span.start, pEnd);
          const dash = /^( *)- +$/.exec(lines.text.slice(iStart, item.span.start));
          if (!dash || item.kind !== 'map' || !holds(item.span.start + 1, iEnd)) return;
          const here: Step[] = [...path, { map, pair: k }, { seq, item: j }];
          out.push({ path: here, start: iStart, end: iEnd, column: dash[1]!.length, depth: depth + 2 });
          if (item.pairs.some((q) => q.key.value === 'section')) lists(item, iEnd, here, depth + 2);
        });
      });
  };
  lists(root, textLength, [], 0);
  return out.sort((a, b) => b.path.length - a.path.length);
}

/** The slice's own lines keep to the part: no document markers, continuation lines inside it. */
function sliceShapeOk(slice: string, column: number): boolean {
  const ls = slice.split('\n');
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    if (/^(---|\.\.\.)(\s|$)|^%/.test(l)) return false;
    if (i === 0 || /^\s*(#.*)?$/.test(l)) continue;
    const indent = /^ */.exec(l)![0].length;
    if (column >= 0 ? indent <= column : indent === 0 && !/^-( |$)/.test(l)) return false;
  }
  return true;
}

/** The new tree with `replacement` at the end of `path`, later nodes moved by `delta`. */
function rebuild(node: LNode, path: Step[], at: number, replacement: LNode | LPair, regionEnd: number, delta: number): LNode | null {
  const step = path[at]!;
  // An enclosing node ends with later, untouched text, so it moves with it; one that ends inside the
  // part (its trailing comments decide where) is left to a shallower part or the full parse.
  const newEnd = (own: number) => (own > regionEnd ? own + delta : null);
  if ('map' in step) {
    const map = node as LMap;
    const pairs = map.pairs.slice(0, step.pair);
    if (at === path.length - 1) pairs.push(replacement as LPair);
    else {
      const old = map.pairs[step.pair]!;
      const value = rebuild(old.value, path, at + 1, replacement, regionEnd, delta);
      if (!value) return null;
      pairs.push({ key: old.key, value });
    }
    for (const p of map.pairs.slice(step.pair + 1)) pairs.push({ key: shiftNode(p.key, delta) as LPair['key'], value: shiftNode(p.value, delta) });
    const end = newEnd(map.span.end);
    return end === null ? null : { kind: 'map', span: { start: map.span.start, end }, pairs };
  }
  const seq = node as LSeq;
  const items = seq.items.slice(0, step.item);
  const child = at === path.length - 1 ? (replacement as LNode) : rebuild(seq.items[step.item]!, path, at + 1, replacement, regionEnd, delta);
  if (!child) return null;
  items.push(child);
  for (const n of seq.items.slice(step.item + 1)) items.push(shiftNode(n, delta));
  const end = newEnd(seq.span.end);
  return end === null ? null : { kind: 'seq', span: { start: seq.span.start, end }, items };
}

// The unchanged head and tail of an edited text, compared 256 characters at a time by the native
// string comparison and then character by character: a loop over every character cost 140-160 µs per
// edit of the 448-line shipped runbook (its text holds non-ASCII characters, so V8 keeps it two-byte),
// the blocks about 30 µs.
const BLOCK = 256;

/** Length of the longest common prefix of `a` and `b`, at most `max`. */
function commonPrefix(a: string, b: string, max: number): number {
  let i = 0;
  while (i + BLOCK <= max && a.startsWith(b.slice(i, i + BLOCK), i)) i += BLOCK;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the longest common suffix of `a` and `b`, at most `max`. */
function commonSuffix(a: string, b: string, max: number): number {
  let t = 0;
  while (t + BLOCK <= max && a.endsWith(b.slice(b.length - t - BLOCK, b.length - t), a.length - t)) t += BLOCK;
  while (t < max && a.charCodeAt(a.length - 1 - t) === b.charCodeAt(b.length - 1 - t)) t++;
  return t;
}

/** `text` parsed reusing `prev` (a clean parse of the text before one edit), or null to parse in full. */
export function reparseYaml(prev: ParsedYaml, text: string, options: ParseOptions = {}): ParsedYaml | null {
  const root = prev.root;
  const stats = root ? treeStats.get(root) : undefined;
  if (!root || root.kind !== 'map' || !stats || stats.aliases || prev.problems.some(parseProblem)) return null;
  if (text.length > (options.maxLength ?? defaultMaxLength) || options.limits) return null;
  const old = prev.text;
  // Lone carriage returns break lines where the slices below would not.
  if (old.includes('\r') || text.includes('\r')) return null;
  const min = Math.min(old.length, text.length);
  const from = commonPrefix(old, text, min);
  const tail = commonSuffix(old, text, min - from);
  const to = old.length - tail;
  const delta = text.length - old.length;
  if (delta === 0 && from === old.length) return { text, lines: prev.lines, root, data: prev.data, problems: [] };
  for (const chunk of chunksFor(root, prev.lines, old.length, from, to)) {
    const end = chunk.end + delta;
    // The part must still end at a line break, so the next part starts a line; the document's last
    // part (whose end trailing text decides) is parsed in full.
    if (chunk.end >= old.length || text.charCodeAt(end - 1) !== 10) continue;
    const slice = text.slice(chunk.start, end);
    if (!sliceShapeOk(slice, chunk.column)) continue;
    const doc = parseDocument(slice, { uniqueKeys: true, prettyErrors: false, strict: true });
    if (doc.errors.length || doc.warnings.length) continue;
    const contents = doc.contents as YamlNode | null;
    const last = chunk.path[chunk.path.length - 1]!;
    let replacement: LNode | LPair;
    let oldNode: LNode;
    let built: { node: LNode; nodes: number } | null;
    if ('map' in last) {
      const item = isMap(contents) && contents.items.length === 1 ? contents.items[0] : undefined;
      if (!isPair(item) || !isScalar(item.key)) continue;
      const oldPair = last.map.pairs[last.pair]!;
      const key = buildSliceKey(item.key as Scalar, text, chunk.start);
      if (key.value !== oldPair.key.value) continue;
      built = buildSlice(doc, item.value as YamlNode, text, chunk.start, chunk.depth);
      if (!built) continue;
      replacement = { key, value: built.node };
      oldNode = oldPair.value;
    } else {
      const item = isSeq(contents) && contents.items.length === 1 ? contents.items[0] : undefined;
      if (!isMap(item)) continue;
      built = buildSlice(doc, item as YamlNode, text, chunk.start, chunk.depth);
      if (!built || built.node.kind !== 'map') continue;
      replacement = built.node;
      oldNode = last.seq.items[last.item]!;
    }
    const nodes = stats.nodes - countNodes(oldNode) + built.nodes;
    if (nodes > defaultTreeLimits.maxNodes) return null;
    const newRoot = rebuild(root, chunk.path, 0, replacement, chunk.end, delta);
    if (!newRoot) continue;
    treeStats.set(newRoot, { nodes, aliases: false });
    return { text, lines: new LineIndex(text), root: newRoot, data: toPlain(newRoot), problems: [] };
  }
  return null;
}
