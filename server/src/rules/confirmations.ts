// What makes a step need typed confirmation: its effects and the confirming rules' findings, whatever severities or suppressions say.
import type { Span } from '../language/positions';
import { buildContext } from './context';
import type { RunRulesInput, RunRulesOptions } from './engine';
import { effectivePolicy } from './policy';
import { rules as registered } from './registry';
import { stepEffects } from './step-effects';

/**
 * Rules whose findings make a step dangerous. Their severities and `# runsafe-ignore` comments
 * decide what the lint gate says; they never decide whether the operator is asked: a
 * suppression accepts a finding, it does not remove a confirmation.
 */
export const CONFIRMING_RULES = new Set(['destructive-unconfirmed', 'append-only-mutation', 'history-rewrite', 'key-history-deletion', 'disable-safety']);

export interface Danger {
  /** The rule (or `effects`) that found it. */
  rule: string;
  message: string;
  span: Span;
}

/** Every danger in the runbook, located; the planner assigns them to the steps that hold them. */
export function findDangers(input: RunRulesInput, options: RunRulesOptions = {}): Danger[] {
  const policy = effectivePolicy(options.workspacePolicy, input.runbook.policy);
  const ctx = buildContext(input.text, input.lines, input.runbook, policy);
  const out: Danger[] = [];
  // Destructive effects are found for every step, confirmed or not: `destructive-unconfirmed` skips confirmed ones.
  for (const step of input.runbook.allSteps) {
    for (const e of stepEffects(ctx, step)) if (e.destructive) out.push({ rule: 'destructive-unconfirmed', message: e.why, span: e.span });
  }
  for (const rule of registered) {
    if (!CONFIRMING_RULES.has(rule.name) || rule.name === 'destructive-unconfirmed') continue;
    try {
      for (const f of rule.check(ctx)) out.push({ rule: rule.name, message: f.message, span: f.span });
    } catch {
      // The lint gate reports a failing rule; a rule that cannot judge a step must not make it look safe.
      for (const step of input.runbook.allSteps) out.push({ rule: rule.name, message: `rule ${rule.name} failed; confirm to be safe`, span: step.node.span });
    }
  }
  return out;
}
