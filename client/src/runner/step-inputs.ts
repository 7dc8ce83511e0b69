// The inputs a part of a plan uses (the editor's "Run step" asks only for these): named in its text, conditions, confirmations or secrets.
import type { Plan, PlanStep } from './plan-types';
import { mentions } from './step-env';

/** Text of a step where an input can be named: what runs, what the operator reads, where it runs. */
function texts(s: PlanStep): (string | undefined)[] {
  return [s.run, s.manual, ...(s.checklist ?? []), s.cwd, ...Object.values(s.env ?? {}), s.database, s.confirm?.message, s.wait?.progress, s.expect ? JSON.stringify(s.expect) : undefined];
}

/** Names an input by reference rather than in text: a confirmation target, a condition, a declared secret. */
function named(s: PlanStep): string[] {
  return [...(s.confirm?.targetInput ? [s.confirm.targetInput] : []), ...(s.when ?? []).flatMap((c) => ('input' in c ? [c.input] : [])), ...(s.secrets ?? [])];
}

/**
 * The inputs that `steps`, the plan's preconditions and the rollbacks those steps name use, by
 * the same whole-word reading the step environment gives secrets by. An input none of them uses
 * is not asked; a value it has without asking (default, flag, environment) still reaches them.
 */
export function inputsUsed(plan: Plan, steps: readonly PlanStep[]): Set<string> {
  const rollbackIds = new Set(steps.flatMap((s) => s.rollback));
  const parts = [...plan.preconditions, ...steps, ...plan.rollbacks.filter((r) => rollbackIds.has(r.id))];
  const used = new Set<string>();
  for (const d of plan.inputs) if (parts.some((s) => named(s).includes(d.name) || mentions(texts(s), d.name))) used.add(d.name);
  return used;
}
