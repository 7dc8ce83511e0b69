// Lint problems -> editor diagnostics: severity overrides applied, docs link, typed data kept
// for quick fixes, and related locations (a secret's declaration, a duplicate's first use).
import { docsUrl, languageCodes } from '../language/docs';
import type { Problem, Span } from '../language/index';
import type { RunbookDocument } from './document';
import { symbolIndex, variablesInside } from './cache';
import type { Diagnostic } from './types';

/** LSP DiagnosticSeverity numbers; the Markdown diagnostics use the same. */
export const severityCode = { error: 1, warning: 2, info: 3 } as const;

function isSpan(v: unknown): v is Span {
  return !!v && typeof v === 'object' && typeof (v as Span).start === 'number' && typeof (v as Span).end === 'number';
}

/** The problems a document shows, after the settings' severity overrides (`off` removes). */
export function visibleProblems(doc: RunbookDocument): Problem[] {
  const out: Problem[] = [];
  for (const p of doc.problems) {
    const o = doc.settings.severity[p.code];
    if (o === 'off') continue;
    out.push(o ? { ...p, severity: o } : p);
  }
  return out;
}

function related(doc: RunbookDocument, p: Problem): Diagnostic['relatedInformation'] {
  const out: NonNullable<Diagnostic['relatedInformation']> = [];
  const data = p.data ?? {};
  if (Array.isArray(data.related)) {
    for (const r of data.related as unknown[]) {
      const span = (r as { span?: unknown })?.span;
      const message = (r as { message?: unknown })?.message;
      if (isSpan(span) && typeof message === 'string') out.push({ location: { uri: doc.uri, range: doc.lines.rangeOf(span) }, message });
    }
  }
  // A rule finding that involves declared variables (a secret echoed, passed on a command line)
  // points at their declarations: the input or the capture that makes them secret. The variable
  // is the one named in `data.variable`, else each declared one used inside the finding's span.
  if (!out.length && !(p.code in languageCodes)) {
    const index = symbolIndex(doc);
    const named = typeof data.variable === 'string' ? [data.variable] : [];
    for (const name of named.length ? named : variablesInside(doc)(p.span)) {
      const v = index.variables.get(name);
      const decl = v?.declarations[0];
      if (v && decl) out.push({ location: { uri: doc.uri, range: doc.lines.rangeOf(decl) }, message: v.input ? `\`${name}\` is declared here` : `\`${name}\` is captured here` });
    }
  }
  return out.length ? out : undefined;
}

export function toDiagnostic(doc: RunbookDocument, p: Problem): Diagnostic {
  const d: Diagnostic = {
    range: doc.lines.rangeOf(p.span),
    severity: severityCode[p.severity],
    code: p.code,
    codeDescription: { href: docsUrl(p.code) },
    source: 'runsafe',
    message: p.message,
  };
  if (p.data) d.data = p.data;
  const rel = related(doc, p);
  if (rel) d.relatedInformation = rel;
  return d;
}

/** Diagnostics for a document, in position order. */
export function diagnostics(doc: RunbookDocument): Diagnostic[] {
  if (doc.settings.lint === false) return [];
  return visibleProblems(doc).map((p) => toDiagnostic(doc, p));
}
