// "Suppress with reason": a `# runsafe-ignore <rule>: <reason>` line where the rule engine looks
// for it (server/src/rules/suppressions.ts), placed so that it cannot change what runs.
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
 * The edit inserting the suppression where the rule engine reads it (server/src/rules/suppressions.ts:
 * a comment covers the next code line, the backslash-continued lines after it, and a multi-line
 * value whose key is on that line). So it goes above the first line of a continued command, and
 * above the key of a plain, quoted or folded value (a comment inside those would change them).
 * Undefined inside a heredoc body, where any comment line would become part of the text.
 */
export function suppressEdit(doc: RunbookDocument, p: Problem): FixEdit | undefined {
  const { lines } = doc;
  let line = lines.positionAt(p.span.start).line;
  const hit = locate(doc.parsed.root, p.span.start);
  const scalar = hit.scalar;
  if (scalar && !hit.onKey && lines.positionAt(scalar.span.start).line !== line) {
    if (scalar.style === 'literal') {
      if (inHeredoc(doc, scalar, line)) return undefined;
      const first = lines.positionAt(scalar.span.start).line + 1;
      while (line > first && /\\\s*$/.test(lines.lineText(line - 1))) line--;
    } else {
      const anchor = hit.pair ? hit.pair.key.span.start : scalar.span.start;
      line = lines.positionAt(anchor).line;
    }
  }
  const indent = /^[ \t]*/.exec(lines.lineText(line))![0];
  const at = lines.lineStart(line);
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  return { span: { start: at, end: at }, newText: `${indent}# runsafe-ignore ${p.code}: ${reasonPlaceholder}${eol}` };
}
