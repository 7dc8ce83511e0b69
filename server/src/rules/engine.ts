// Runs the registered rules over a parsed runbook: severities from policy, suppressions, fixes as typed data.
import type { LineIndex } from '../language/positions';
import type { Runbook } from '../language/model';
import { mapGet, mapPair } from '../language/yaml-tree';
import { problem, type Problem, type Severity } from '../language/problems';
import { buildContext } from './context';
import { effectivePolicy, isLocked, loosenedSeverities, ruleOff, ruleSeverity, type EffectivePolicy, type WorkspacePolicy } from './policy';
import { rules as registered, ruleNames } from './registry';
import { globalFacts, recordEffects, reuseEffects, stepScopedFindings, stepUnits, type StepFindings } from './step-findings';
import { findSuppressions, type Suppression } from './suppressions';
import type { Finding, Fix, Rule } from './types';

export interface RuleProblemData {
  rule: string;
  fixes: Fix[];
  [key: string]: unknown;
}

export interface RunRulesInput {
  text: string;
  lines: LineIndex;
  runbook: Runbook;
}

export interface RunRulesOptions {
  workspacePolicy?: WorkspacePolicy;
  /** Defaults to every registered rule. */
  rules?: Rule[];
  /** The previous analysis's per-step findings (editors): unchanged steps are not checked again. */
  previous?: StepFindings;
  /** Receives this analysis's per-step findings, for the next one. */
  record?: (findings: StepFindings) => void;
}

/** Codes the engine itself reports about suppression comments. */
export const suppressionCodes = {
  invalid: 'invalid-suppression',
  unused: 'unused-suppression',
  policyFloor: 'policy-loosened',
} as const;

