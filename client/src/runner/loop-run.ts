// What the engine needs to run a loop item's steps: its values over the inputs, its progress label, and --confirm by step id.
import type { PlanStep } from './plan-types';

type Vars = ReadonlyMap<string, { value: string; secret: boolean }>;

/** The run's values with an item's bound over them (never secret: loops cannot bind secrets). */
export function boundVars(vars: Vars, bind: Record<string, string>): Map<string, { value: string; secret: boolean }> {
  const out = new Map(vars);
  for (const [k, v] of Object.entries(bind)) out.set(k, { value: v, secret: false });
  return out;
}

/** The `section` event's item: `2/6 RAPTOR_PAPER_GATE × prod`. */
export function loopItemOf(loop: NonNullable<PlanStep['loop']>): { index: number; of: number; label: string } {
  return { index: loop.index, of: loop.of, label: loop.label };
}

/** `--confirm <step-id>` confirms the step in every item; `--confirm '<step-id>[<label>]'` one item. */
export function preconfirmedStep(preconfirmed: ReadonlySet<string> | undefined, step: PlanStep): boolean {
  return preconfirmed !== undefined && (preconfirmed.has(step.id) || (step.baseId !== undefined && preconfirmed.has(step.baseId)));
}
