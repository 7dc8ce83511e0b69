// Code actions for a range: quick fixes of the problems there, "suppress with reason", and a
// fix-all for the whole document.
import type { Problem, Span } from '../language/index';
import { toDiagnostic, visibleProblems } from './diagnostics';
import type { RunbookDocument } from './document';
import { fixesFor, type FixEdit } from './fixes';
import { canSuppress, suppressEdit } from './suppress';
import type { CodeAction } from './types';

export const fixAllKind = 'source.fixAll.runsafe';

function overlaps(a: Span, b: Span): boolean {
  return a.start <= b.end && b.start <= a.end;
}

function edit(doc: RunbookDocument, edits: FixEdit[]) {
  return { changes: { [doc.uri]: edits.map((e) => ({ range: doc.lines.rangeOf(e.span), newText: e.newText })) } };
}

/** The first safe fix of every fixable problem, skipping edits that would overlap an earlier one. */
export function fixAll(doc: RunbookDocument): CodeAction | null {
  const chosen: FixEdit[] = [];
  const fixed: Problem[] = [];
  for (const p of visibleProblems(doc)) {
    const fix = fixesFor(doc, p).find((f) => f.safe);
    if (!fix) continue;
    if (fix.edits.some((e) => chosen.some((c) => overlaps(c.span, e.span)))) continue;
    chosen.push(...fix.edits);
    fixed.push(p);
  }
  if (!chosen.length) return null;
  chosen.sort((a, b) => a.span.start - b.span.start);
  return { title: `Fix all runsafe problems (${fixed.length})`, kind: fixAllKind, diagnostics: fixed.map((p) => toDiagnostic(doc, p)), edit: edit(doc, chosen) };
}

/** Actions for the problems overlapping `range`; `only` filters by kind prefix as LSP does. */
export function codeActions(doc: RunbookDocument, range: Span, only?: string[]): CodeAction[] {
  const wants = (kind: string) => !only?.length || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const out: CodeAction[] = [];
  const here = visibleProblems(doc).filter((p) => overlaps(p.span, range));
  if (wants('quickfix')) {
    for (const p of here) {
      const diagnostic = toDiagnostic(doc, p);
      for (const f of fixesFor(doc, p)) out.push({ title: f.title, kind: 'quickfix', diagnostics: [diagnostic], ...(f.preferred ? { isPreferred: true } : {}), edit: edit(doc, f.edits) });
    }
    const seen = new Set<string>();
    for (const p of here) {
      const e = canSuppress(p) ? suppressEdit(doc, p) : undefined;
      if (!e) continue;
      const key = `${p.code}@${e.span.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ title: `Suppress ${p.code} here (with a reason)`, kind: 'quickfix', diagnostics: [toDiagnostic(doc, p)], edit: edit(doc, [e]) });
    }
  }
  if (wants(fixAllKind)) {
    const all = fixAll(doc);
    if (all && (only?.length || here.some((p) => fixesFor(doc, p).some((f) => f.safe)))) out.push(all);
  }
  return out;
}
