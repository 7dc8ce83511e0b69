// A review as sections of short statements, each with the line it is about: the one wording that
// both the text and the markdown renderers print, so they never disagree.
import type { FieldChange } from './diff';
import type { PolicyChange } from './policy-delta';
import type { RunbookReview, StepRef } from './review';

export interface Statement {
  text: string;
  /** 1-based line in head (or base, for what was removed). */
  line?: number;
  side?: 'base' | 'head';
  /** Lines of a command before and after, shown as a small diff. */
  diff?: { removed: string[]; added: string[] };
  level?: 'risk' | 'error' | 'note';
}

export interface Part {
  title: string;
  statements: Statement[];
}

export interface RunbookSummary {
  path: string;
  headline: string;
  parts: Part[];
}

const brief = (v: unknown): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  if (s === undefined) return '(none)';
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}…` : one;
};

function fieldText(f: FieldChange): string {
  if (!('before' in f)) return `${f.field} added: ${brief(f.after)}`;
  if (!('after' in f)) return `${f.field} removed (was ${brief(f.before)})`;
  return `${f.field}: ${brief(f.before)} → ${brief(f.after)}`;
}

const where = (s: StepRef) => (s.sections.length ? ` in ${s.sections.join(' / ')}` : '');
const groupName = (s: StepRef) => (s.group === 'steps' ? 'step' : s.group === 'preconditions' ? 'precondition' : 'rollback step');

export function policyStatement(p: PolicyChange): Statement {
  return { text: `${p.scope === 'workspace' ? 'workspace ' : ''}policy ${p.direction}: ${p.detail}`, ...(p.direction === 'lowered' ? { level: 'error' as const } : {}) };
}

export function summarise(r: RunbookReview): RunbookSummary {
  const runs: Statement[] = [];
  for (const s of r.steps.added) runs.push({ text: `added ${groupName(s)} ${s.label}${where(s)}`, line: s.line, side: 'head' });
  for (const s of r.steps.removed) runs.push({ text: `removed ${groupName(s)} ${s.label}${where(s)}`, line: s.line, side: 'base' });
  for (const s of r.steps.moved) runs.push({ text: `moved ${groupName(s)} ${s.label} (runs in a different order)`, line: s.line, side: 'head' });
  for (const c of r.steps.changed) {
    const fields = c.fields.filter((f) => !c.scripts.some((x) => x.field === f.field || (x.field === 'wait.run' && f.field === 'wait')));
    const what = [...c.scripts.map((x) => `${x.field} changed`), ...fields.map(fieldText)];
    if (c.movedSection) what.push(`moved from ${c.movedSection.from.join(' / ') || 'top level'} to ${c.movedSection.to.join(' / ') || 'top level'}`);
    runs.push({ text: `changed ${groupName(c.step)} ${c.step.label}: ${what.join('; ')}`, line: c.step.line, side: 'head' });
    for (const x of c.scripts) runs.push({ text: `${c.step.label} ${x.field}`, line: c.step.line, side: 'head', diff: x.diff });
  }
  for (const s of r.sections.added) runs.push({ text: `added section ${s}` });
  for (const s of r.sections.removed) runs.push({ text: `removed section ${s}` });
  for (const s of r.sections.changed) runs.push({ text: `changed section ${s.section}: ${s.fields.map(fieldText).join('; ')}` });
  for (const n of r.inputs.added) runs.push({ text: `added input ${n}` });
  for (const n of r.inputs.removed) runs.push({ text: `removed input ${n}` });
  for (const c of r.inputs.changed) runs.push({ text: `changed input ${c.name}: ${c.fields.map(fieldText).join('; ')}` });
  for (const f of r.top) runs.push({ text: `runbook ${fieldText(f)}` });
  for (const p of r.policy) runs.push(policyStatement(p));

  const risk: Statement[] = r.risk.map((x) => ({ text: x.message, ...(x.step ? { line: x.step.line, side: x.step.side } : {}), level: 'risk' as const }));
  const findings: Statement[] = [
    ...r.findings.new.map((f) => ({ text: `new ${f.severity} ${f.code}: ${f.message}`, line: f.line, side: 'head' as const, ...(f.severity === 'error' ? { level: 'error' as const } : {}) })),
    ...r.findings.resolved.map((f) => ({ text: `resolved ${f.code}: ${f.message}`, line: f.line, side: 'base' as const, level: 'note' as const })),
  ];
  const parts: Part[] = [];
  if (runs.length) parts.push({ title: 'What runs differently', statements: runs });
  if (risk.length) parts.push({ title: 'Risk', statements: risk });
  if (findings.length) parts.push({ title: 'Findings', statements: findings });
  parts.push({ title: 'Approvals', statements: [{ text: r.approvals.summary }] });
  const counts = [
    r.steps.added.length && `${r.steps.added.length} added`,
    r.steps.removed.length && `${r.steps.removed.length} removed`,
    r.steps.changed.length && `${r.steps.changed.length} changed`,
    r.steps.moved.length && `${r.steps.moved.length} moved`,
  ].filter(Boolean);
  const headline = [
    r.status === 'renamed' ? `renamed from ${r.basePath}` : r.status,
    r.behaviourChanged ? `steps: ${counts.join(', ') || 'unchanged'}` : 'no change to what runs' + (r.wording.length ? ` (wording only: ${r.wording.join(', ')})` : ''),
    r.risk.length ? `${r.risk.length} risk change${r.risk.length === 1 ? '' : 's'}` : '',
    r.findings.new.length ? `${r.findings.new.length} new finding${r.findings.new.length === 1 ? '' : 's'}` : '',
    r.findings.resolved.length ? `${r.findings.resolved.length} resolved` : '',
    r.policyLowered ? 'POLICY LOWERED' : '',
  ].filter(Boolean);
  return { path: r.path, headline: headline.join(' · '), parts };
}
