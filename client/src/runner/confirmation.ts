// Whether a step needs typed confirmation: from what it does (effects, confirming rules, `dangerous`, `confirm`), never from severities.
import type { Step } from '../../../server/src/language/index';
import type { Danger } from '../../../server/src/rules/confirmations';
import type { PlanStep } from './plan-types';

export interface ConfirmationDecision {
  confirm?: PlanStep['confirm'];
  /** `confirm: { required: false, reason }` on a dangerous step: it runs unasked, and the plan and transcript say why. */
  unconfirmed?: string;
}

/** The dangers found inside a step's own YAML (its scripts and SQL). */
export function dangersIn(step: Step, dangers: readonly Danger[]): Danger[] {
  return dangers.filter((d) => d.span.start >= step.node.span.start && d.span.end <= step.node.span.end);
}

/**
 * The decision for one step. A `# runsafe-ignore` comment or a lowered severity changes what
 * the lint gate reports, not this: only the author's explicit, reasoned `required: false`
 * waives the question, and a step declared `dangerous` is always asked.
 */
export function decideConfirmation(step: Step, dangers: readonly Danger[], runbookTarget: string | undefined): ConfirmationDecision {
  const found = dangersIn(step, dangers);
  const declared = step.confirm;
  // An irreversible step is always asked, as a dangerous one is: nothing undoes it.
  const dangerous = step.dangerous || step.irreversible;
  if (declared && !declared.required && !dangerous) return found.length ? { unconfirmed: declared.reason ?? 'no reason given' } : {};
  if (!declared && !dangerous && !found.length) return {};
  const why = `${step.irreversible ? 'IRREVERSIBLE, no rollback undoes it; ' : ''}${declared?.required ? 'declared confirm' : step.dangerous ? 'declared dangerous' : step.irreversible ? 'declared irreversible' : `flagged by ${found[0]!.rule}`}`;
  const confirm: NonNullable<PlanStep['confirm']> = { why };
  const target = declared?.target ?? runbookTarget;
  if (target !== undefined) confirm.targetInput = target;
  if (declared?.message !== undefined) confirm.message = declared.message;
  return { confirm };
}
