// Per-step findings of the step-scoped rules, kept with each analysis and reused by the next one
// for every step whose text, list and runbook-wide facts did not change (editors re-lint on each
// keystroke; only the edited step is checked again). Findings of a moved step are shifted by how
// far its text moved; test/language/incremental.test.ts holds the result to a full lint's.
import type { LineIndex } from '../language/positions';
import type { Runbook, Step } from '../language/model';
import { treeStats } from '../language/yaml-tree';
import type { RuleContext, ScriptInfo } from './context';
import { computedStepEffects, reuseStepEffects, type Effect } from './step-effects';
import type { WorkspacePolicy } from './policy';
import type { Finding, Rule } from './types';

/** One step's findings per rule, at the offsets its text had (`base`: where the text started). */
interface Unit {
  /** The list the step sat in (a precondition and a step of the same text are told apart). */
  group: Step['group'];
  base: number;
  byRule: Map<string, Finding[]>;
  /** The step's effects (step-effects.ts), which depend on nothing else but the policy either. */
  effects?: Effect[];
}

/** What one analysis found per step, handed to the next analysis of the same document. */
export interface StepFindings {
  /** The runbook-wide facts every cached finding depends on; a change drops them all. */
  readonly global: string;
  readonly units: Map<string, Unit>;
}

/**
 * The runbook-wide facts a step-scoped rule may read besides its step (see `Rule.scope`): the
 * workspace and runbook policy, the inputs (as the model reads them) and the secret captures,
 * and the line-break style fixes write. Null when a step's text alone does not decide its model
 * (aliases, directives) or offsets cannot move with it (carriage returns): nothing is reused then.
 */
export function globalFacts(text: string, runbook: Runbook, workspacePolicy: WorkspacePolicy | undefined): string | null {
  if (!runbook.root || treeStats.get(runbook.root)?.aliases !== false || text.includes('\r') || text.startsWith('%') || text.includes('\n%')) return null;
  const inputs = runbook.inputs.map((i) => ({ ...i, node: undefined, nameNode: undefined }));
  const secretCaptures = runbook.allSteps.flatMap((s) => (s.capture?.secret ? [s.capture.into] : []));
  return JSON.stringify([workspacePolicy ?? null, runbook.policy, inputs, secretCaptures]);
}

/** A step's own lines: from the start of its first line to its end (a slice, not a copy, of the text). */
function unitKey(text: string, lines: LineIndex, step: Step): { key: string; start: number; end: number } {
  const start = lines.lineStart(lines.positionAt(step.node.span.start).line);
  const end = step.node.span.end;
  return { key: text.slice(start, end), start, end };
}

/** Before the rules run: each unchanged step's effects from the previous analysis, moved with it. */
export function reuseEffects(ctx: RuleContext, units: StepUnit[]): void {
  for (const u of units) {
    const e = u.old?.effects;
    if (e) reuseStepEffects(ctx, u.step, u.start === u.old!.base ? e : e.map((x) => ({ ...x, span: { start: x.span.start + u.start - u.old!.base, end: x.span.end + u.start - u.old!.base } })));
  }
}

/** After the rules ran: the effects this analysis has for each step, for the next one. */
export function recordEffects(ctx: RuleContext, units: StepUnit[]): void {
  for (const u of units) {
    const e = computedStepEffects(ctx, u.step);
    if (!e || !u.next || !e.every((x) => x.span.start >= u.start && x.span.end <= u.end)) continue;
    const delta = u.next.base - u.start;
    u.next.effects = delta === 0 ? e : e.map((x) => ({ ...x, span: { start: x.span.start + delta, end: x.span.end + delta } }));
  }
}

function shifted(findings: Finding[], delta: number): Finding[] {
  if (delta === 0) return findings;
  const move = (s: { start: number; end: number }) => ({ start: s.start + delta, end: s.end + delta });
  return findings.map((f) => {
    const g: Finding = { ...f, span: move(f.span) };
    if (f.fixes) g.fixes = f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, span: move(e.span) })) }));
    return g;
  });
}

/** Whether every offset of the findings lies in [start, end], so they move with the step's text. */
function within(findings: Finding[], start: number, end: number): boolean {
  const inside = (s: { start: number; end: number }) => s.start >= start && s.end <= end;
  return findings.every((f) => inside(f.span) && (f.fixes ?? []).every((x) => x.edits.every((e) => inside(e.span))));
}

/** One step's scripts, where its text lies now, and its entries in the previous and the next analysis. */
export interface StepUnit {
  step: Step;
  scripts: ScriptInfo[];
  start: number;
  end: number;
  old: Unit | undefined;
  /** Undefined when another step of the same text in another list took the entry. */
  next: Unit | undefined;
}

/**
 * The steps with scripts, in script order (the order a rule's own `check` walks), each matched once
 * (per analysis, not per rule) against `previous`; records them into `next`.
 */
export function stepUnits(ctx: RuleContext, previous: StepFindings | undefined, next: StepFindings): StepUnit[] {
  const reuse = previous && previous.global === next.global ? previous.units : undefined;
  const out: StepUnit[] = [];
  const scripts = ctx.scripts;
  for (let i = 0; i < scripts.length; ) {
    // The scripts of one step are consecutive; they are checked together, as the rule sees them.
    const step = scripts[i]!.step;
    let j = i + 1;
    while (j < scripts.length && scripts[j]!.step === step) j++;
    const { key, start, end } = unitKey(ctx.text, ctx.lines, step);
    let unit = next.units.get(key);
    if (!unit) next.units.set(key, (unit = { group: step.group, base: start, byRule: new Map() }));
    const old = reuse?.get(key);
    out.push({ step, scripts: scripts.slice(i, j), start, end, old: old?.group === step.group ? old : undefined, next: unit.group === step.group ? unit : undefined });
    i = j;
  }
  return out;
}

/** A step-scoped rule's findings over the whole runbook, step by step, reusing those of unchanged steps. */
export function stepScopedFindings(rule: Rule, ctx: RuleContext, units: StepUnit[]): Finding[] {
  const out: Finding[] = [];
  for (const u of units) {
    const ruleKey = rule.stepKey ? `${rule.name}\0${rule.stepKey(ctx, u.step)}` : rule.name;
    const hit = u.old?.byRule.get(ruleKey);
    let findings: Finding[];
    if (u.old && hit) findings = shifted(hit, u.start - u.old.base);
    else {
      findings = rule.check({ ...ctx, scripts: u.scripts });
      // A finding outside the step's own text (none today) would not move with it: never reused.
      if (!within(findings, u.start, u.end)) {
        out.push(...findings);
        continue;
      }
    }
    u.next?.byRule.set(ruleKey, shifted(findings, u.next.base - u.start));
    out.push(...findings);
  }
  return out;
}
