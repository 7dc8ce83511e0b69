// Per step, the facts a reviewer weighs: does it change things destructively, is it confirmed,
// checked and reversible, and which secrets does its text reach.
import type { ParsedRunbook, Step } from '../../../server/src/language/index';
import { buildContext, type RuleContext } from '../../../server/src/rules/context';
import { effectivePolicy, type WorkspacePolicy } from '../../../server/src/rules/policy';
import { stepEffects } from '../../../server/src/rules/step-effects';

export interface StepRisk {
  /** What makes it dangerous (the first destructive effect, or the `dangerous` key). */
  danger?: string;
  confirmed: boolean;
  /** `confirm: false`: the author waived the confirmation. */
  confirmWaived: boolean;
  checked: boolean;
  rollback: boolean;
  secrets: string[];
}

const variableUse = /\$\{?([A-Za-z_][A-Za-z0-9_]*)|:'?([A-Za-z_][A-Za-z0-9_]*)'?/g;

function referenced(step: Step): string[] {
  const texts = [step.script?.text ?? '', step.wait?.script?.text ?? '', ...Object.values(step.env)];
  const names = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(variableUse)) names.add((m[1] ?? m[2])!);
  return [...names];
}

export interface RiskModel {
  ctx: RuleContext;
  risk(step: Step): StepRisk;
}

export function riskModel(parsed: ParsedRunbook, workspace: WorkspacePolicy | undefined): RiskModel {
  const policy = effectivePolicy(workspace, parsed.runbook.policy);
  const ctx = buildContext(parsed.text, parsed.lines, parsed.runbook, policy);
  const secretInputs = new Set(parsed.runbook.inputs.filter((i) => i.secret).map((i) => i.name));
  const secretCaptures = new Set(parsed.runbook.allSteps.flatMap((s) => (s.capture?.secret ? [s.capture.into] : [])));
  return {
    ctx,
    risk(step) {
      const destructive = step.kind === 'manual' ? undefined : stepEffects(ctx, step).find((e) => e.destructive);
      const confirmNode = step.node.pairs.find((p) => p.key.value === 'confirm')?.value;
      const waived = confirmNode?.kind === 'scalar' && confirmNode.value === false;
      const r: StepRisk = {
        confirmed: step.confirm !== undefined && !waived,
        confirmWaived: waived,
        checked: step.expect !== undefined || step.wait?.until !== undefined,
        rollback: step.rollback.length > 0,
        secrets: referenced(step).filter((n) => secretInputs.has(n) || secretCaptures.has(n) || ctx.isSecretVar(n)).sort(),
      };
      const danger = destructive?.why ?? (step.dangerous ? 'marked dangerous: true' : undefined);
      if (danger) r.danger = danger;
      return r;
    },
  };
}
