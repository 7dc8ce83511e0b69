// missing-rollback: a confirmed, state-changing step that names no rollback.
import { docsUrl } from '../../language/docs';
import { stepAnchor } from '../../language/model';
import { mapPair } from '../../language/yaml-tree';
import { confirmed } from '../helpers';
import { stepEffects } from '../step-effects';
import type { Finding, Rule } from '../types';

export const missingRollback: Rule = {
  name: 'missing-rollback',
  docs: docsUrl('missing-rollback'),
  severity: 'warning',
  summary: 'A confirmed, state-changing step has no `rollback`, so a failure leaves the operator without a way back.',
  check(ctx) {
    const out: Finding[] = [];
    for (const step of ctx.runbook.allSteps) {
      // `rollback: { none: <reason> }` and `irreversible: true` say on purpose that there is no way back.
      if (step.group !== 'steps' || !confirmed(step) || step.rollback.length > 0 || step.rollbackNone !== undefined || step.irreversible) continue;
      const change = stepEffects(ctx, step).find((e) => e.reversible);
      if (!change) continue;
      // The `confirm` (or `dangerous`) key is what makes the step need a way back, so the finding sits there.
      const key = step.confirm ? mapPair(step.node, 'confirm')?.key : mapPair(step.node, 'dangerous')?.key;
      out.push({ span: key?.span ?? stepAnchor(step), message: `this confirmed step changes the system (${change.why}) but names no \`rollback\` step` });
    }
    return out;
  },
};
