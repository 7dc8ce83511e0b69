// Per-document derived data computed once per analysed version (documents are immutable).
import type { Span } from '../language/index';
import type { RunbookDocument } from './document';
import { buildSymbolIndex, type SymbolIndex } from './symbol-index';

const indexes = new WeakMap<RunbookDocument, SymbolIndex>();
const inside = new WeakMap<RunbookDocument, (span: Span) => string[]>();

export function symbolIndex(doc: RunbookDocument): SymbolIndex {
  let i = indexes.get(doc);
  if (!i) indexes.set(doc, (i = buildSymbolIndex(doc.parsed.runbook)));
  return i;
}

/**
 * The declared-or-not variables with a reference lying wholly inside a span, in the symbol index's
 * order: a binary search over the references sorted by start, so each finding's related
 * information costs its own span, not the whole document's references.
 */
export function variablesInside(doc: RunbookDocument): (span: Span) => string[] {
  let f = inside.get(doc);
  if (!f) {
    const refs: { start: number; end: number; order: number; name: string }[] = [];
    let order = 0;
    for (const v of symbolIndex(doc).variables.values()) {
      for (const r of v.references) refs.push({ start: r.start, end: r.end, order, name: v.name });
      order++;
    }
    refs.sort((a, b) => a.start - b.start);
    f = (span) => {
      let lo = 0;
      let hi = refs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (refs[mid]!.start < span.start) lo = mid + 1;
        else hi = mid;
      }
      const found = new Map<string, number>();
      for (let i = lo; i < refs.length && refs[i]!.start <= span.end; i++) if (refs[i]!.end <= span.end) found.set(refs[i]!.name, refs[i]!.order);
      return [...found].sort((a, b) => a[1] - b[1]).map(([name]) => name);
    };
    inside.set(doc, f);
  }
  return f;
}
