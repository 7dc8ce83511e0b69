// "Suppress with reason": a `# runsafe-ignore <rule>: <reason>` line directly above the finding's
// line, where the rule engine looks for it (server/src/rules/suppressions.ts) — offered only where
// a comment line there cannot change what runs.
import { languageCodes } from '../language/docs';
import type { LScalar, Problem } from '../language/index';
import type { RunbookDocument } from './document';
import type { FixEdit } from './fixes';
import { locate } from './locate';

/** The reason text inserted; the author replaces it (a suppression without a reason is a finding). */
export const reasonPlaceholder = 'TODO say why this is safe';

/** Only rule findings can be suppressed; parse and schema problems must be fixed. */
export function canSuppress(p: Problem): boolean {
  return !(p.code in languageCodes) && p.code !== 'invalid-suppression' && p.code !== 'unused-suppression';
}

/** True when `line` of a literal script is inside a heredoc body opened on an earlier line. */
function inHeredoc(doc: RunbookDocument, scalar: LScalar, line: number): boolean {
  let open: string | undefined;
  for (let l = doc.lines.positionAt(scalar.span.start).line + 1; l < line; l++) {
    const text = doc.lines.lineText(l);
    if (open) {
      if (text.trim() === open) open = undefined;
      continue;
    }
    const m = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(text);
    if (m) open = m[2];
  }
  return open !== undefined;
}

/**
 * The edit inserting the suppression above the finding's line, or undefined where a comment line
 * there would change the runbook: inside a plain, quoted or folded scalar (it would become part
 * of the text), after a trailing backslash (it would end the command), or in a heredoc body.
 */
export function suppressEdit(doc: RunbookDocument, p: Problem): FixEdit | undefined {
  const { lines } = doc;
  const line = lines.positionAt(p.span.start).line;
  const hit = locate(doc.parsed.root, p.span.start);
  const scalar = hit.scalar;
  if (scalar && !hit.onKey && lines.positionAt(scalar.span.start).line !== line) {
    if (scalar.style !== 'literal') return undefined;
    if (/\\$/.test(lines.lineText(line - 1)) || inHeredoc(doc, scalar, line)) return undefined;
  }
  const indent = /^[ \t]*/.exec(lines.lineText(line))![0];
  const at = lines.lineStart(line);
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  return { span: { start: at, end: at }, newText: `${indent}# runsafe-ignore ${p.code}: ${reasonPlaceholder}${eol}` };
}
