// Pure: routes and branches of a plan: `on_failure: { section }` resolved to an optional section, `when.capture` checked against the captures.
import type { Runbook } from '../../../../server/src/language/index';
import { compileLinear } from '../linear-regex';
import { OPTIONAL_SECTION_KINDS, type Condition, type Plan, type PlanStep } from '../plan-types';

/**
 * Sets each plan step's `routeTo` from its `on_failure.section` (an id or a title, as
 * `--section` takes) and returns the plan's problems: a route into no section, or into one
 * that runs anyway (only troubleshooting, incident and variant sections wait to be chosen);
 * a `when.capture` naming no capture, a secret capture (which steps ran would reveal it) or
 * an invalid pattern.
 */
export function planRoutes(runbook: Runbook, steps: PlanStep[], sections: Plan['sections']): string[] {
  const problems: string[] = [];
  const byId = new Map(steps.map((s) => [s.id, s]));
  for (const st of runbook.allSteps) {
    const name = st.onFailure?.section.value;
    const p = st.id ? byId.get(st.id.value) : undefined;
    if (name === undefined || !p || st.group === 'rollback') continue;
    const target = sections.find((s) => s.key === name) ?? sections.find((s) => s.title === name);
    if (!target) problems.push(`step '${p.id}' routes its failure into section '${name}', which does not exist`);
    else if (!OPTIONAL_SECTION_KINDS.has(target.kind)) problems.push(`step '${p.id}' routes its failure into section '${name}', a ${target.kind} section that runs anyway: route into a troubleshooting, incident or variant section`);
    else p.routeTo = target.key;
  }
  const captures = new Map(runbook.allSteps.flatMap((s) => (s.capture ? [[s.capture.into, s.capture.secret] as const] : [])));
  const check = (owner: string, c: Condition) => {
    if (!('capture' in c) || !c.capture) return;
    const secret = captures.get(c.input);
    if (secret === undefined) problems.push(`${owner}: when.capture '${c.input}' is captured by no step`);
    else if (secret) problems.push(`${owner}: when.capture '${c.input}' is a secret capture; a branch on it would show it (capture it with secret: false if it is not secret)`);
    if (c.matches !== undefined) {
      const re = compileLinear(c.matches);
      if ('error' in re) problems.push(`${owner}: when.capture '${c.input}' matches: ${re.error}`);
    }
  };
  for (const s of steps) for (const c of s.when ?? []) check(`step '${s.id}'`, c);
  return problems;
}
