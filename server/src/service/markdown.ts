// Diagnostics for a Markdown runbook's fences (`runsafe.markdown`), with the same severity
// overrides, codes and docs links as a runbook's; the other language features are for runbooks.
import { docsUrl } from '../language/docs';
import { lintMarkdown } from '../markdown/lint-markdown';
import { severityCode } from './diagnostics';
import type { ServiceSettings } from './settings';
import type { Diagnostic } from './types';

export function markdownDiagnostics(text: string, settings: ServiceSettings): Diagnostic[] {
  if (settings.lint === false) return [];
  const r = lintMarkdown(text, { workspacePolicy: settings.policy, ...(settings.maxLength ? { maxLength: settings.maxLength } : {}) });
  const out: Diagnostic[] = [];
  for (const p of r.problems) {
    const o = settings.severity[p.code];
    if (o === 'off') continue;
    const d: Diagnostic = { range: r.lines.rangeOf(p.span), severity: severityCode[o ?? p.severity], code: p.code, codeDescription: { href: docsUrl(p.code) }, source: 'runsafe', message: p.message };
    if (p.data) d.data = p.data;
    out.push(d);
  }
  return out;
}
