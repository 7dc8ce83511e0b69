// Lints the shell and SQL fences of a Markdown runbook with the same rules as a runbook: each fence
// becomes a step of a generated runbook (its variables declared as inputs, secret by name), the
// rules run on that, and every finding is mapped back to the exact line and column in the Markdown.
import { LineIndex, problem, sortProblems, type Problem } from '../language/index';
import { lintRunbook, type LintOptions } from '../lint';
import { looksSecret } from '../rules/secret-names';
import { extractFences, type Fence } from './fences';

/** Rules about a runbook's structure (declared inputs, checks, rollbacks, references): a document has none. */
const structural = new Set(['undefined-variable', 'broken-reference', 'unverified-change', 'missing-rollback']);
/** Content lines sit this far in: `    run: |2` puts them at column 6. */
const indent = 6;
const placeholder = /(?<![<\w])<([A-Za-z][A-Za-z0-9_ .-]{0,60})>(?![>\w])/g;
const variableUse = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;
const htmlSuppression = /<!--\s*runsafe-ignore\b[ \t]*([A-Za-z0-9_-]*)[ \t]*(?::[ \t]*(.*?))?[ \t]*-->/;

export interface MarkdownLintResult {
  text: string;
  lines: LineIndex;
  problems: Problem[];
  fences: Fence[];
}

interface Mapped {
  /** Synthetic offset of the content line's first character. */
  start: number;
  length: number;
  /** Source offset of the same character. */
  source: number;
}

/**
 * `<new-password>` is a placeholder, not a redirection: it becomes `$new_password_`, the same length,
 * so columns stay exact and the rules see a variable (secret when its name says so).
 */
function withPlaceholders(line: string, originals: Map<string, string>): string {
  return line.replace(placeholder, (m, name: string) => {
    const v = `$${name.replace(/[^A-Za-z0-9_]/g, '_')}_`;
    originals.set(v, m);
    return v;
  });
}

/** Messages name what the author wrote: `<new-password>`, not the variable it stood in for. */
function restorePlaceholders(message: string, originals: Map<string, string>): string {
  let out = message;
  for (const [v, m] of originals) out = out.split(v).join(m);
  return out;
}

function synthesize(fences: Fence[]): { yaml: string; map: Mapped[]; originals: Map<string, string> } {
  const names = new Set<string>();
  const originals = new Map<string, string>();
  const bodies = fences.map((f) => f.lines.map((l) => withPlaceholders(l.text, originals)));
  for (const b of bodies) for (const l of b) for (const m of l.matchAll(variableUse)) names.add(m[1]!);
  let yaml = 'runsafe: 1\nid: markdown-document\ntitle: Markdown document\n';
  if (names.size) {
    yaml += 'inputs:\n';
    for (const n of [...names].sort()) yaml += `  ${n}: { required: false${looksSecret(n) ? ', secret: true' : ''} }\n`;
  }
  yaml += 'steps:\n';
  const map: Mapped[] = [];
  fences.forEach((f, i) => {
    yaml += `  - id: fence-${i + 1}\n    ${f.kind === 'sql' ? 'sql' : 'run'}: |${indent - 4}\n`;
    bodies[i]!.forEach((text, j) => {
      map.push({ start: yaml.length + indent, length: text.length, source: f.lines[j]!.offset });
      yaml += `${' '.repeat(indent)}${text}\n`;
    });
    if (bodies[i]!.length === 0) yaml += `${' '.repeat(indent)}true\n`;
  });
  return { yaml, map, originals };
}

/** The Markdown offset of a generated-runbook offset; outside any content line, null. */
function toSource(map: Mapped[], offset: number): number | null {
  let lo = 0;
  let hi = map.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = map[mid]!;
    if (offset < m.start) hi = mid - 1;
    else if (offset > m.start + m.length) lo = mid + 1;
    else return m.source + (offset - m.start);
  }
  return null;
}

interface FenceSuppression {
  rule: string | null;
  reason: string | null;
  span: { start: number; end: number };
  used: boolean;
}

/** `<!-- runsafe-ignore rule: reason -->` on the lines just above a fence (blank lines between are fine). */
function suppressionsAbove(lines: LineIndex, fence: Fence): FenceSuppression[] {
  const out: FenceSuppression[] = [];
  for (let n = fence.openLine - 1; n >= 0; n--) {
    const t = lines.lineText(n);
    if (t.trim() === '') continue;
    const m = htmlSuppression.exec(t);
    if (!m) break;
    const start = lines.offsetAt({ line: n, character: t.indexOf('<!--') });
    out.push({ rule: m[1] || null, reason: m[2]?.trim() || null, span: { start, end: start + m[0].length }, used: false });
  }
  return out;
}

export function lintMarkdown(text: string, options: LintOptions = {}): MarkdownLintResult {
  const lines = new LineIndex(text);
  const fences = extractFences(text).filter((f) => f.kind !== 'other');
  if (fences.length === 0) return { text, lines, problems: [], fences };
  const { yaml, map, originals } = synthesize(fences);
  const fenceStart = fences.map((f) => f.offset);
  const fenceOf = (offset: number) => {
    let k = 0;
    while (k + 1 < fenceStart.length && fenceStart[k + 1]! <= offset) k++;
    return k;
  };
  const suppressions = fences.map((f) => suppressionsAbove(lines, f));
  const problems: Problem[] = [];
  for (const p of lintRunbook(yaml, options).problems) {
    // Schema and YAML problems are about the generated runbook, not the document.
    if (structural.has(p.code) || !(p.data && typeof p.data === 'object' && 'rule' in p.data) && !p.code.endsWith('-suppression')) continue;
    const start = toSource(map, p.span.start);
    if (start === null) continue;
    const end = toSource(map, p.span.end) ?? start;
    const s = suppressions[fenceOf(start)]!.find((x) => x.rule === p.code && x.reason);
    if (s) {
      s.used = true;
      continue;
    }
    problems.push({ ...p, message: restorePlaceholders(p.message, originals), span: { start, end: Math.max(start, end) } });
  }
  for (const list of suppressions)
    for (const s of list) {
      if (!s.rule) problems.push(problem('invalid-suppression', 'warning', 'runsafe-ignore needs a rule name: <!-- runsafe-ignore <rule>: <reason> -->', s.span));
      else if (!s.reason) problems.push(problem('invalid-suppression', 'warning', `runsafe-ignore ${s.rule} needs a reason after a colon: <!-- runsafe-ignore ${s.rule}: <why this is safe> -->`, s.span));
      else if (!s.used) problems.push(problem('unused-suppression', 'warning', `nothing in the fence below is flagged by ${s.rule}; remove this suppression`, s.span));
    }
  return { text, lines, problems: sortProblems(problems), fences };
}
