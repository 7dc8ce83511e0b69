// Code lens data: run the runbook, run one step, approval state. The client turns each
// `action` into one of its commands (see server/src/lsp/protocol.ts).
import { cadenceStatus, describeCadence, type LastRun } from '../language/cadence';
import { stepAnchor } from '../language/index';
import type { RunbookDocument } from './document';
import type { CodeLensData } from './types';

/** What the adapter found in the transcripts for this runbook, and the time now. */
export interface RunHistoryView {
  now: number;
  lastRun?: LastRun & { transcriptUri: string };
}

export function codeLenses(doc: RunbookDocument, history?: RunHistoryView): CodeLensData[] {
  const rb = doc.parsed.runbook;
  if (!rb.root) return [];
  const out: CodeLensData[] = [];
  const head = rb.id?.node.span ?? rb.root.pairs[0]?.key.span ?? rb.root.span;
  const headRange = doc.lines.rangeOf({ start: head.start, end: head.start });
  out.push({ range: headRange, data: { action: 'run-runbook', uri: doc.uri, title: 'Run runbook' } });
  out.push({ range: headRange, data: { action: 'approval-state', uri: doc.uri, title: 'Approval: unknown' } });
  if (rb.cadence && history) {
    const last = history.lastRun;
    const title = describeCadence(cadenceStatus(rb.cadence, last, history.now), history.now);
    // With a run on record the lens opens its transcript summary; never run, it starts one.
    out.push({ range: headRange, data: last ? { action: 'cadence', uri: last.transcriptUri, title } : { action: 'run-runbook', uri: doc.uri, title } });
  }
  for (const s of rb.allSteps) {
    if (!s.id || s.group === 'preconditions') continue;
    const a = stepAnchor(s);
    out.push({ range: doc.lines.rangeOf({ start: a.start, end: a.start }), data: { action: 'run-step', uri: doc.uri, stepId: s.id.value, title: s.group === 'rollback' ? 'Run rollback step' : 'Run step' } });
  }
  return out;
}
