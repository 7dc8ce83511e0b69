// Expands section loops (`for_each`) in a plan: each step of a looping section once per item, keyed `<id>[<label>]`, with the item's values bound.
import { loopSectionOf, runbookLoops, type Runbook, type Section, type Step } from '../../../server/src/language/index';
import { looksSecret } from '../../../server/src/rules/secret-names';
import type { Condition, PlanStep } from './plan-types';

/** The stable key of a step of one loop item: what events, the transcript and a resume name it by. */
export function itemKey(id: string, label: string): string {
  return `${id}[${label}]`;
}

/** A step (or rollback) for one item: its key, the item's values, needs and question owners of the same item. */
function cloneFor(p: PlanStep, item: { bind: Record<string, string>; label: string; index: number; of: number; section: string }, local: ReadonlySet<string>): PlanStep {
  const key = itemKey(p.id, item.label);
  const when = p.when?.map((c): Condition => ('question' in c && c.owner === p.id ? { question: c.question, owner: key, alias: p.id } : c));
  const out: PlanStep = { ...p, id: key, baseId: p.id, bind: item.bind, loop: { section: item.section, index: item.index, of: item.of, label: item.label }, needs: p.needs.map((n) => (local.has(n) ? itemKey(n, item.label) : n)) };
  if (when) out.when = when;
  return out;
}

/**
 * `converted[i]` is the plan step of `model[i]` (undefined when it could not be planned). Steps of
 * a looping section come out once per item, items in order; the rollbacks they name are cloned
 * per item into `rollbacks` (so a rollback runs with the values of the item that failed). Loop
 * problems go to `problems`: a plan with a broken loop never runs.
 */
export function expandLoops(runbook: Runbook, model: readonly Step[], converted: readonly (PlanStep | undefined)[], rollbacks: PlanStep[], problems: string[], sectionKey: (s: Section) => string): PlanStep[] {
  const loops = new Map(runbookLoops(runbook).map((l) => [l.section, l] as const));
  const inputs = new Set(runbook.inputs.map((i) => i.name));
  for (const l of loops.values()) {
    const where = `section '${sectionKey(l.section)}'`;
    for (const p of l.problems) problems.push(`${where}: ${p.message}`);
    for (const n of l.names) if (!inputs.has(n) && looksSecret(n)) problems.push(`${where}: a loop cannot bind ${n}: it is named like a secret`);
  }
  const byId = new Map(rollbacks.map((r) => [r.id, r] as const));
  const cloned = new Set<string>();
  const out: PlanStep[] = [];
  for (let i = 0; i < model.length; ) {
    const section = loopSectionOf(model[i]!);
    if (!section) {
      if (converted[i]) out.push(converted[i]!);
      i++;
      continue;
    }
    // The loop's steps are consecutive (sections flatten depth first): take them all.
    let j = i;
    while (j < model.length && loopSectionOf(model[j]!) === section) j++;
    const group = converted.slice(i, j).filter((p): p is PlanStep => p !== undefined);
    const local = new Set(group.map((p) => p.id));
    const loop = loops.get(section)!;
    loop.items.forEach((it, index) => {
      const item = { ...it, index: index + 1, of: loop.items.length, section: sectionKey(section) };
      for (const p of group) {
        const step = cloneFor(p, item, local);
        step.rollback = p.rollback.map((r) => {
          const rb = byId.get(r);
          if (!rb) return r;
          const key = itemKey(r, it.label);
          if (!cloned.has(key)) {
            cloned.add(key);
            rollbacks.push(cloneFor(rb, item, new Set()));
          }
          return key;
        });
        out.push(step);
      }
    });
    i = j;
  }
  // Outside its loop, `needs: <step>` means every item's step passed.
  const keys = new Map<string, string[]>();
  for (const s of out) if (s.baseId !== undefined) keys.set(s.baseId, [...(keys.get(s.baseId) ?? []), s.id]);
  if (keys.size) for (const s of out) if (s.baseId === undefined) s.needs = s.needs.flatMap((n) => keys.get(n) ?? [n]);
  return out;
}

/**
 * Inputs only loops read: every step that reads one binds it, so the operator is not asked
 * (a value given anyway is overridden by each item's).
 */
export function loopOnlyInputs(steps: readonly PlanStep[], readers: (subset: readonly PlanStep[]) => Set<string>): Set<string> {
  const bound = new Set(steps.flatMap((s) => Object.keys(s.bind ?? {})));
  if (!bound.size) return bound;
  const out = new Set<string>();
  for (const n of bound) if (!readers(steps.filter((s) => !(s.bind && n in s.bind))).has(n)) out.add(n);
  return out;
}