export function runRules(input: RunRulesInput, options: RunRulesOptions = {}): Problem[] {
  const rules = options.rules ?? registered;
  const policy = effectivePolicy(options.workspacePolicy, input.runbook.policy);
  const ctx = buildContext(input.text, input.lines, input.runbook, policy);
  const suppressions = findSuppressions(input.text, input.lines);
  const suppressionAt = suppressionIndex(suppressions);
  const out: Problem[] = [];
  const global = globalFacts(input.text, input.runbook, options.workspacePolicy);
  const next: StepFindings | undefined = global === null ? undefined : { global, units: new Map() };
  const units = next ? stepUnits(ctx, options.previous, next) : [];
  reuseEffects(ctx, units);
  for (const rule of rules) {
    if (ruleOff(policy, rule.name)) continue;
    let findings: Finding[];
    try {
      try {
        findings = rule.scope === 'step' && next ? stepScopedFindings(rule, ctx, units) : rule.check(ctx);
      } catch {
        // Checked as a whole, so a failing rule is reported as it would be by a full lint.
        findings = rule.check(ctx);
      }
    } catch (err) {
      // A rule bug must not hide the other rules' findings or crash the editor.
      out.push(problem('rule-error', 'info', `rule ${rule.name} failed: ${err instanceof Error ? err.message : String(err)}`, { start: 0, end: 0 }));
      continue;
    }
    const seen = new Set<string>();
    for (const f of findings) {
      const key = `${f.span.start}:${f.span.end}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const line = input.lines.positionAt(f.span.start).line;
      const s = suppressionAt(rule.name, line);
      // A rule the workspace locked cannot be suppressed: the comment is reported, the finding stays.
      if (s && !isLocked(policy, rule.name)) {
        s.used = true;
        continue;
      }
      const severity = ruleSeverity(policy, rule.name, f.severity ?? rule.severity) as Severity;
      // Editors also offer "suppress with reason" (server/src/service/suppress.ts); safe fixes are preferred.
      const fixes = (f.fixes ?? []).map((x) => ({ ...x, preferred: x.safe }));
      const data: RuleProblemData = { rule: rule.name, fixes };
      out.push(problem(rule.name, severity, f.message, f.span, data));
    }
  }
  out.push(...suppressionProblems(suppressions, policy, new Set(rules.map((r) => r.name))));
  out.push(...policyProblems(input, policy));
  if (next) {
    recordEffects(ctx, units);
    options.record?.(next);
  }
  return out;
}

/**
 * The first suppression (in file order) of a rule covering a line, by lookup rather than a scan per
 * finding, which made many findings × many suppressions quadratic. Suppressions sharing a target
 * line cover the same lines, so each (rule, target line) range is walked once.
 */
function suppressionIndex(list: Suppression[]): (rule: string, line: number) => Suppression | undefined {
  const at = new Map<string, Map<number, Suppression>>();
  const walked = new Set<string>();
  for (const s of list) {
    if (!s.rule || walked.has(`${s.rule}\0${s.targetLine}`)) continue;
    walked.add(`${s.rule}\0${s.targetLine}`);
    let lines = at.get(s.rule);
    if (!lines) at.set(s.rule, (lines = new Map()));
    for (let l = s.targetLine; l <= s.lastLine; l++) if (!lines.has(l)) lines.set(l, s);
  }
  return (rule, line) => at.get(rule)?.get(line);
}

/** A runbook's `policy.severity` entry below the workspace's floor (or the rule's own severity) is ignored, and said so. */
function policyProblems(input: RunRulesInput, policy: EffectivePolicy): Problem[] {
  const natural = (name: string) => registered.find((r) => r.name === name)?.severity ?? (name === suppressionCodes.invalid || name === suppressionCodes.unused ? 'warning' : undefined);
  const loosened = loosenedSeverities(policy, natural);
  if (!loosened.length) return [];
  const pol = input.runbook.root ? mapGet(input.runbook.root, 'policy') : undefined;
  const sevMap = pol?.kind === 'map' ? mapGet(pol, 'severity') : undefined;
  return loosened.map((l) => {
    const entry = sevMap?.kind === 'map' ? mapPair(sevMap, l.rule) : undefined;
    const span = entry ? { start: entry.key.span.start, end: entry.value.span.end } : (sevMap?.span ?? { start: 0, end: 0 });
    return problem(suppressionCodes.policyFloor, 'warning', `policy.severity ${l.rule}: ${l.own} is ignored: a runbook may tighten the workspace policy, never loosen it (${l.rule} stays ${l.floor})`, span, { rule: suppressionCodes.policyFloor, fixes: [] });
  });
}

function suppressionProblems(list: Suppression[], policy: EffectivePolicy, active: Set<string>): Problem[] {
  const out: Problem[] = [];
  const sev = (code: string, fallback: Severity): Severity | null => {
    const s = ruleSeverity(policy, code, fallback);
    return s === 'off' ? null : s;
  };
  const invalid = sev(suppressionCodes.invalid, 'warning');
  const unused = sev(suppressionCodes.unused, 'warning');
  for (const s of list) {
    const removeFix: Fix = { title: 'Remove this suppression', edits: [{ span: s.span, newText: '' }], safe: false };
    if (!s.rule || !ruleNames.has(s.rule)) {
      if (invalid) out.push(problem(suppressionCodes.invalid, invalid, s.rule ? `unknown rule '${s.rule}' in runsafe-ignore` : 'runsafe-ignore names no rule; write `# runsafe-ignore <rule>: <reason>`', s.ruleSpan, { rule: suppressionCodes.invalid, fixes: [removeFix] }));
      continue;
    }
    if (isLocked(policy, s.rule)) {
      out.push(problem(suppressionCodes.invalid, 'warning', `runsafe-ignore ${s.rule}: the workspace locks this rule (.runsafe.yaml policy.locked), so this comment suppresses nothing`, s.span, { rule: suppressionCodes.invalid, fixes: [removeFix] }));
      continue;
    }
    if (!s.reason && invalid) {
      out.push(problem(suppressionCodes.invalid, invalid, `runsafe-ignore ${s.rule} gives no reason; write \`# runsafe-ignore ${s.rule}: <why this is safe>\``, s.span, { rule: suppressionCodes.invalid, fixes: [] }));
    }
    // A suppression for a rule that is switched off or not run cannot be judged unused.
    if (!s.used && unused && active.has(s.rule) && !ruleOff(policy, s.rule)) {
      out.push(problem(suppressionCodes.unused, unused, `runsafe-ignore ${s.rule} suppresses nothing on the next line`, s.span, { rule: suppressionCodes.unused, fixes: [removeFix] }));
    }
  }
  return out;
}
