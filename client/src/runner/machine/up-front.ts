// Before the first step of a run nobody can be asked in: every confirmation, manual step and answer it may need, so it refuses up front.
import type { Plan, PlanStep } from '../plan-types';
import { staticallyRuns } from './conditions';

export interface UpFrontOptions {
  /** Input values known before the run (non-secret and secret alike; only compared, never shown). */
  known: ReadonlyMap<string, string>;
  /** Inputs a step captures later: conditions on them cannot be decided yet. */
  later: ReadonlySet<string>;
  confirmed: ReadonlySet<string>;
  /** `--answer` values by owner: step ids, or `section:<key>`. */
  answered: ReadonlyMap<string, boolean>;
  /** Optional sections chosen with `--section`. */
  sections: ReadonlySet<string>;
  /** Rollbacks run without asking (`--on-failure rollback`): theirs count too. */
  rollbacksRun: boolean;
}

/** Runs without a prompt only when a step of an optional section was chosen. */
export function sectionChosen(step: PlanStep, chosen: ReadonlySet<string>): boolean {
  return (step.optionalSections ?? []).every((s) => chosen.has(s.key));
}

/** What the run would stop to ask, one line per missing flag; empty when it can run unattended. */
export function missingAnswers(plan: Plan, o: UpFrontOptions): string[] {
  const out: string[] = [];
  const check = (s: PlanStep, what: string) => {
    if (!sectionChosen(s, o.sections)) return;
    if (staticallyRuns(s, o.known, o.later) === 'no') return;
    // A question answered "no" in advance rules the step out: it needs nothing else.
    if ((s.when ?? []).some((c) => 'question' in c && o.answered.get(c.owner) === false)) return;
    for (const c of s.when ?? []) {
      if (!('question' in c) || o.answered.has(c.owner)) continue;
      const flag = c.owner.startsWith('section:') ? c.owner.slice('section:'.length) : c.owner;
      const line = `${what} ${s.id} asks "${c.question}": pass --answer ${flag}=yes or --answer ${flag}=no`;
      if (!out.includes(line)) out.push(line);
    }
    if (s.kind === 'manual' && s.group !== 'rollback' && !o.confirmed.has(s.id)) out.push(`${what} ${s.id} is manual: do it first, then pass --confirm ${s.id}`);
    else if (s.kind !== 'manual' && s.confirm && !o.confirmed.has(s.id)) out.push(`${what} ${s.id} needs confirmation (${s.confirm.why}): pass --confirm ${s.id}`);
  };
  for (const s of plan.preconditions) check(s, 'precondition');
  for (const s of plan.steps) check(s, 'step');
  if (o.rollbacksRun) for (const s of plan.rollbacks) check(s, 'rollback');
  return out;
}
