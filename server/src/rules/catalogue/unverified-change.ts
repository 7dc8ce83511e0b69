// unverified-change: a step changes a running system and no later check verifies the change worked.
import { docsUrl } from '../../language/docs';
import type { Section, Step } from '../../language/model';
import { stepEffects } from '../step-effects';
import type { Finding, Rule } from '../types';

/** A step checks something when it has expectations on output, or polls until a condition. */
function checks(step: Step): boolean {
  return step.expect !== undefined || step.wait?.until !== undefined;
}

/** Sections that run only when chosen (`runsafe run --section`), so their steps may not run at all. */
const optionalKinds = new Set<Section['kind']>(['troubleshooting', 'incident', 'variant']);

/** A later check runs whenever the change runs only if every optional section around it also holds the change. */
function alwaysFollows(change: Step, check: Step): boolean {
  return check.sections.every((s) => !optionalKinds.has(s.kind) || change.sections.includes(s));
}

export const unverifiedChange: Rule = {
  name: 'unverified-change',
  docs: docsUrl('unverified-change'),
  severity: 'warning',
  summary: 'A state-changing step (config, restart, deploy, password) is not followed by a step that checks it.',
  check(ctx) {
    const out: Finding[] = [];
    // Preconditions only check and rollback steps run on their own, so only the procedure is judged.
    const order = ctx.runbook.allSteps.filter((s) => s.group === 'steps');
    order.forEach((step, i) => {
      const own = (step.expect && (step.expect.stdout || step.expect.stderr || step.expect.json)) || step.wait?.until;
      if (own || order.slice(i + 1).some((later) => checks(later) && alwaysFollows(step, later))) return;
      // Removals are checked by destructive-unconfirmed; a check after `rm -rf` proves nothing.
      const change = stepEffects(ctx, step).find((e) => !e.destructive);
      if (change) out.push({ span: change.span, message: `${change.why} changes the system, but no later step checks the result (add a step with \`expect\`)` });
    });
    return out;
  },
};
