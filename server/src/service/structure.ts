// Folding and selection ranges from the located YAML tree.
import type { LNode, Span } from '../language/index';
import type { RunbookDocument } from './document';
import type { FoldingRange, SelectionRange } from './types';

const maxFolds = 5000;

export function foldingRanges(doc: RunbookDocument): FoldingRange[] {
  const { lines } = doc;
  const out: FoldingRange[] = [];
  const add = (span: Span) => {
    const startLine = lines.positionAt(span.start).line;
    // Block values end after their last line break: the fold ends on the last line with text.
    let endLine = lines.positionAt(span.end).line;
    if (endLine > startLine && lines.lineStart(endLine) === span.end) endLine--;
    while (endLine > startLine && lines.lineText(endLine).trim() === '') endLine--;
    if (endLine > startLine && out.length < maxFolds) out.push({ startLine, endLine });
  };
  const walk = (node: LNode) => {
    if (node.kind === 'map') {
      for (const p of node.pairs) {
        add({ start: p.key.span.start, end: p.value.span.end });
        walk(p.value);
      }
    } else if (node.kind === 'seq') {
      for (const item of node.items) {
        add(item.span);
        walk(item);
      }
    }
  };
  if (doc.parsed.root) walk(doc.parsed.root);
  // Runs of whole-line comments (headers, suppression notes).
  let runStart = -1;
  for (let l = 0; l <= lines.lineCount; l++) {
    const isComment = l < lines.lineCount && /^\s*#/.test(lines.lineText(l));
    if (isComment && runStart < 0) runStart = l;
    if (!isComment && runStart >= 0) {
      if (l - 1 > runStart) out.push({ startLine: runStart, endLine: l - 1, kind: 'comment' });
      runStart = -1;
    }
  }
  // One fold per start line (the outermost), sorted, as editors expect.
  const byStart = new Map<number, FoldingRange>();
  for (const f of out) {
    const prev = byStart.get(f.startLine);
    if (!prev || prev.endLine < f.endLine) byStart.set(f.startLine, f);
  }
  return [...byStart.values()].sort((a, b) => a.startLine - b.startLine);
}

/** Spans enclosing `offset`, outermost first: nodes, key-value pairs and keys. */
function enclosing(root: LNode | null, offset: number): Span[] {
  const out: Span[] = [];
  let node: LNode | undefined = root ?? undefined;
  const inside = (s: Span) => offset >= s.start && offset <= s.end;
  while (node && inside(node.span)) {
    out.push(node.span);
    if (node.kind === 'scalar') break;
    let next: LNode | undefined;
    if (node.kind === 'map') {
      for (const p of node.pairs) {
        const pair = { start: p.key.span.start, end: p.value.span.end };
        if (!inside(pair)) continue;
        out.push(pair);
        if (inside(p.key.span) && p.key.span.end > p.key.span.start && offset <= p.key.span.end && (offset < p.value.span.start || p.value.span.start === p.value.span.end)) {
          out.push(p.key.span);
          break;
        }
        next = p.value;
        break;
      }
    } else next = node.items.find((i) => inside(i.span));
    node = next;
  }
  return out;
}

export function selectionRanges(doc: RunbookDocument, offsets: number[]): SelectionRange[] {
  return offsets.map((offset) => {
    const spans = enclosing(doc.parsed.root, offset);
    // Trim trailing line breaks so each range selects what the author sees.
    let current: SelectionRange | undefined;
    let last: Span | undefined;
    for (const raw of spans) {
      let end = raw.end;
      while (end > raw.start && /\s/.test(doc.text[end - 1]!)) end--;
      const span = { start: raw.start, end };
      if (last && last.start === span.start && last.end === span.end) continue;
      last = span;
      current = current ? { range: doc.lines.rangeOf(span), parent: current } : { range: doc.lines.rangeOf(span) };
    }
    return current ?? { range: doc.lines.rangeOf({ start: offset, end: offset }) };
  });
}
