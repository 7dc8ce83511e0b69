// Pure decisions about `when` conditions and optional sections: evaluated from values, never by asking.
import { compileLinear } from '../linear-regex';
import type { Condition, PlanStep } from '../plan-types';

function sameValue(a: unknown, b: string | undefined): boolean {
  return b !== undefined && a !== null && a !== undefined && String(a) === b;
}

export type InputCondition = Exclude<Condition, { question: string }>;

/** Whether an input condition holds for the input's value (compared as text, as environment variables are). */
export function evaluateCondition(c: InputCondition, value: string | undefined): boolean {
  if ('equals' in c && !sameValue(c.equals, value)) return false;
  if (c.in && !c.in.some((v) => sameValue(v, value))) return false;
  if ('not' in c && sameValue(c.not, value)) return false;
  if (c.matches !== undefined) {
    // RE2 (linear time): a captured value cannot make the branch hang. An invalid pattern never holds (the plan refuses it first).
    const re = compileLinear(c.matches);
    if ('error' in re || value === undefined || !re.test(value)) return false;
  }
  if (c.capture && value === undefined) return false;
  return true;
}

/**
 * Whether a step's input conditions rule it out given the values known before the run:
 * 'no' when one is false, 'maybe' when one tests a value captured later, else 'yes'.
 * Questions are not decided here.
 */
export function staticallyRuns(step: PlanStep, known: ReadonlyMap<string, string>, later: ReadonlySet<string>): 'yes' | 'no' | 'maybe' {
  let verdict: 'yes' | 'maybe' = 'yes';
  for (const c of step.when ?? []) {
    if ('question' in c) continue;
    if (later.has(c.input) && !known.has(c.input)) {
      verdict = 'maybe';
      continue;
    }
    if (!evaluateCondition(c, known.get(c.input))) return 'no';
  }
  return verdict;
}
