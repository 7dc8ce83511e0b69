// Hover: what the thing under the cursor is — a step, an input or capture, a schema key, a
// problem's rule, or a shell command the rules know.
import { docsUrl, languageCodes } from '../language/docs';
import { sourceSpan, type Span } from '../language/index';
import { rules } from '../rules/registry';
import { symbolIndex } from './cache';
import { commandNoteAt } from './commands';
import { visibleProblems } from './diagnostics';
import type { RunbookDocument } from './document';
import { locate, valueIndexAt } from './locate';
import { describeAt } from './schema-nav';
import { symbolAt, type StepSymbol, type VariableSymbol } from './symbol-index';
import type { Hover } from './types';

const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

export function describeStep(s: StepSymbol): string {
  const st = s.step;
  const lines = [`**step ${code(s.id)}**${st.title ? ` — ${st.title}` : ''}`];
  const facts = [`kind: ${st.kind}`];
  if (st.group !== 'steps') facts.push(`in \`${st.group}\``);
  if (st.sections.length) facts.push(`section: ${st.sections.map((x) => x.title.value).join(' › ')}`);
  if (st.confirm) facts.push('asks for confirmation');
  if (st.rollback.length) facts.push(`rollback: ${st.rollback.map((r) => code(r.value)).join(', ')}`);
  if (st.needs.length) facts.push(`needs: ${st.needs.map((r) => code(r.value)).join(', ')}`);
  if (st.capture) facts.push(`captures ${code(st.capture.into)}`);
  lines.push(facts.join(' · '));
  if (st.description) lines.push('', st.description);
  return lines.join('\n');
}

export function describeVariable(v: VariableSymbol): string {
  const i = v.input;
  if (i) {
    const lines = [`**input ${code(v.name)}** (${i.type}${i.secret ? ', secret' : ''}${i.required ? ', required' : ''})${i.description ? ` — ${i.description}` : ''}`];
    const facts: string[] = [];
    if (i.enum) facts.push(`allowed: ${i.enum.map(code).join(', ')}`);
    if (i.default !== undefined) facts.push(`default: ${code(i.default)}`);
    if (i.pattern) facts.push(`pattern: ${code(i.pattern)}`);
    if (facts.length) lines.push(facts.join(' · '));
    lines.push('', 'Reaches steps only as the environment variable of the same name.');
    return lines.join('\n');
  }
  if (v.captures.length) {
    const by = v.captures.map((s) => code(s.id?.value ?? '?')).join(', ');
    const secret = v.captures.some((s) => s.capture?.secret);
    return `**captured ${code(v.name)}**${secret ? ' (secret)' : ''} — set from the output of step ${by}`;
  }
  return `**${code(v.name)}** is not declared as an input or capture in this runbook`;
}

function problemsSection(doc: RunbookDocument, offset: number): { text: string; span: Span } | undefined {
  const hits = visibleProblems(doc).filter((p) => offset >= p.span.start && offset <= p.span.end);
  if (!hits.length) return undefined;
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const p of hits) {
    if (seen.has(p.code)) continue;
    seen.add(p.code);
    const summary = languageCodes[p.code] ?? rules.find((r) => r.name === p.code)?.summary;
    lines.push(`**runsafe ${code(p.code)}** (${p.severity})${summary ? `: ${summary}` : ''} [docs](${docsUrl(p.code)})`);
  }
  return { text: lines.join('\n\n'), span: hits[0]!.span };
}

export function hover(doc: RunbookDocument, offset: number): Hover | null {
  const parts: string[] = [];
  let span: Span | undefined;
  const sym = symbolAt(symbolIndex(doc), offset);
  const hit = locate(doc.parsed.root, offset);
  if (sym) {
    parts.push('step' in sym ? describeStep(sym.step) : describeVariable(sym.variable));
    const covers = (s: Span) => offset >= s.start && offset <= s.end;
    const spans = 'step' in sym ? [sym.step.declaration, ...sym.step.references] : [...sym.variable.declarations, ...sym.variable.references];
    span = spans.find(covers);
  }
  const script = doc.parsed.runbook.scripts.find((s) => s.field !== 'sql' && offset >= s.node.span.start && offset < s.node.span.end);
  if (!sym && script) {
    const note = commandNoteAt(script.text, valueIndexAt(script.node, offset));
    if (note) {
      parts.push(`${code(note.command)} ${note.note}`);
      span = sourceSpan(script.node.sourceOffsets(), note.from, note.to);
    }
  }
  if (!parts.length && hit.scalar && hit.path.length) {
    const { description, examples } = describeAt(doc.parsed.root, hit.path);
    if (description) {
      const key = hit.path.filter((s) => typeof s === 'string').pop();
      const ex = hit.onKey && examples?.length ? `\n\nExample: ${code(examples[0])}` : '';
      parts.push(`**${code(key)}** — ${description}${ex}`);
      span = hit.scalar.span;
    }
  }
  const problems = problemsSection(doc, offset);
  if (problems) {
    parts.push(problems.text);
    span ??= problems.span;
  }
  if (!parts.length || !span) return null;
  return { contents: { kind: 'markdown', value: parts.join('\n\n---\n\n') }, range: doc.lines.rangeOf(span) };
}
