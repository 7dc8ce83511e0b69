// Document outline: metadata keys, inputs, preconditions, sections and steps (nested), rollback.
import type { Item, LNode, LPair, Section, Span, Step } from '../language/index';
import type { RunbookDocument } from './document';
import { SymbolKind, type DocumentSymbol } from './types';

const metadataKeys = new Set(['runsafe', 'id', 'title', 'description', 'owner', 'contacts', 'related', 'labels', 'cadence', 'estimated_time', 'target']);

function pairSpan(p: LPair): Span {
  return { start: p.key.span.start, end: Math.max(p.key.span.end, p.value.span.end) };
}

function scalarText(n: LNode): string | undefined {
  return n.kind === 'scalar' && n.value !== null ? String(n.value) : undefined;
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0]!.trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

export function documentSymbols(doc: RunbookDocument): DocumentSymbol[] {
  const rb = doc.parsed.runbook;
  const root = rb.root;
  if (!root) return [];
  const r = (s: Span) => doc.lines.rangeOf(s);
  const sym = (name: string, kind: number, span: Span, selection: Span, detail?: string, children?: DocumentSymbol[]): DocumentSymbol => ({
    name: name || '(unnamed)',
    kind,
    range: r(span),
    selectionRange: r(selection),
    ...(detail ? { detail } : {}),
    ...(children ? { children } : {}),
  });
  const stepSymbol = (s: Step): DocumentSymbol => {
    const facts = [s.kind, s.confirm ? 'confirm' : '', s.rollback.length ? `rollback: ${s.rollback.map((x) => x.value).join(', ')}` : ''].filter(Boolean).join(' · ');
    const name = s.id?.value ?? s.title ?? '(step without id)';
    const detail = s.title && s.id ? `${s.title} — ${facts}` : facts;
    return sym(name, s.kind === 'manual' ? SymbolKind.Event : SymbolKind.Function, s.node.span, s.id?.node.span ?? s.node.pairs[0]?.key.span ?? s.node.span, detail);
  };
  const sectionSymbol = (sec: Section): DocumentSymbol =>
    sym(sec.title.value, SymbolKind.Namespace, sec.node.span, sec.title.node.span, sec.kind, items(sec.items));
  const items = (list: Item[]): DocumentSymbol[] => list.map((i) => (i.type === 'step' ? stepSymbol(i.step) : sectionSymbol(i.section)));

  const out: DocumentSymbol[] = [];
  const metaPairs = root.pairs.filter((p) => metadataKeys.has(String(p.key.value)));
  for (const p of root.pairs) {
    const key = String(p.key.value);
    const span = pairSpan(p);
    if (metadataKeys.has(key)) {
      // The header keys become one "metadata" node where the first of them is.
      if (p === metaPairs[0]) {
        const children = metaPairs.map((m) => {
          const v = scalarText(m.value);
          return sym(String(m.key.value), SymbolKind.Property, pairSpan(m), m.key.span, v !== undefined ? firstLine(v) : undefined);
        });
        const title = rb.title?.value;
        const whole = { start: pairSpan(metaPairs[0]!).start, end: Math.max(...metaPairs.map((m) => pairSpan(m).end)) };
        out.push(sym('metadata', SymbolKind.Module, whole, metaPairs[0]!.key.span, title, children));
      }
      continue;
    }
    if (key === 'inputs') {
      const children = rb.inputs.map((i) =>
        sym(i.name, i.secret ? SymbolKind.Key : SymbolKind.Variable, { start: i.nameNode.span.start, end: Math.max(i.nameNode.span.end, i.node.span.end) }, i.nameNode.span, [i.secret ? 'secret' : i.type, i.description ?? ''].filter(Boolean).join(' — ')),
      );
      out.push(sym('inputs', SymbolKind.Namespace, span, p.key.span, `${rb.inputs.length}`, children));
    } else if (key === 'preconditions') out.push(sym('preconditions', SymbolKind.Array, span, p.key.span, `${rb.preconditions.length}`, rb.preconditions.map(stepSymbol)));
    else if (key === 'steps') out.push(sym('steps', SymbolKind.Array, span, p.key.span, undefined, items(rb.items)));
    else if (key === 'rollback') out.push(sym('rollback', SymbolKind.Array, span, p.key.span, `${rb.rollback.length}`, rb.rollback.map(stepSymbol)));
    else out.push(sym(key, SymbolKind.Property, span, p.key.span));
  }
  return out;
}

