// Code lens data: run the runbook, run one step, approval state. The client turns each
// `action` into one of its commands (see server/src/lsp/protocol.ts).
import { stepAnchor } from '../language/index';
import type { RunbookDocument } from './document';
import type { CodeLensData } from './types';

export function codeLenses(doc: RunbookDocument): CodeLensData[] {
  const rb = doc.parsed.runbook;
  if (!rb.root) return [];
  const out: CodeLensData[] = [];
  const head = rb.id?.node.span ?? rb.root.pairs[0]?.key.span ?? rb.root.span;
  const headRange = doc.lines.rangeOf({ start: head.start, end: head.start });
  out.push({ range: headRange, data: { action: 'run-runbook', uri: doc.uri, title: 'Run runbook' } });
  out.push({ range: headRange, data: { action: 'approval-state', uri: doc.uri, title: 'Approval: unknown' } });
  for (const s of rb.allSteps) {
    if (!s.id || s.group === 'preconditions') continue;
    const a = stepAnchor(s);
    out.push({ range: doc.lines.rangeOf({ start: a.start, end: a.start }), data: { action: 'run-step', uri: doc.uri, stepId: s.id.value, title: s.group === 'rollback' ? 'Run rollback step' : 'Run step' } });
  }
  return out;
}
