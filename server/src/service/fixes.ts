// Quick fixes carried by problems: the rules' own (in `data.fixes`) and the schema's
// "did you mean" suggestions. Fixes are found from code and typed data, never from messages.
import { nodeAt, type Problem, type Span } from '../language/index';
import type { RunbookDocument } from './document';
import { valueSpan } from './symbol-index';

export interface FixEdit {
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  edits: FixEdit[];
  /** Keeps behaviour apart from removing the problem: fix-all applies only these. */
  safe: boolean;
  /** The fix the editor offers first. */
  preferred?: boolean;
}

/** A fix that only inserts a suppression comment: the service offers its own, placed safely (suppress.ts). */
function isSuppression(edits: FixEdit[]): boolean {
  return edits.every((e) => /#\s*runsafe-ignore\b/.test(e.newText));
}

/**
 * The rules' contract (server/src/rules/types.ts): `data.fixes: [{ title, edits: [{ span:
 * {start, end}, newText }], safe }]`, offsets into the runbook text.
 */
function ruleFixes(p: Problem): Fix[] {
  const raw = p.data?.fixes;
  if (!Array.isArray(raw)) return [];
  const out: Fix[] = [];
  for (const f of raw as unknown[]) {
    const title = (f as { title?: unknown })?.title;
    const edits = (f as { edits?: unknown })?.edits;
    if (typeof title !== 'string' || !Array.isArray(edits)) continue;
    const ok = edits.every((e) => {
      const s = (e as FixEdit)?.span;
      return s && typeof s.start === 'number' && typeof s.end === 'number' && s.start <= s.end && typeof (e as FixEdit).newText === 'string';
    });
    if (!ok || !edits.length || isSuppression(edits as FixEdit[])) continue;
    out.push({ title, edits: edits as FixEdit[], safe: (f as { safe?: unknown }).safe === true });
  }
  // The first safe fix is the preferred one.
  const preferred = out.find((f) => f.safe);
  if (preferred) preferred.preferred = true;
  return out;
}

function schemaFixes(doc: RunbookDocument, p: Problem): Fix[] {
  const suggestion = p.data?.suggestion;
  const path = p.data?.path;
  if (typeof suggestion !== 'string' || !Array.isArray(path)) return [];
  if (p.code === 'schema-unknown-key') {
    // Schema fixes repair a runbook that cannot run as written, so they count as safe.
    return [{ title: `Change \`${String(p.data?.key)}\` to \`${suggestion}\``, edits: [{ span: p.span, newText: suggestion }], safe: true, preferred: true }];
  }
  if (p.code === 'schema-value') {
    const node = nodeAt(doc.parsed.root, path as (string | number)[]);
    if (node?.kind !== 'scalar') return [];
    return [{ title: `Change to \`${suggestion}\``, edits: [{ span: valueSpan(node), newText: suggestion }], safe: true, preferred: true }];
  }
  return [];
}

/** Every fix a problem offers, best first. */
export function fixesFor(doc: RunbookDocument, p: Problem): Fix[] {
  return [...ruleFixes(p), ...schemaFixes(doc, p)];
}
