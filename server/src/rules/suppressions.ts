// `# runsafe-ignore <rule>: <reason>` comments: found in the file text (YAML comments and shell comments alike).
import type { LineIndex, Span } from '../language/positions';

export interface Suppression {
  /** Span of the whole comment, from `#`. */
  span: Span;
  /** Span of the rule name (or of the directive when the name is missing). */
  ruleSpan: Span;
  rule: string | null;
  reason: string | null;
  /** Zero-based line the comment sits on; it covers findings on this line and the next code line. */
  line: number;
  /** The next line that is not blank and not only a comment. */
  targetLine: number;
  /**
   * Last line covered: a command continued with backslashes, or a multi-line plain/quoted/folded
   * value whose key is on the target line (a comment cannot go inside those, so it goes above).
   */
  lastLine: number;
  used: boolean;
}

const directive = /#\s*runsafe-ignore\b[ \t]*([A-Za-z0-9_-]*)[ \t]*(?::[ \t]*(.*?))?[ \t]*$/;

/**
 * Finds suppressions line by line. A shell comment inside a block scalar is a line of the file like a
 * YAML comment, so one textual scan serves both; `#` must start the line or follow whitespace, as
 * both YAML and the shell require.
 */
export function findSuppressions(text: string, lines: LineIndex): Suppression[] {
  const out: Suppression[] = [];
  if (!text.includes('runsafe-ignore')) return out;
  for (let line = 0; line < lines.lineCount; line++) {
    const lineText = lines.lineText(line);
    const at = lineText.indexOf('runsafe-ignore');
    if (at < 0) continue;
    const hash = lineText.lastIndexOf('#', at);
    if (hash < 0 || (hash > 0 && !/\s/.test(lineText[hash - 1]!))) continue;
    const m = directive.exec(lineText.slice(hash));
    if (!m) continue;
    const base = lines.lineStart(line) + hash;
    const ruleOffset = m[1] ? m[0].indexOf(m[1], m[0].indexOf('runsafe-ignore') + 'runsafe-ignore'.length) : m[0].indexOf('runsafe-ignore');
    const ruleLength = m[1] ? m[1].length : 'runsafe-ignore'.length;
    let target = line + 1;
    while (target < lines.lineCount && /^\s*(#.*)?$/.test(lines.lineText(target))) target++;
    out.push({
      span: { start: base, end: lines.lineEnd(line) },
      ruleSpan: { start: base + ruleOffset, end: base + ruleOffset + ruleLength },
      rule: m[1] || null,
      // The editor's inserted placeholder is not a reason until the author writes one.
      reason: m[2]?.trim() && !/^(TODO\b|<reason>$)/i.test(m[2].trim()) ? m[2].trim() : null,
      line,
      targetLine: lineText.slice(0, hash).trim() === '' ? target : line,
      lastLine: coveredUntil(lines, lineText.slice(0, hash).trim() === '' ? target : line),
      used: false,
    });
  }
  return out;
}

function indentOf(text: string): number {
  return /^[ \t]*/.exec(text)![0].length;
}

function coveredUntil(lines: LineIndex, target: number): number {
  let last = target;
  while (last + 1 < lines.lineCount && /\\\s*$/.test(lines.lineText(last))) last++;
  const text = lines.lineText(target);
  // `key: value` or `- key: value` whose value is not a literal block continues on deeper-indented lines.
  if (last === target && /^\s*(- )?[\w.-]+:(\s+[^|\s#].*|\s+>[-+0-9]*\s*)?$/.test(text) && !/:\s*$/.test(text)) {
    const indent = indentOf(text) + (/^\s*- /.test(text) ? 2 : 0);
    while (last + 1 < lines.lineCount) {
      const next = lines.lineText(last + 1);
      if (next.trim() !== '' && indentOf(next) <= indent) break;
      last++;
    }
  }
  return last;
}
