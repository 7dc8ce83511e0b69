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
  const push = (line: string) => {
    if (!out.includes(line)) out.push(line);
  };
  // A failure may route into a section (on_failure): its steps may run unchosen.
  const chosen = new Set([...o.sections, ...plan.steps.flatMap((s) => (s.routeTo ? [s.routeTo] : []))]);
  const check = (s: PlanStep, what: string) => {
    if (!sectionChosen(s, chosen)) return;
    // A loop item's values decide its conditions like known inputs.
    const known = s.bind ? new Map([...o.known, ...Object.entries(s.bind)]) : o.known;
    if (staticallyRuns(s, known, o.later) === 'no') return;
    const answer = (c: { owner: string; alias?: string }) => o.answered.get(c.owner) ?? (c.alias !== undefined ? o.answered.get(c.alias) : undefined);
    // A question answered "no" in advance rules the step out: it needs nothing else.
    if ((s.when ?? []).some((c) => 'question' in c && answer(c) === false)) return;
    // A loop's steps are named once, by their step id (which covers every item).
    const id = s.baseId ?? s.id;
    for (const c of s.when ?? []) {
      if (!('question' in c) || answer(c) !== undefined) continue;
      const flag = c.alias ?? (c.owner.startsWith('section:') ? c.owner.slice('section:'.length) : c.owner);
      push(`${what} ${id} asks "${c.question}": pass --answer ${flag}=yes or --answer ${flag}=no`);
    }
    const confirmed = o.confirmed.has(s.id) || o.confirmed.has(id);
    if (s.kind === 'manual' && s.group !== 'rollback' && !confirmed) push(`${what} ${id} is manual: do it first, then pass --confirm ${id}`);
    else if (s.kind !== 'manual' && s.confirm && !confirmed) push(`${what} ${id} needs confirmation (${s.confirm.why}): pass --confirm ${id}`);
  };
  for (const s of plan.preconditions) check(s, 'precondition');
  for (const s of plan.steps) check(s, 'step');
  if (o.rollbacksRun) for (const s of plan.rollbacks) check(s, 'rollback');
  return out;
}
