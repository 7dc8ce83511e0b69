// Per-document derived data computed once per analysed version (documents are immutable).
import type { RunbookDocument } from './document';
import { buildSymbolIndex, type SymbolIndex } from './symbol-index';

const indexes = new WeakMap<RunbookDocument, SymbolIndex>();

export function symbolIndex(doc: RunbookDocument): SymbolIndex {
  let i = indexes.get(doc);
  if (!i) indexes.set(doc, (i = buildSymbolIndex(doc.parsed.runbook)));
  return i;
}
