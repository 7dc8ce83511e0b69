// "Suppress with reason": a `# runsafe-ignore <rule>: <reason>` line placed where the rules
// read it — before the finding's line, as a shell comment inside literal block scripts.
import { languageCodes } from '../language/docs';
import type { Problem } from '../language/index';
import type { RunbookDocument } from './document';
import { locate } from './locate';
import type { FixEdit } from './fixes';

/** The reason text inserted; the author replaces it (a suppression without a reason is a finding). */
export const reasonPlaceholder = 'TODO say why this is safe';

/** Only rule findings can be suppressed; parse and schema problems must be fixed. */
export function canSuppress(p: Problem): boolean {
  return !(p.code in languageCodes);
}

export function suppressEdit(doc: RunbookDocument, p: Problem): FixEdit {
  const { lines } = doc;
  let line = lines.positionAt(p.span.start).line;
  const hit = locate(doc.parsed.root, p.span.start);
  const scalar = hit.scalar;
  if (scalar && scalar.style === 'literal' && !hit.onKey) {
    // Inside a literal script: go to the start of the logical command, since a comment line
    // after a trailing backslash would join the comment to the command.
    const first = lines.positionAt(scalar.span.start).line + 1;
    while (line > first && /\\$/.test(lines.lineText(line - 1))) line--;
  } else if (scalar) {
    // Plain, quoted or folded text: a comment line inside would change the value, so the
    // YAML comment goes before the line where the key (or list item) starts.
    const anchor = hit.pair && !hit.onKey ? hit.pair.key.span.start : scalar.span.start;
    line = lines.positionAt(anchor).line;
  }
  const lineText = lines.lineText(line);
  // A list item line (`- run: …`): the comment aligns with the dash.
  const indent = /^\s*/.exec(lineText)![0];
  const at = lines.lineStart(line);
  return { span: { start: at, end: at }, newText: `${indent}# runsafe-ignore ${p.code}: ${reasonPlaceholder}\n` };
}
